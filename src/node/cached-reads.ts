import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { ResponseHeader__Output } from '../gen/quorumkv/v1/ResponseHeader.js';
import type { WatchResponse__Output } from '../gen/quorumkv/v1/WatchResponse.js';
import { log } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { Storage } from '../proto/services.js';
import { LatestValueCache, type LatestValueCacheLimits } from './latest-value-cache.js';
import type { StorageRouter } from './storage-router.js';
import { followResuming } from './watch-service.js';

// Serializable one-key reads answered on the node, from a cache of latest values that a follow
// of the whole log keeps current (latest-value-cache.ts). A miss goes to a storage member, and
// its answer fills the cache. Reads with a staleness bound always go to storage, which checks it;
// a min_revision the cache has not followed to goes there too. The cache answers only while its
// follow is live: a member sends at least one message a second, so a silent follow is a broken one.

export const DEFAULT_READ_CACHE_LIMITS: LatestValueCacheLimits = { maxEntries: 100_000, maxBytes: 64 * 1024 * 1024 };
/** The follow counts as live while its last message is at most this old. */
const LIVE_MS = 3_000;
const RESTART_PAUSE_MS = 500;
const EVERY_KEY = Buffer.of(0);

export class CachedReads {
  private readonly cache: LatestValueCache;
  /** The header of the last follow message: the member and term the cache's answers name. */
  private header: ResponseHeader__Output | null = null;
  private lastMessageAt = 0;
  private stopped = false;
  private readonly goneListeners = new Set<() => void>();
  private readonly hits;
  private readonly misses;
  private readonly bypasses;

  constructor(
    private readonly storage: StorageRouter,
    private readonly metrics: Metrics,
    limits: LatestValueCacheLimits = DEFAULT_READ_CACHE_LIMITS,
  ) {
    this.cache = new LatestValueCache(limits);
    this.hits = metrics.readCacheLookups.labels('hit');
    this.misses = metrics.readCacheLookups.labels('miss');
    this.bypasses = metrics.readCacheLookups.labels('bypass');
  }

  start(): void {
    void this.followForever();
  }

  stop(): void {
    this.stopped = true;
    for (const listener of this.goneListeners) listener();
  }

  /** The encoded answer to a serializable read, from the cache, or undefined: ask storage (and `learn`). */
  answer(request: RangeRequest__Output): Buffer | undefined {
    if (!cacheable(request) || this.header === null || Date.now() - this.lastMessageAt > LIVE_MS) {
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
    const kv = state.kv;
    const response = {
      header: { ...this.header, revision },
      kvs: kv === null || request.countOnly ? [] : [request.keysOnly ? { ...kv, value: Buffer.alloc(0) } : kv],
      more: false,
      count: kv === null ? 0 : 1,
    };
    return Storage.service.Read.responseSerialize(response);
  }

  /** Learns the key's state from a storage member's encoded answer to `request`. */
  learn(request: RangeRequest__Output, encoded: Buffer): void {
    if (!cacheable(request) || request.keysOnly || request.countOnly) return;
    const response = Storage.service.Read.responseDeserialize(encoded) as RangeResponse__Output;
    if (response.header === null || response.kvs.length > 1) return;
    this.cache.learn(request.key, response.kvs[0] ?? null, response.header.revision);
    this.metrics.readCacheEntries.set(this.cache.size);
    this.metrics.readCacheBytes.set(this.cache.heldBytes);
  }

  /** Follows the whole log from now on; after a break it cannot resume from, starts over empty. */
  private async followForever(): Promise<void> {
    while (!this.stopped) {
      this.cache.clear();
      this.header = null;
      const stopped = () => this.stopped;
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
        if (!this.stopped) log.warn({ err: (error as Error).message }, 'read cache: the follow of the log broke; starting over empty');
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, RESTART_PAUSE_MS));
    }
  }

  private deliver(message: WatchResponse__Output): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.cache.follow(message.events, message.revision);
    if (message.header !== null) this.header = message.header;
    this.lastMessageAt = Date.now();
    this.metrics.readCacheEntries.set(this.cache.size);
    this.metrics.readCacheBytes.set(this.cache.heldBytes);
    return Promise.resolve();
  }
}

/** A read the cache can answer: one key, the latest revision, no staleness bound to check. */
function cacheable(request: RangeRequest__Output): boolean {
  return request.serializable && request.rangeEnd.length === 0 && request.revision <= 0 && request.maxStalenessMs <= 0;
}
