// Invariant checks that crash on a programmer error instead of limping on. A tripped assertion in
// the simulator is a bug report with a seed attached.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** Throws AssertionError when `condition` is falsy. Pass a function to defer building the message. */
export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new AssertionError(typeof message === 'string' ? message : message());
  }
}
