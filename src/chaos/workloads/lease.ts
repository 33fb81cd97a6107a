/**
 * Lease workload: each worker grants short leases (TTL 2-4 s, ids of its own so a lost answer
 * still names the lease), attaches a few keys to each through the writer endpoints, and then
 * either keeps the lease alive a while and revokes it, keeps it alive a while and abandons it, or
 * abandons it at once. While a lease should be alive, and once more just before the earliest moment
 * it may expire, the worker reads its keys (linearizable). A watch on the workload's prefix, opened
 * before the first grant, records every DELETE with its revision and when it arrived.
 *
 * After the heal the workload settles: it waits (bounded) until every lease it left has expired,
 * so the replica hashes compared next cover the state after the expiries. The checker
 * (lease-checker.ts) then looks for a key gone too early, a lease whose keys went at two
 * revisions, and a lease that never expired.
 */
import { checkLeases, leaseObservations, type KeyGone } from '../lease-checker.js';
import type { Watcher } from '../../client/watcher.js';
import { loop, readPrefix, retrying, sleep, writeEndpoints, type ChaosEndpoint, type CheckVerdict, type Workload, type WorkloadContext } from './workload.js';
import type { SeededRandom } from '../random.js';

const KEYS_PER_LEASE = 3;
const TTL_MIN_SECONDS = 2;
const TTL_MAX_SECONDS = 4;
/** Worker i uses lease ids (i+1)·stride + 1, 2, …: unique in the run, and a lost grant answer still names the lease. */
const LEASE_ID_STRIDE = 1_000_000;
const MAX_RENEWALS = 4;
/** The last read of an abandoned lease is sent this long before its earliest expiry. */
const LAST_READ_BEFORE_EXPIRY_MS = 400;
const SETUP_TIMEOUT_MS = 30_000;
const SLEEP_SLICE_MS = 100;
/** The watch keeps at most this many events; past it the check is unknown. */
const MAX_WATCH_EVENTS = 200_000;
/**
 * Settle bound past the longest TTL: once the last renewal was sent (before the settle starts) the
 * leader expires a lease within its TTL; a leader elected after the heal restarts it at its full
 * TTL (a second TTL), an election takes at most 2 × 10 ticks × 50 ms = 1 s, and a revocation lost
 * with a leader is proposed again 3 s later (src/lease/lease-keeper.ts). 6 s covers the election,
 * the retry and the apply with room.
 */
const SETTLE_SLACK_MS = 6_000;
const SETTLE_POLL_MS = 250;
/** How long the watch may take to deliver the end marker. */
const WATCH_BARRIER_TIMEOUT_MS = 15_000;
const KEY_PATTERN = /^(\d+)\/k\d+$/;

type Plan = 'revoke' | 'renew-then-abandon' | 'abandon';

interface WatchedEvent {
  type: 'PUT' | 'DELETE';
  key: string;
  lease: number;
  revision: number;
  at: number;
}

/** What one run of the workload keeps beside the history. */
interface LeaseRun {
  watcher: Watcher;
  events: WatchedEvent[];
  delivered: number;
  watchError?: string;
  overflow: boolean;
  consumed: Promise<void>;
  settle?: { waitedMs: number; remainingKeys: string[]; remainingLeases: number[]; watchComplete: boolean; error?: string };
}

const runs = new WeakMap<WorkloadContext, LeaseRun>();

const leaseOfKey = (ctx: WorkloadContext, key: string): number | undefined => {
  const match = KEY_PATTERN.exec(key.slice(ctx.prefix.length));
  return match ? Number(match[1]) : undefined;
};

/** Sleeps `ms`, in slices, returning false early once the workload must stop. */
async function pause(ctx: WorkloadContext, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (ctx.stopped()) return false;
    await sleep(Math.min(SLEEP_SLICE_MS, until - Date.now()));
  }
  return !ctx.stopped();
}

function pickPlan(random: SeededRandom): Plan {
  const r = random.next();
  return r < 0.4 ? 'revoke' : r < 0.75 ? 'renew-then-abandon' : 'abandon';
}

