/**
 * Linearizability of one counter's adds, for histories too long for the general search. Every
 * acknowledged add reports the value it made, and deltas are positive, so the order of the
 * acknowledged adds is forced: by the values they made. What is left to check:
 *
 * - real time: no add may make a larger value than an add that began after it returned;
 * - sums: between two consecutive acknowledged adds, the value grew by the later one's delta plus
 *   the deltas of some adds of unknown outcome (each applied at most once), and those adds must
 *   have been sent before the later add's latest possible point of effect;
 * - the final value is the last acknowledged one plus some of the unknown adds left.
 *
 * An unknown add that can fill a gap can fill every later one too (the latest points of effect
 * only grow along the order), so unknown adds differ only by their delta, and a search over how
 * many of each delta fill each gap decides the question exactly. The search is bounded; past the
 * bound the answer is 'unknown'.
 */

export interface CounterAdd {
  delta: number;
  call: number;
  /** The acknowledged add's return and the value it made; undefined: outcome unknown. */
  ret?: number;
  value?: number;
}

export type CounterOrderResult = { ok: true } | { ok: false; reason: string } | { ok: 'unknown'; reason: string };

const MAX_SEARCH_STEPS = 1_000_000;

export function checkCounterAdds(adds: readonly CounterAdd[], finalValue?: number): CounterOrderResult {
  for (const add of adds) {
    if (!(Number.isSafeInteger(add.delta) && add.delta > 0)) throw new RangeError(`checkCounterAdds: delta ${add.delta} is not a positive integer`);
  }
  const known = adds.filter((a) => a.value !== undefined).sort((a, b) => a.value! - b.value!);
  const unknown = adds.filter((a) => a.value === undefined).sort((a, b) => a.call - b.call);
  for (let i = 1; i < known.length; i++) {
    if (known[i].value === known[i - 1].value) return { ok: false, reason: `two acknowledged adds both made the value ${known[i].value}` };
  }
  // The latest moment each acknowledged add can take effect: before every larger one returned.
  const latest = new Array<number>(known.length);
  for (let i = known.length - 1, min = Infinity; i >= 0; i--) {
    min = Math.min(min, known[i].ret!);
    latest[i] = min;
    if (i + 1 < known.length && latest[i + 1] < known[i].call) {
      return { ok: false, reason: `an add made ${known[i + 1].value} and returned before the add that made ${known[i].value} was sent` };
    }
  }
  // gaps[i]: what unknown adds must add up to just before known[i] (the last: before the final read).
  const gaps: Array<{ need: number; before: number; what: string }> = [];
  let previous = 0;
  for (let i = 0; i < known.length; i++) {
    const need = known[i].value! - known[i].delta - previous;
    if (need < 0) return { ok: false, reason: `an add of ${known[i].delta} made ${known[i].value}, but an earlier add had already made ${previous}` };
    gaps.push({ need, before: latest[i], what: `before the add that made ${known[i].value}` });
    previous = known[i].value!;
  }
  if (finalValue !== undefined) {
    if (finalValue < previous) return { ok: false, reason: `the final value ${finalValue} is below the last acknowledged value ${previous}` };
    gaps.push({ need: finalValue - previous, before: Infinity, what: `before the final read of ${finalValue}` });
  }
  // A gap that needs nothing takes nothing: only the others are searched (and recursed into).
  return fillGaps(gaps.filter((gap) => gap.need > 0), unknown);
}

/** Decides whether unknown adds, each used at most once and only once sent, can fill every gap. */
function fillGaps(gaps: ReadonlyArray<{ need: number; before: number; what: string }>, unknown: readonly CounterAdd[]): CounterOrderResult {
  const maxDelta = unknown.reduce((m, a) => Math.max(m, a.delta), 0);
  // available[g]: per delta, how many unknown adds were sent before gap g's bound (cumulative).
  const available: number[][] = [];
  let next = 0;
  const counts = new Array<number>(maxDelta + 1).fill(0);
  for (const gap of gaps) {
    // Sent at the same moment as the bound counts as in time: equal timestamps are concurrent.
    while (next < unknown.length && unknown[next].call <= gap.before) counts[unknown[next++].delta]++;
    available.push([...counts]);
  }
  const used = new Array<number>(maxDelta + 1).fill(0);
  const failedAt = new Set<string>();
  let steps = 0;
  let deepest = 0;

  /** Fills gap g onwards; `remaining` is what gap g still needs, `d` the largest delta still to try for it. */
  const fill = (g: number, remaining: number, d: number): boolean | undefined => {
    if (++steps > MAX_SEARCH_STEPS) return undefined;
    if (remaining === 0) {
      if (g + 1 === gaps.length) return true;
      deepest = Math.max(deepest, g + 1);
      const memo = `${g + 1}:${used.join(',')}`;
      if (failedAt.has(memo)) return false;
      const result = fill(g + 1, gaps[g + 1].need, maxDelta);
      if (result === false) failedAt.add(memo);
      return result;
    }
    for (let delta = Math.min(d, remaining); delta >= 1; delta--) {
      if (used[delta] >= available[g][delta]) continue;
      used[delta]++;
      const result = fill(g, remaining - delta, delta);
      used[delta]--;
      if (result !== false) return result;
    }
    return false;
  };

  if (gaps.length === 0) return { ok: true };
  const result = fill(0, gaps[0].need, maxDelta);
  if (result === undefined) return { ok: 'unknown', reason: `search passed ${MAX_SEARCH_STEPS} steps` };
  if (result) return { ok: true };
  const gap = gaps[deepest];
  return { ok: false, reason: `no set of adds of unknown outcome makes up the ${gap.need} missing ${gap.what}` };
}
