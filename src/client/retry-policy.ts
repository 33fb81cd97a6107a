import { Status } from '../rpc/status-codes.js';

// Which failures the client retries on its own, and how long it waits in between.
//
// - UNAVAILABLE: no leader yet, a node died, a leader change left a write's outcome unknown.
//   Reads are idempotent and every write carries a request id that the store applies at most
//   once, so sending the same request again is safe; the next try goes to the next endpoint.
// - RESOURCE_EXHAUSTED: a queue is full; the same request may fit after a pause.
// Everything else is the caller's to handle: INVALID_ARGUMENT will not change by retrying,
// ABORTED (a conflict) needs fresh reads (runTransaction does that), DEADLINE_EXCEEDED means the
// caller's time is up.

export function isRetryable(code: number): boolean {
  return code === Status.UNAVAILABLE || code === Status.RESOURCE_EXHAUSTED;
}

/** Full-jitter exponential backoff: a random pause in [0, min(capMs, baseMs·2^attempt)). */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20)));
}
