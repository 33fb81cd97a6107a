// A server that answers at the very deadline its caller gave loses the race with the caller's
// own timer: the caller learns only that time ran out, not what the server found (a refusal's
// reason, say). So servers plan to answer a little earlier: a share of the time left, at most
// ANSWER_MARGIN_MS_MAX, which leaves room for a busy machine's scheduling delays.

const ANSWER_MARGIN_SHARE = 0.05;
const ANSWER_MARGIN_MS_MAX = 250;

/** When to answer a caller whose deadline is `deadlineMs` (epoch milliseconds). */
export function answerBy(deadlineMs: number, now = Date.now()): number {
  return deadlineMs - Math.min(ANSWER_MARGIN_MS_MAX, Math.max(0, deadlineMs - now) * ANSWER_MARGIN_SHARE);
}

/** When to answer a grpc-js call (answerBy its deadline), capped at `capMs` from now (also when it set none). */
export function deadlineOf(call: { getDeadline(): number | Date }, capMs: number): number {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  const cap = Date.now() + capMs;
  return Number.isFinite(ms) && ms > 0 && ms < cap ? answerBy(ms) : cap;
}
