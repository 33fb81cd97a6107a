/** Thrown when an invariant of the MVCC store does not hold: a programmer error, never bad input. */
export class MvccAssertionError extends Error {
  override name = 'MvccAssertionError';
}

/** Crashes loudly instead of letting a broken invariant corrupt replicated state. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new MvccAssertionError(`mvcc invariant violated: ${message}`);
}
