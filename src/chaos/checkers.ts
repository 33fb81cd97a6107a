/**
 * The checkers of the set, counter and bank workloads. Each takes what the workload recorded and
 * returns a JSON-ready verdict with counts and a bounded sample of offending elements.
 */

export const DEFAULT_SAMPLE_SIZE = 20;

export interface Sampled<T> {
  count: number;
  /** At most `sampleSize` of them, in the order met. */
  sample: T[];
}

export interface SetCheck<T> {
  ok: boolean;
  attempted: number;
  acknowledged: number;
  read: number;
  /** Acknowledged adds missing from the final read: data loss. */
  lost: Sampled<T>;
  /** Elements in the final read that no client ever tried to add. */
  unexpected: Sampled<T>;
  /** Adds whose outcome was not acknowledged (failed or unknown) but that are present: allowed. */
  recovered: Sampled<T>;
  /** Elements that appear more than once in the final read. */
  duplicated: Sampled<T>;
}

/**
 * Jepsen's set checker: every acknowledged add must be in the final read, and the final read must
 * hold nothing that was never attempted. `attempted` must include every acknowledged element.
 */
export function checkSet<T>(
  acknowledgedAdds: Iterable<T>,
  attemptedAdds: Iterable<T>,
  finalRead: Iterable<T>,
  options: { sampleSize?: number } = {},
): SetCheck<T> {
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const attempted = new Set(attemptedAdds);
  const acknowledged = new Set(acknowledgedAdds);
  for (const element of acknowledged) {
    if (!attempted.has(element)) throw new Error(`checkSet: ${String(element)} was acknowledged but not among the attempted adds`);
  }
  const present = new Set<T>();
  const unexpected = sampler<T>(sampleSize);
  const recovered = sampler<T>(sampleSize);
  const duplicated = sampler<T>(sampleSize);
  let read = 0;
  for (const element of finalRead) {
    read++;
    if (present.has(element)) {
      duplicated.add(element);
      continue;
    }
    present.add(element);
    if (!attempted.has(element)) unexpected.add(element);
    else if (!acknowledged.has(element)) recovered.add(element);
  }
  const lost = sampler<T>(sampleSize);
  for (const element of acknowledged) if (!present.has(element)) lost.add(element);
  return {
    ok: lost.count === 0 && unexpected.count === 0 && duplicated.count === 0,
    attempted: attempted.size,
    acknowledged: acknowledged.size,
    read,
    lost: lost.result(),
    unexpected: unexpected.result(),
    recovered: recovered.result(),
    duplicated: duplicated.result(),
  };
}

export type AddOutcome = 'ok' | 'failed' | 'unknown';

/**
 * Running sums of a counter workload, in constant memory. An add that definitely did not apply
 * (a typed error raised before anything was written) is `failed`; one that may or may not have
 * applied (timeout, UNAVAILABLE) is `unknown`.
 */
export class CounterTally {
  acknowledgedSum = 0;
  unknownPositiveSum = 0;
  unknownNegativeSum = 0;
  readonly counts: Record<AddOutcome, number> = { ok: 0, failed: 0, unknown: 0 };

  constructor(readonly initialValue = 0) {
    assertSafe('initialValue', initialValue);
  }

  record(delta: number, outcome: AddOutcome): void {
    assertSafe('delta', delta);
    this.counts[outcome]++;
    if (outcome === 'ok') this.acknowledgedSum += delta;
    else if (outcome === 'unknown' && delta > 0) this.unknownPositiveSum += delta;
    else if (outcome === 'unknown') this.unknownNegativeSum += delta;
    assertSafe('acknowledged sum', this.acknowledgedSum);
    assertSafe('unknown sum', this.unknownPositiveSum - this.unknownNegativeSum);
  }
}

export interface CounterCheck {
  ok: boolean;
  finalValue: number;
  /** The final value if no unknown add applied but the negative ones. */
  lower: number;
  /** The final value if every unknown positive add applied and no negative one. */
  upper: number;
  acknowledgedSum: number;
  counts: Record<AddOutcome, number>;
}

/**
 * The final value must lie between the initial value plus the acknowledged sum and that plus every
 * unknown add (positive ones raise the upper bound, negative ones lower the lower bound).
 */
export function checkCounter(tally: CounterTally, finalValue: number): CounterCheck {
  assertSafe('finalValue', finalValue);
  const base = tally.initialValue + tally.acknowledgedSum;
  const lower = base + tally.unknownNegativeSum;
  const upper = base + tally.unknownPositiveSum;
  return { ok: lower <= finalValue && finalValue <= upper, finalValue, lower, upper, acknowledgedSum: tally.acknowledgedSum, counts: { ...tally.counts } };
}

export interface BankSnapshot {
  /** When the read was taken, for the report. */
  time?: number;
  balances: Readonly<Record<string, number>>;
}

export interface BankCheck {
  ok: boolean;
  reads: number;
  /** Reads whose total differs from the expected total. */
  wrongTotal: Sampled<{ index: number; time?: number; total: number; balances: Readonly<Record<string, number>> }>;
  /** Reads with a negative balance (only counted when negative balances are not allowed). */
  negative: Sampled<{ index: number; time?: number; account: string; balance: number }>;
}

/** Every snapshot of the accounts (each read in one transaction) must sum to `expectedTotal`. */
export function checkBankTotals(
  snapshots: Iterable<BankSnapshot>,
  expectedTotal: number,
  options: { allowNegative?: boolean; sampleSize?: number } = {},
): BankCheck {
  assertSafe('expectedTotal', expectedTotal);
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const wrongTotal = sampler<BankCheck['wrongTotal']['sample'][number]>(sampleSize);
  const negative = sampler<BankCheck['negative']['sample'][number]>(sampleSize);
  let reads = 0;
  for (const snapshot of snapshots) {
    const index = reads++;
    let total = 0;
    for (const [account, balance] of Object.entries(snapshot.balances)) {
      total += balance;
      if (!options.allowNegative && balance < 0) negative.add({ index, time: snapshot.time, account, balance });
    }
    if (total !== expectedTotal) wrongTotal.add({ index, time: snapshot.time, total, balances: snapshot.balances });
  }
  return { ok: wrongTotal.count === 0 && negative.count === 0, reads, wrongTotal: wrongTotal.result(), negative: negative.result() };
}

/** Counts everything added and keeps the first `sampleSize` of them. */
export function sampler<T>(sampleSize: number) {
  const sample: T[] = [];
  let count = 0;
  return {
    add(element: T) {
      count++;
      if (sample.length < sampleSize) sample.push(element);
    },
    get count() {
      return count;
    },
    result: (): Sampled<T> => ({ count, sample }),
  };
}

function assertSafe(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`counter checker: ${name} must be a safe integer, got ${value}`);
}
