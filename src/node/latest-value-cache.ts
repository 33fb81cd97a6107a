import type { Event__Output } from '../gen/quorumkv/v1/Event.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';

// The latest value of recently read keys, kept current by the log's changes, so a node answers a
// serializable one-key read without a storage round trip.
//
// `followed` is the revision through which every change of the log has been applied here. An
// entry holds a key's state (null: absent) as of its `revision` and stays right as later changes
// arrive: a key's state at `followed` is its entry's, for an entry made at or after `followed`
// and updated by every change after that. An entry is therefore only made from a read answered
// at or after `followed`; a read answered earlier may have missed a change already streamed past.

/** A key's state, as of `revision`: the state at every revision from there to the cache's `followed`. */
export interface CachedState {
  kv: KeyValue__Output | null;
  revision: number;
}

export interface LatestValueCacheLimits {
  maxEntries: number;
  /** Bytes of keys and values held, at most. */
  maxBytes: number;
}

/** A key and its state take this much besides their bytes (the entry, the map slot). */
const ENTRY_OVERHEAD_BYTES = 96;

export class LatestValueCache {
  private readonly entries = new Map<string, CachedState>();
  private bytes = 0;
  /** Every change through this revision is applied (0: not following, nothing is cached). */
  followed = 0;

  constructor(private readonly limits: LatestValueCacheLimits) {}

  get size(): number {
    return this.entries.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  /** The state of `key` at revision max(followed, its entry's), or undefined if it is not cached. */
  lookup(key: Buffer): CachedState | undefined {
    return this.followed === 0 ? undefined : this.entries.get(key.toString('latin1'));
  }

  /**
   * Caches what a read answered at `revision` said of `key`, if that is at or after `followed`
   * (and the key is not cached yet: the entry there already is at least as current).
   */
  learn(key: Buffer, kv: KeyValue__Output | null, revision: number): void {
    if (this.followed === 0 || revision < this.followed) return;
    const id = key.toString('latin1');
    if (this.entries.has(id)) return;
    const size = sizeOf(key, kv);
    if (size > this.limits.maxBytes) return;
    this.entries.set(id, { kv: kv && owned(kv), revision });
    this.bytes += size;
    this.evictOverLimits();
  }

  /** Applies the log's changes through `revision`, in log order, each revision's changes once. */
  follow(events: readonly Event__Output[], revision: number): void {
    for (const event of events) {
      const kv = event.kv;
      if (kv === null) continue;
      const id = kv.key.toString('latin1');
      const entry = this.entries.get(id);
      if (entry === undefined || entry.revision > kv.modRevision) continue;
      const next = event.type === 'DELETE' ? null : owned(kv);
      this.bytes += sizeOf(kv.key, next) - sizeOf(kv.key, entry.kv);
      entry.kv = next;
      entry.revision = kv.modRevision;
    }
    this.followed = Math.max(this.followed, revision);
    this.evictOverLimits();
  }

  /** Forgets everything, and stops answering until following starts again from a revision. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.followed = 0;
  }

  /** Drops the oldest entries (in the order they were made) until both limits hold. */
  private evictOverLimits(): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) return;
      this.entries.delete(id);
      this.bytes -= sizeOf(Buffer.from(id, 'latin1'), entry.kv);
    }
  }
}

function sizeOf(key: Buffer, kv: KeyValue__Output | null): number {
  return ENTRY_OVERHEAD_BYTES + key.length + (kv?.value.length ?? 0);
}

/** The key-value with its own copies of key and value: decoded ones are views of a whole message (a follow batch), which they would keep alive. */
function owned(kv: KeyValue__Output): KeyValue__Output {
  return { ...kv, key: Buffer.from(kv.key), value: Buffer.from(kv.value) };
}
