/** The caller's deadline as epoch milliseconds, capped at `capMs` from now (also when it set none). */
export function deadlineOf(call: { getDeadline(): number | Date }, capMs: number): number {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  const cap = Date.now() + capMs;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, cap) : cap;
}
