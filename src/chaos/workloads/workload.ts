/**
 * What every workload shares: the clients it may use, the history it records into, and a loop
 * that runs until the run stops (bounded by time and by the history's size).
 */
import type { QuorumkvClient } from '../../client/index.js';
import type { History } from '../history.js';
import type { SeededRandom } from '../random.js';

export interface ChaosEndpoint {
  /** gateway (cluster endpoint), reader (reader endpoint) or a writer's id (direct). */
  name: string;
  client: QuorumkvClient;
  /** False for the reader endpoint. */
  writes: boolean;
}

export interface WorkloadContext {
  history: History;
  endpoints: ChaosEndpoint[];
  /** Keys of this workload start with it. */
  prefix: string;
  /** Set once the workload must stop sending. */
  readonly stopped: () => boolean;
  /** A client for set-up and final reads, with a longer deadline (gateway, then writers). */
  control: QuorumkvClient;
  /** How long the final reads may retry (short when the cluster already failed its liveness check). */
  finalReadTimeoutMs: number;
}

export interface CheckVerdict {
  ok: boolean | 'unknown';
  /** JSON-ready detail for the report. */
  detail: Record<string, unknown>;
  summary: string;
}

export interface Workload {
  name: string;
  workers: number;
  setup(ctx: WorkloadContext): Promise<void>;
  /** One client loop; returns once `ctx.stopped()`. */
  worker(ctx: WorkloadContext, index: number, random: SeededRandom): Promise<void>;
  /**
   * After the heal and the liveness check, before the replica hashes are compared: waits (bounded)
   * for what the workload left behind to settle, so the hashes cover the settled state.
   */
  settle?(ctx: WorkloadContext): Promise<void>;
  /** Releases what `setup` opened; called on every path, before the clients close. */
  close?(ctx: WorkloadContext): void;
  /** After the run: reads the final state and checks the history. */
  check(ctx: WorkloadContext): Promise<CheckVerdict>;
}

export const THINK_MS = 10;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function writeEndpoints(ctx: WorkloadContext): ChaosEndpoint[] {
  return ctx.endpoints.filter((e) => e.writes);
}

/** Runs `step` until the workload stops or the history is full, pausing THINK_MS in between. */
export async function loop(ctx: WorkloadContext, step: () => Promise<void>): Promise<void> {
  while (!ctx.stopped() && !ctx.history.isFull) {
    await step();
    await sleep(THINK_MS);
  }
}

/** Retries `action` until it succeeds or `timeoutMs` passes (then throws the last error). */
export async function retrying<T>(timeoutMs: number, action: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (Date.now() + 200 > deadline) throw error;
      await sleep(Math.min(1_000, 50 * 2 ** Math.min(attempt, 5)));
    }
  }
}

/** Every key under `prefix`, page by page (bounded). */
export async function readPrefix(client: QuorumkvClient, prefix: string, maxPages = 1_000): Promise<Array<{ key: string; value: string }>> {
  const all: Array<{ key: string; value: string }> = [];
  const end = Buffer.from(prefix);
  end[end.length - 1]++;
  let from = Buffer.from(prefix);
  let revision = 0;
  for (let page = 0; page < maxPages; page++) {
    const response = await client.range(from, { rangeEnd: end, revision: revision || undefined });
    revision ||= response.header?.revision ?? 0;
    for (const kv of response.kvs) all.push({ key: kv.key.toString(), value: kv.value.toString() });
    if (!response.more || response.kvs.length === 0) return all;
    from = Buffer.concat([response.kvs[response.kvs.length - 1].key, Buffer.from([0])]);
  }
  throw new Error(`readPrefix ${prefix}: more than ${maxPages} pages`);
}