async function oneLease(ctx: WorkloadContext, worker: string, id: number, random: SeededRandom): Promise<void> {
  const ttl = random.int(TTL_MIN_SECONDS, TTL_MAX_SECONDS);
  const plan = pickPlan(random);
  const grantVia = random.pick(writeEndpoints(ctx));
  const grant = ctx.history.begin({ workload: 'lease', worker, endpoint: grantVia.name, f: 'grant', args: { lease: id, ttl, plan } });
  try {
    const granted = await grantVia.client.grantLease(ttl, { id });
    grant.ok({ ttl: Number(granted.ttl) });
  } catch (error) {
    grant.error(error, true);
    return;
  }
  // As etcd's clients do, the renewals run beside the writes, one every TTL/3 from the grant.
  const renewing = plan === 'abandon' ? Promise.resolve(grant.record.call + ttl * 1000) : renewals(ctx, worker, id, ttl, grant.record.call, random);
  await Promise.all(Array.from({ length: KEYS_PER_LEASE }, (_, k) => putKey(ctx, worker, id, k, random.pick(writeEndpoints(ctx)))));
  const bound = await renewing;
  if (plan === 'revoke') {
    if (ctx.stopped()) return;
    const endpoint = random.pick(writeEndpoints(ctx));
    const revoke = ctx.history.begin({ workload: 'lease', worker, endpoint: endpoint.name, f: 'revoke', args: { lease: id } });
    try {
      await endpoint.client.revokeLease(id);
      revoke.ok();
    } catch (error) {
      revoke.error(error, true);
    }
    return;
  }
  // Abandoned: one last look just before the lease may expire; its keys must all still be there.
  if (await pause(ctx, bound - LAST_READ_BEFORE_EXPIRY_MS - ctx.history.now())) await readKeys(ctx, worker, id, random);
}

async function putKey(ctx: WorkloadContext, worker: string, id: number, k: number, endpoint: ChaosEndpoint): Promise<void> {
  const key = `${ctx.prefix}${id}/k${k}`;
  const put = ctx.history.begin({ workload: 'lease', worker, endpoint: endpoint.name, f: 'put', key, args: { lease: id } });
  try {
    await endpoint.client.put(key, worker, { lease: id });
    put.ok();
  } catch (error) {
    put.error(error, true);
  }
}

/**
 * Renews the lease 1 to MAX_RENEWALS times, one every TTL/3 after the grant was sent, reading its
 * keys after each; answers the earliest time the lease may expire by what was acknowledged.
 */
async function renewals(ctx: WorkloadContext, worker: string, id: number, ttl: number, grantCall: number, random: SeededRandom): Promise<number> {
  let bound = grantCall + ttl * 1000;
  const count = random.int(1, MAX_RENEWALS);
  for (let r = 1; r <= count; r++) {
    if (!(await pause(ctx, grantCall + (r * ttl * 1000) / 3 - ctx.history.now()))) break;
    const endpoint = random.pick(writeEndpoints(ctx));
    const renew = ctx.history.begin({ workload: 'lease', worker, endpoint: endpoint.name, f: 'keepalive', args: { lease: id } });
    try {
      const answer = await endpoint.client.keepLeaseAliveOnce(id);
      renew.ok({ ttl: Number(answer.ttl) });
      if (Number(answer.ttl) > 0) bound = Math.max(bound, renew.record.call + Number(answer.ttl) * 1000);
    } catch (error) {
      renew.error(error, true);
    }
    await readKeys(ctx, worker, id, random);
  }
  return bound;
}

async function readKeys(ctx: WorkloadContext, worker: string, id: number, random: SeededRandom): Promise<void> {
  const endpoint = random.pick(writeEndpoints(ctx));
  const op = ctx.history.begin({ workload: 'lease', worker, endpoint: endpoint.name, f: 'read', args: { lease: id } });
  try {
    const response = await endpoint.client.range(`${ctx.prefix}${id}/`, { prefix: true, consistency: 'linearizable' });
    op.ok({ keys: response.kvs.map((kv) => kv.key.toString()) });
  } catch (error) {
    op.error(error, false);
  }
}

async function consume(ctx: WorkloadContext, run: LeaseRun): Promise<void> {
  try {
    for await (const batch of run.watcher) {
      for (const event of batch.events) {
        if (run.events.length >= MAX_WATCH_EVENTS) {
          run.overflow = true;
          break;
        }
        const key = event.kv!.key.toString();
        const lease = leaseOfKey(ctx, key);
        run.events.push({ type: event.type === 'DELETE' ? 'DELETE' : 'PUT', key, lease: lease ?? 0, revision: Number(event.kv!.modRevision), at: ctx.history.now() });
      }
      run.delivered = batch.revision;
    }
  } catch (error) {
    run.watchError = (error as Error).message;
  }
}

