import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { ResponseHeader__Output } from '../gen/quorumkv/v1/ResponseHeader.js';
import type { WatchResponse__Output } from '../gen/quorumkv/v1/WatchResponse.js';
import { log } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { Storage } from '../proto/services.js';
import { ConfirmationRounds } from './confirmation-rounds.js';
import { DEMAND_PERIOD_MS, FollowDemand } from './follow-demand.js';
import { LatestValueCache, type CachedState, type LatestValueCacheLimits } from './latest-value-cache.js';
import { encodedCall, type StorageRouter } from './storage-router.js';
import { followResuming } from './watch-service.js';

// One-key reads answered on the node, from a cache of latest values that a follow of the whole
// log keeps current (latest-value-cache.ts). A miss goes to a storage member, and its answer fills
// the cache. Serializable reads with a staleness bound always go to storage, which checks it; a
// min_revision the cache has not followed to goes there too. Linearizable reads of a cached key
// wait for a confirmation round with the leader and for the follow to reach its revision. The
// cache answers only while its follow is live: a member sends at least one message a second, so
// a silent follow is a broken one. It follows only while one-key reads come often enough to pay
// for it (every write costs a follower a message), and starts over empty when they come again.

export const DEFAULT_READ_CACHE_LIMITS: LatestValueCacheLimits = { maxEntries: 100_000, maxBytes: 64 * 1024 * 1024 };
/** The follow counts as live while its last message is at most this old. */
const LIVE_MS = 3_000;
const RESTART_PAUSE_MS = 500;
const EVERY_KEY = Buffer.of(0);
/** Linearizable reads waiting for a confirmation round or for the follow, at most. */
const MAX_WAITING_READS = 10_000;
/** A linearizable read waits this long for the follow to reach the confirmed revision, then asks the leader itself. */
const FOLLOW_WAIT_MS = 200;
const CONFIRM_TIMEOUT_MS = 1_000;
const CONFIRM_REQUEST = Storage.service.Read.requestSerialize({ key: EVERY_KEY, countOnly: true });

export class CachedReads {
  private readonly cache: LatestValueCache;
  /** The header of the last follow message: the member and term the cache's answers name. */
  private header: ResponseHeader__Output | null = null;
  private lastMessageAt = 0;
  /** A follow runs (or is starting over); see judgeDemand. */
  private following = false;
  private demandTimer: NodeJS.Timeout | undefined;
  private readonly demand: FollowDemand;
  private readonly goneListeners = new Set<() => void>();
  private readonly followWaiters = new Set<{ revision: number; resolve(reached: boolean): void }>();
  private readonly rounds: ConfirmationRounds<ResponseHeader__Output>;
  private readonly hits;
  private readonly misses;
  private readonly bypasses;

  constructor(
    private readonly storage: StorageRouter,
    private readonly metrics: Metrics,
    limits: LatestValueCacheLimits,
    /** One-key reads in a second that start the follow (DEFAULT_READ_CACHE_FOLLOW_AT); 0: follow from the start, always. */
    private readonly followAtReads: number,
  ) {
    this.cache = new LatestValueCache(limits);
    this.demand = new FollowDemand(followAtReads);
    this.rounds = new ConfirmationRounds(() => this.confirmedRevision(), MAX_WAITING_READS);
    this.hits = metrics.readCacheLookups.labels('hit');
    this.misses = metrics.readCacheLookups.labels('miss');
    this.bypasses = metrics.readCacheLookups.labels('bypass');
  }

  /** Starts judging demand each second: the log is followed only while one-key reads come often enough. */
  start(): void {
    if (this.followAtReads === 0) {
      void this.follow();
      return;
    }
    this.demandTimer = setInterval(() => this.judgeDemand(), DEMAND_PERIOD_MS);
    this.demandTimer.unref();
  }

  stop(): void {
    clearInterval(this.demandTimer);
    this.stopFollowing();
  }

  private judgeDemand(): void {
    const verdict = this.demand.endPeriod(this.following);
    if (verdict === 'start') void this.follow();
    else if (verdict === 'stop') this.stopFollowing();
  }

  private stopFollowing(): void {
    this.following = false;
    for (const listener of this.goneListeners) listener();
  }

  /** The encoded answer to a serializable read, from the cache, or undefined: ask storage (and `learn`). */
  answer(request: RangeRequest__Output): Buffer | undefined {
    if (isOneKeyLatest(request)) this.demand.read();
    if (!request.serializable || request.maxStalenessMs > 0 || !this.answersFor(request)) {
      this.bypasses.inc();
      return undefined;
    }
    const state = this.cache.lookup(request.key);
    const revision = state === undefined ? 0 : Math.max(this.cache.followed, state.revision);
    if (state === undefined || revision < request.minRevision) {
      this.misses.inc();
      return undefined;
    }
    this.hits.inc();
    return this.encode(request, state, revision);
  }

