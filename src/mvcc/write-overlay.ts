import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import { assert } from './assert.js';
import { rangeContains, type KeyRange } from './key-range.js';
import type { KvSource } from './kv-source.js';
import type { Keyspace } from './keyspace.js';
import { decodeStoredKv } from './kv-encoding.js';

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

interface Write {
  revision: number;
  kv: KeyValue__Output | null;
}

interface Entry {
  key: Buffer;
  /** The key's bytes as latin1: its name in the overlay's maps. */
  id: string;
  /** The committed value read from LevelDB; undefined until first needed. */
  base: KeyValue__Output | null | undefined;
  /** This apply call's writes to the key, in revision order. */
  writes: Write[];
}

/**
 * The writes of one apply call, held in memory until the call writes its single batch, so that
 * later transactions of the call see earlier ones. It also caches committed values it has read (or
 * read ahead), so one key is read from LevelDB at most once per call. Its size is bounded by the
 * call's entries, never by the size of the store.
 */
export class WriteOverlay {
  private readonly entries = new Map<string, Entry>();
  /** Committed values read ahead by `prefetch` (null: no such key), still encoded; keyed like `entries`. */
  private readonly prefetched = new Map<string, Buffer | null>();
  /** The entries written since the last checkpoint, once per write, so they can be undone. */
  private journal: Entry[] = [];

  constructor(private readonly current: Keyspace) {}

  /** The key's latest value, including writes of this call. */
  async get(key: Buffer): Promise<KeyValue__Output | null> {
    const entry = this.entry(key);
    const last = entry.writes.at(-1);
    if (last !== undefined) return last.kv;
    return this.base(entry);
  }

  /** The key's value just before `revision`: this call's last earlier write, or the committed value. */
  async before(key: Buffer, revision: number): Promise<KeyValue__Output | null> {
    const entry = this.entry(key);
    const earlier = lastWriteAtOrBelow(entry.writes, revision - 1);
    if (earlier !== undefined) return earlier.kv;
    return this.base(entry);
  }

  /**
   * Reads the committed values of `keys` in one round trip, so that `get` of them waits on no
   * LevelDB read. The call's writes still win over what was read ahead.
   */
  async prefetch(keys: readonly Buffer[]): Promise<void> {
    const wanted = new Map<string, Buffer>();
    for (const key of keys) {
      const id = key.toString('latin1');
      if (this.entries.get(id)?.base === undefined && !this.prefetched.has(id)) wanted.set(id, key);
    }
    if (wanted.size === 0) return;
    const values = await this.current.getMany<Buffer, Buffer>([...wanted.values()], BUFFERS);
    assert(values.length === wanted.size, 'getMany returned a value per key');
    let i = 0;
    for (const id of wanted.keys()) this.prefetched.set(id, values[i++] ?? null);
  }

  write(key: Buffer, kv: KeyValue__Output | null, revision: number): void {
    const entry = this.entry(key);
    const last = entry.writes.at(-1);
    assert(last === undefined || last.revision <= revision, 'overlay writes went back in revision');
    entry.writes.push({ revision, kv });
    this.journal.push(entry);
  }

  /** Makes the writes so far permanent for this call: `rollback` undoes only later ones. */
  checkpoint(): void {
    this.journal = [];
  }

  /** Undoes every write since the last checkpoint (a transaction that turned out not to apply). */
  rollback(): void {
    for (let entry = this.journal.pop(); entry !== undefined; entry = this.journal.pop()) {
      const undone = entry.writes.pop();
      assert(undone !== undefined, 'rollback of a write that is not there');
    }
  }

  /**
   * Records a committed value met by a scan (a delete-range's), so the key's value before the call
   * is known without another read. Ignored once the call has written the key or read it.
   */
  noteCommitted(kv: KeyValue__Output): void {
    const entry = this.entry(kv.key);
    if (entry.writes.length === 0 && entry.base === undefined) entry.base = kv;
  }