export const leaseWorkload: Workload = {
  name: 'lease',
  workers: 3,
  async setup(ctx) {
    const response = await retrying(SETUP_TIMEOUT_MS, () => ctx.control.range(ctx.prefix, { prefix: true }));
    const watcher = ctx.control.watch(ctx.prefix, { prefix: true, fromRevision: Number(response.header!.revision) + 1 });
    const run: LeaseRun = { watcher, events: [], delivered: 0, overflow: false, consumed: Promise.resolve() };
    run.consumed = consume(ctx, run);
    runs.set(ctx, run);
  },
  async worker(ctx, index, random) {
    const worker = `lease-${index}`;
    let sequence = 0;
    await loop(ctx, () => oneLease(ctx, worker, (index + 1) * LEASE_ID_STRIDE + ++sequence, random));
  },
  async settle(ctx) {
    const run = runs.get(ctx)!;
    const started = Date.now();
    const ids = new Set(ctx.history.ops.filter((op) => op.workload === 'lease' && op.f === 'grant').map((op) => Number(op.args!.lease)));
    const deadline = started + 2 * TTL_MAX_SECONDS * 1000 + SETTLE_SLACK_MS;
    const remaining = async () => {
      const keys = (await readPrefix(ctx.control, ctx.prefix)).map((kv) => kv.key).filter((key) => leaseOfKey(ctx, key) !== undefined);
      const listed = (await ctx.control.leases()).leases.map((l) => Number(l.id)).filter((id) => ids.has(id));
      return { keys, listed };
    };
    try {
      let left = await retrying(ctx.finalReadTimeoutMs, remaining);
      while ((left.keys.length > 0 || left.listed.length > 0) && Date.now() + SETTLE_POLL_MS < deadline) {
        await sleep(SETTLE_POLL_MS);
        left = await retrying(Math.max(1_000, deadline - Date.now()), remaining);
      }
      // A marker after everything: once the watch delivers it, it has delivered every event before.
      const marker = await retrying(ctx.finalReadTimeoutMs, () => ctx.control.put(`${ctx.prefix}end`, 'end'));
      const markerRevision = Number(marker.header!.revision);
      const barrier = Date.now() + WATCH_BARRIER_TIMEOUT_MS;
      while (run.delivered < markerRevision && run.watchError === undefined && Date.now() < barrier) await sleep(SLEEP_SLICE_MS);
      run.settle = { waitedMs: Date.now() - started, remainingKeys: left.keys, remainingLeases: left.listed, watchComplete: run.delivered >= markerRevision && !run.overflow };
    } catch (error) {
      run.settle = { waitedMs: Date.now() - started, remainingKeys: [], remainingLeases: [], watchComplete: false, error: (error as Error).message };
    }
  },
  close(ctx) {
    runs.get(ctx)?.watcher.close();
  },
  async check(ctx): Promise<CheckVerdict> {
    const run = runs.get(ctx)!;
    run.watcher.close();
    await run.consumed;
    const settle = run.settle;
    if (settle === undefined || settle.error !== undefined) {
      return { ok: 'unknown', summary: `could not settle: ${settle?.error ?? 'the settle step did not run'}`, detail: {} };
    }
    const { leases, goneByRead } = leaseObservations(ctx.history.ops);
    const lease = run.events.filter((e) => e.lease !== 0);
    const watched: KeyGone[] = lease.filter((e) => e.type === 'DELETE').map((e) => ({ lease: e.lease, key: e.key, at: e.at, revision: e.revision, source: 'watch' }));
    const result = checkLeases({
      leases,
      gone: [...watched, ...goneByRead],
      remainingKeys: settle.remainingKeys,
      remainingLeases: settle.remainingLeases,
      watchedPuts: settle.watchComplete ? lease.filter((e) => e.type === 'PUT') : undefined,
    });
    const watchText = settle.watchComplete ? 'watch complete' : `watch INCOMPLETE (${run.watchError ?? (run.overflow ? 'too many events' : 'end marker not delivered')})`;
    const text = `${result.leases} leases (${result.renewals} renewals acknowledged, ${result.revoked} revoked, ${result.expired} seen expiring), ${result.deletionsWatched} deletions watched, settled in ${settle.waitedMs} ms; ${watchText}; soonest expiry seen ${result.closestMarginMs ?? '-'} ms after its bound; ${result.early.count} early, ${result.splitRevision.count} split, ${result.neverExpired.count} never expired`;
    const ok = !result.ok ? false : settle.watchComplete ? true : 'unknown';
    return { ok, summary: text, detail: { ...result, settle, watchResumes: run.watcher.resumes } };
  },
};