  /**
   * The encoded answer to a linearizable read, or undefined: ask the storage leader (and `learn`).
   * A cached key is answered once a confirmation round (confirmation-rounds.ts) that began after
   * the read arrived has named a revision and the follow has reached it: every write acknowledged
   * before the read is then in the answer.
   */
  async answerLinearizable(request: RangeRequest__Output): Promise<Buffer | undefined> {
    if (isOneKeyLatest(request)) this.demand.read();
    if (!this.answersFor(request) || this.cache.lookup(request.key) === undefined) {
      (this.answersFor(request) ? this.misses : this.bypasses).inc();
      return undefined;
    }
    const round = this.rounds.next();
    const confirmed = round === undefined ? undefined : await round.catch(() => undefined);
    if (confirmed === undefined || !(await this.followedTo(confirmed.revision))) {
      this.bypasses.inc();
      return undefined;
    }
    const state = this.cache.lookup(request.key);
    if (state === undefined) {
      this.misses.inc();
      return undefined;
    }
    this.hits.inc();
    // The leader confirmed the answer: it is named in the header, as when it answers itself.
    return this.encode(request, state, Math.max(this.cache.followed, state.revision), confirmed);
  }

  /** One key at the latest revision, while the follow is live. */
  private answersFor(request: RangeRequest__Output): boolean {
    return isOneKeyLatest(request) && this.header !== null && Date.now() - this.lastMessageAt <= LIVE_MS;
  }

  /** `header`: the member the answer names (by default the one followed). */
  private encode(request: RangeRequest__Output, state: CachedState, revision: number, header = this.header): Buffer {
    const kv = state.kv;
    return Storage.service.Read.responseSerialize({
      header: { ...header, revision },
      kvs: kv === null || request.countOnly ? [] : [request.keysOnly ? { ...kv, value: Buffer.alloc(0) } : kv],
      more: false,
      count: kv === null ? 0 : 1,
    });
  }

  /** Resolves true once the follow has reached `revision`, false if it does not within FOLLOW_WAIT_MS. */
  private followedTo(revision: number): Promise<boolean> {
    if (this.cache.followed >= revision) return Promise.resolve(true);
    if (this.followWaiters.size >= MAX_WAITING_READS) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = {
        revision,
        resolve: (reached: boolean) => {
          clearTimeout(timer);
          this.followWaiters.delete(waiter);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => waiter.resolve(false), FOLLOW_WAIT_MS);
      this.followWaiters.add(waiter);
    });
  }

  /** Learns the key's state from a storage member's encoded answer to `request`. */
  learn(request: RangeRequest__Output, encoded: Buffer): void {
    if (this.header === null || !isOneKeyLatest(request) || request.keysOnly || request.countOnly) return;
    const response = Storage.service.Read.responseDeserialize(encoded) as RangeResponse__Output;
    if (response.header === null || response.kvs.length > 1) return;
    this.cache.learn(request.key, response.kvs[0] ?? null, response.header.revision);
    this.metrics.readCacheEntries.set(this.cache.size);
    this.metrics.readCacheBytes.set(this.cache.heldBytes);
  }

  /** The storage leader's header (its revision) once a ReadIndex has confirmed it: a count-only linearizable read. */
  private async confirmedRevision(): Promise<ResponseHeader__Output> {
    const read = encodedCall(Storage.service.Read, CONFIRM_REQUEST);
    const response = Storage.service.Read.responseDeserialize(await this.storage.toLeader(Date.now() + CONFIRM_TIMEOUT_MS, read)) as RangeResponse__Output;
    if (response.header === null) throw new Error('the storage leader answered without a header');
    return response.header;
  }

  /** Follows the whole log until stopFollowing; after a break it cannot resume from, starts over empty. */
  private async follow(): Promise<void> {
    this.following = true;
    while (this.following) {
      this.cache.clear();
      this.header = null;
      const stopped = () => !this.following;
      log.info({ member: this.storage.homeMember.id }, 'read cache: following the log');
      try {
        await followResuming(this.storage, { key: EVERY_KEY, rangeEnd: EVERY_KEY, startRevision: 0, prevKv: false, progressOnly: false }, {
          deliver: (message) => this.deliver(message),
          get gone() {
            return stopped();
          },
          onGone: (listener) => {
            this.goneListeners.add(listener);
            return () => this.goneListeners.delete(listener);
          },
        });
      } catch (error) {
        if (this.following) log.warn({ err: (error as Error).message }, 'read cache: the follow of the log broke; starting over empty');
      }
      if (this.following) await new Promise((resolve) => setTimeout(resolve, RESTART_PAUSE_MS));
    }
    this.cache.clear();
    this.header = null;
    this.metrics.readCacheEntries.set(0);
    this.metrics.readCacheBytes.set(0);
  }

  private deliver(message: WatchResponse__Output): Promise<void> {
    if (!this.following) return Promise.resolve();
    this.cache.follow(message.events, message.revision);
    if (message.header !== null) this.header = message.header;
    this.lastMessageAt = Date.now();
    for (const waiter of this.followWaiters) if (waiter.revision <= this.cache.followed) waiter.resolve(true);
    this.metrics.readCacheEntries.set(this.cache.size);
    this.metrics.readCacheBytes.set(this.cache.heldBytes);
    return Promise.resolve();
  }
}

/** A read of one key at the latest revision: what the cache can answer. */
function isOneKeyLatest(request: RangeRequest__Output): boolean {
  return request.rangeEnd.length === 0 && request.revision <= 0;
}