  /**
   * The final value of every key this call wrote, in first-touch order, with its committed value
   * from before the call (every write path reads or notes it first).
   */
  *finalWrites(): Generator<{ key: Buffer; kv: KeyValue__Output | null; base: KeyValue__Output | null }> {
    for (const entry of this.entries.values()) {
      const last = entry.writes.at(-1);
      if (last === undefined) continue;
      assert(entry.base !== undefined, 'a written key has its committed value read');
      yield { key: entry.key, kv: last.kv, base: entry.base };
    }
  }

  /** The keys whose latest value in this call is attached to lease `id`. */
  *attachedTo(id: number): Generator<Buffer> {
    for (const entry of this.entries.values()) {
      const last = entry.writes.at(-1);
      if (last !== undefined && last.kv !== null && last.kv.lease === id) yield entry.key;
    }
  }

  /** The view at `revision` (Infinity for latest) of `committed` with this call's writes on top. */
  viewAt(revision: number, committed: KvSource): KvSource {
    return new OverlayView(this, revision, committed);
  }

  /** Keys in `range` whose value at `revision` was written by this call, sorted by key. */
  writtenIn(range: KeyRange, revision: number): { key: Buffer; kv: KeyValue__Output | null }[] {
    const found: { key: Buffer; kv: KeyValue__Output | null }[] = [];
    for (const entry of this.entries.values()) {
      if (!rangeContains(range, entry.key)) continue;
      const write = lastWriteAtOrBelow(entry.writes, revision);
      if (write !== undefined) found.push({ key: entry.key, kv: write.kv });
    }
    return found.sort((a, b) => Buffer.compare(a.key, b.key));
  }

  /** The committed value, read once per call (or read ahead by `prefetch`). */
  private async base(entry: Entry): Promise<KeyValue__Output | null> {
    if (entry.base === undefined) {
      let stored = this.prefetched.get(entry.id);
      if (stored === undefined) stored = (await this.current.get<Buffer, Buffer>(entry.key, BUFFERS)) ?? null;
      entry.base = stored === null ? null : decodeStoredKv(entry.key, stored);
    }
    return entry.base;
  }

  private entry(key: Buffer): Entry {
    const id = key.toString('latin1');
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = { key, id, base: undefined, writes: [] };
      this.entries.set(id, entry);
    }
    return entry;
  }
}

function lastWriteAtOrBelow(writes: Write[], revision: number): Write | undefined {
  for (let i = writes.length - 1; i >= 0; i--) if (writes[i].revision <= revision) return writes[i];
  return undefined;
}

/** Merges two key-ordered streams; where both have a key, the overlay's value (or deletion) wins. */
class OverlayView implements KvSource {
  constructor(
    private readonly overlay: WriteOverlay,
    private readonly revision: number,
    private readonly committed: KvSource,
  ) {}

  async *scan(range: KeyRange): AsyncGenerator<KeyValue__Output> {
    const written = this.overlay.writtenIn(range, this.revision);
    let i = 0;
    for await (const kv of this.committed.scan(range)) {
      for (; i < written.length && Buffer.compare(written[i].key, kv.key) < 0; i++) {
        if (written[i].kv !== null) yield written[i].kv!;
      }
      if (i < written.length && written[i].key.equals(kv.key)) {
        if (written[i].kv !== null) yield written[i].kv!;
        i++;
        continue;
      }
      yield kv;
    }
    for (; i < written.length; i++) if (written[i].kv !== null) yield written[i].kv!;
  }

  async *scanKeys(range: KeyRange): AsyncGenerator<Buffer> {
    const written = this.overlay.writtenIn(range, this.revision);
    let i = 0;
    for await (const key of this.committed.scanKeys(range)) {
      for (; i < written.length && Buffer.compare(written[i].key, key) < 0; i++) {
        if (written[i].kv !== null) yield written[i].key;
      }
      if (i < written.length && written[i].key.equals(key)) {
        if (written[i].kv !== null) yield key;
        i++;
        continue;
      }
      yield key;
    }
    for (; i < written.length; i++) if (written[i].kv !== null) yield written[i].key;
  }
}
