/** A mistake in how a command was called: the usage is printed and the exit code is 2. */
export class UsageError extends Error {}
