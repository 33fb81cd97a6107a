import type { EndpointTraffic, Series } from './web/model.js';
import type { Sample } from './prom-text.js';

// Throughput and latency by endpoint and op, from the nodes' own request metrics: each tick, the
// difference between two scrapes of a node's counters and latency buckets, summed over the nodes
// that serve an endpoint, becomes one point per op.

export const REQUESTS_METRIC = 'quorumkv_grpc_requests_total';
export const LATENCY_METRIC = 'quorumkv_grpc_request_duration_seconds_bucket';
/** Points kept per series: two minutes at one tick a second. */
export const MAX_POINTS = 120;

/** Cumulative counts of one process, per op: requests, and latency buckets by upper bound. */
export type OpTotals = Map<string, { requests: number; buckets: Map<number, number> }>;

/** The KV op a method label names ("KV/Put" → "Put"); undefined for every other method. */
export function opOf(method: string | undefined): string | undefined {
  return method?.match(/(?:^|[./])KV\/(\w+)$/)?.[1];
}

export function opTotals(samples: readonly Sample[]): OpTotals {
  const totals: OpTotals = new Map();
  const entry = (op: string) => {
    let found = totals.get(op);
    if (!found) totals.set(op, (found = { requests: 0, buckets: new Map() }));
    return found;
  };
  for (const sample of samples) {
    const op = opOf(sample.labels.method);
    if (!op) continue;
    if (sample.name === REQUESTS_METRIC) entry(op).requests += sample.value;
    else if (sample.name === LATENCY_METRIC) {
      const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
      const buckets = entry(op).buckets;
      buckets.set(le, (buckets.get(le) ?? 0) + sample.value);
    }
  }
  return totals;
}

/**
 * What happened between two scrapes of one process. A counter that went down means the process
 * restarted: its whole current count is new.
 */
export function opDelta(before: OpTotals | undefined, after: OpTotals): OpTotals {
  const delta: OpTotals = new Map();
  for (const [op, now] of after) {
    const then = before?.get(op);
    const restarted = then !== undefined && now.requests < then.requests;
    const base = restarted ? undefined : then;
    const buckets = new Map<number, number>();
    for (const [le, count] of now.buckets) buckets.set(le, Math.max(0, count - (base?.buckets.get(le) ?? 0)));
    delta.set(op, { requests: Math.max(0, now.requests - (base?.requests ?? 0)), buckets });
  }
  return delta;
}

/**
 * Adds one process's delta over `seconds` into `into`: requests as a rate (each process has its
 * own interval, as a scrape may fail or be late), latency buckets as counts.
 */
export function addRates(into: OpTotals, more: OpTotals, seconds: number): void {
  if (!(seconds > 0)) throw new Error(`a delta must span some time, got ${seconds} s`);
  for (const [op, counts] of more) {
    const target = into.get(op) ?? { requests: 0, buckets: new Map<number, number>() };
    target.requests += counts.requests / seconds;
    for (const [le, count] of counts.buckets) target.buckets.set(le, (target.buckets.get(le) ?? 0) + count);
    into.set(op, target);
  }
}

/** The q-quantile of cumulative histogram buckets, interpolated inside a bucket (as PromQL's histogram_quantile). */
export function bucketQuantile(buckets: ReadonlyMap<number, number>, q: number): number | undefined {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile must be in [0, 1], got ${q}`);
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = bounds.length > 0 ? buckets.get(bounds[bounds.length - 1])! : 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const count = buckets.get(le)!;
    if (count >= rank) {
      if (le === Infinity) return lower;
      const inBucket = count - below;
      return inBucket <= 0 ? le : lower + ((le - lower) * (rank - below)) / inBucket;
    }
    lower = le;
    below = count;
  }
  return lower;
}

/** The series of one endpoint: a throughput and a latency line per op, each bounded to MAX_POINTS. */
export class EndpointSeries {
  private readonly throughput = new Map<string, Series>();
  private readonly latency = new Map<string, Series>();
  private total = 0;

  constructor(
    readonly endpoint: 'cluster' | 'reader',
    private servedBy: string,
  ) {}

  /** One tick: `rates` holds what the serving nodes did since their last scrape (see addRates). */
  record(at: number, rates: OpTotals, servedBy: string): void {
    this.servedBy = servedBy;
    this.total = 0;
    for (const op of new Set([...rates.keys(), ...this.throughput.keys()])) {
      const counts = rates.get(op);
      const perSecond = counts?.requests ?? 0;
      this.total += perSecond;
      push(this.throughput, op, at, perSecond);
      const p99 = counts && counts.requests > 0 ? bucketQuantile(counts.buckets, 0.99) : undefined;
      if (p99 !== undefined) push(this.latency, op, at, p99 * 1_000);
    }
    // A line with no point left in the window goes.
    for (const series of [this.throughput, this.latency]) {
      for (const [op, s] of series) if (s.points.length === 0 || s.points[s.points.length - 1][0] < at - MAX_POINTS * 2_000) series.delete(op);
    }
  }

  view(): EndpointTraffic {
    const sorted = (m: Map<string, Series>) => [...m.values()].sort((a, b) => a.label.localeCompare(b.label));
    return { endpoint: this.endpoint, servedBy: this.servedBy, throughput: sorted(this.throughput), latencyP99Ms: sorted(this.latency), totalPerSecond: this.total };
  }
}

function push(series: Map<string, Series>, label: string, at: number, value: number): void {
  let s = series.get(label);
  if (!s) series.set(label, (s = { label, points: [] }));
  s.points.push([at, Math.round(value * 1_000) / 1_000]);
  if (s.points.length > MAX_POINTS) s.points.splice(0, s.points.length - MAX_POINTS);
}
