import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EntryType, NONE, type Entry, type HardState } from '../../src/consensus/types.js';
import { decodeEntry, encodeEntry, entryKey, RaftLogStore } from '../../src/storage/raft-log-store.js';

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

function entry(index: number, term: number, data = `d${index}t${term}`, type = EntryType.Normal): Entry {
  return { index, term, type, data: Buffer.from(data) };
}

/** Entries compared by value, with data as a plain Buffer. */
function plain(entries: Entry[]) {
  return entries.map((e) => ({ index: e.index, term: e.term, type: e.type, data: Buffer.from(e.data).toString('hex') }));
}

describe('RaftLogStore on LevelDB', () => {
  let dir: string;
  let db: Level<Buffer, Buffer>;

  async function openStore(): Promise<RaftLogStore> {
    db = new Level<Buffer, Buffer>(join(dir, 'db'), BUFFERS);
    await db.open();
    return RaftLogStore.open(db.sublevel<Buffer, Buffer>('raft', BUFFERS));
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'quorumkv-raftlog-'));
  });

  afterEach(async () => {
    if (db.status === 'open') await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads an empty log and the initial hard state from an empty database', async () => {
    const store = await openStore();
    expect(await store.load()).toEqual({ hardState: { term: 0, vote: NONE, commit: 0 }, entries: [], snapshot: { index: 0, term: 0, voters: [], learners: [] } });
  });

  it('loads the entries and hard state it saved', async () => {
    const store = await openStore();
    const hardState: HardState = { term: 3, vote: 's2', commit: 2 };
    const entries = [entry(1, 1), entry(2, 2, ''), entry(3, 3, 'conf', EntryType.ConfChange)];
    await store.save(hardState, entries);
    const loaded = await store.load();
    expect(loaded.hardState).toEqual(hardState);
    expect(plain(loaded.entries)).toEqual(plain(entries));
  });

  it('appends across saves and keeps the latest hard state', async () => {
    const store = await openStore();
    await store.save({ term: 1, vote: 's1', commit: 0 }, [entry(1, 1), entry(2, 1)]);
    await store.save(undefined, [entry(3, 1)]);
    await store.save({ term: 2, vote: 's3', commit: 3 }, []);
    const loaded = await store.load();
    expect(loaded.hardState).toEqual({ term: 2, vote: 's3', commit: 3 });
    expect(plain(loaded.entries)).toEqual(plain([entry(1, 1), entry(2, 1), entry(3, 1)]));
  });

  it('overwriting a conflicting suffix deletes the stale tail', async () => {
    const store = await openStore();
    await store.save({ term: 1, vote: 's1', commit: 1 }, [1, 2, 3, 4, 5].map((i) => entry(i, 1)));
    await store.save({ term: 2, vote: 's2', commit: 1 }, [entry(3, 2)]);
    expect(plain((await store.load()).entries)).toEqual(plain([entry(1, 1), entry(2, 1), entry(3, 2)]));
    // The stale keys are gone from the database, not merely hidden by the in-memory last index.
    expect(await db.sublevel<Buffer, Buffer>('raft', BUFFERS).get(entryKey(4))).toBeUndefined();
    expect(await db.sublevel<Buffer, Buffer>('raft', BUFFERS).get(entryKey(5))).toBeUndefined();

    // Appending after the truncation continues from the new tail.
    await store.save(undefined, [entry(4, 2)]);
    expect(plain((await store.load()).entries)).toEqual(plain([entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 2)]));
  });

  it('survives close and reopen, including a truncation made before the close', async () => {
    let store = await openStore();
    await store.save({ term: 1, vote: 's1', commit: 2 }, [1, 2, 3, 4].map((i) => entry(i, 1)));
    await store.save({ term: 2, vote: NONE, commit: 2 }, [entry(3, 2, '')]);
    await db.close();

    store = await openStore();
    const loaded = await store.load();
    expect(loaded.hardState).toEqual({ term: 2, vote: NONE, commit: 2 });
    expect(plain(loaded.entries)).toEqual(plain([entry(1, 1), entry(2, 1), entry(3, 2, '')]));

    // The reopened store knows its last index: overwriting index 2 deletes 3.
    await store.save(undefined, [entry(2, 3)]);
    await db.close();
    store = await openStore();
    expect(plain((await store.load()).entries)).toEqual(plain([entry(1, 1), entry(2, 3)]));
  });

  it('a save with neither hard state nor entries changes nothing', async () => {
    const store = await openStore();
    await store.save({ term: 1, vote: 's1', commit: 1 }, [entry(1, 1), entry(2, 1)]);
    await store.save(undefined, []);
    const loaded = await store.load();
    expect(loaded.hardState).toEqual({ term: 1, vote: 's1', commit: 1 });
    expect(plain(loaded.entries)).toEqual(plain([entry(1, 1), entry(2, 1)]));
  });

  it('refuses a log with a gap after the snapshot', async () => {
    const store = await openStore();
    await store.save({ term: 1, vote: 's1', commit: 3 }, [entry(3, 1)]);
    await expect(store.load()).rejects.toThrow(/gap before index 3/);
  });

  it('keeps the snapshot metadata, compacts behind it and resets to an installed snapshot', async () => {
    const store = await openStore();
    await store.save({ term: 1, vote: 's1', commit: 5 }, [1, 2, 3, 4, 5].map((i) => entry(i, 1)));
    await store.saveSnapshot({ index: 4, term: 1, voters: ['s1'], learners: [] });
    await store.compact(3);
    let loaded = await store.load();
    expect(loaded.snapshot.index).toBe(4);
    expect(loaded.entries.map((e) => e.index)).toEqual([5]);
    await store.reset({ index: 9, term: 2, voters: ['s1', 's2'], learners: [] });
    loaded = await store.load();
    expect(loaded.snapshot).toEqual({ index: 9, term: 2, voters: ['s1', 's2'], learners: [] });
    expect(loaded.entries).toEqual([]);
  });

  it('a reset cut short by a crash at any of its writes never leaves old entries after the snapshot', async () => {
    const installed = { index: 1_200, term: 5, voters: ['s1'], learners: [] };
    for (let crashAt = 1; ; crashAt++) {
      const store = await openStore();
      // A follower's old log runs past the snapshot it installs (entries of an old term).
      await store.save({ term: 3, vote: 's1', commit: 100 }, Array.from({ length: 2_500 }, (_, i) => entry(i + 1, 3)));
      const space = db.sublevel<Buffer, Buffer>('raft', BUFFERS);
      let writes = 0;
      const batch = space.batch.bind(space);
      // The crash: the `crashAt`-th write of the reset and everything after it never happen.
      (space as { batch: () => ReturnType<typeof batch> }).batch = () => {
        const chained = batch();
        const write = chained.write.bind(chained);
        chained.write = (async (options?: unknown) => {
          if (++writes >= crashAt) throw new Error('crash');
          return write(options as never);
        }) as typeof chained.write;
        return chained;
      };
      const crashed = await (await RaftLogStore.open(space)).reset(installed).then(
        () => false,
        () => true,
      );
      await db.close();
      const loaded = await (await openStore()).load();
      // Either the new snapshot with nothing after it, or still the old log (before the snapshot
      // was recorded: the install is finished at the next start, startup-recovery.ts).
      if (loaded.snapshot.index === installed.index) expect(loaded.entries, `crash at write ${crashAt}`).toEqual([]);
      else expect(loaded.snapshot.index).toBe(0);
      await db.close();
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'quorumkv-raftlog-'));
      if (!crashed) break;
    }
  });

  it('handles indexes and terms beyond 32 bits', async () => {
    const store = await openStore();
    const big = 2 ** 40 + 5;
    // A log this far along starts after a snapshot.
    await store.saveSnapshot({ index: big - 1, term: big, voters: ['s1'], learners: [] });
    await store.save({ term: big, vote: 's1', commit: big }, [entry(big, big), entry(big + 1, big)]);
    await db.close();
    const reopened = await openStore();
    const loaded = await reopened.load();
    expect(loaded.hardState.term).toBe(big);
    expect(loaded.snapshot.index).toBe(big - 1);
    expect(plain(loaded.entries)).toEqual(plain([entry(big, big), entry(big + 1, big)]));
  });
});

describe('encodeEntry / decodeEntry', () => {
  it('round-trips term, type and data', () => {
    const original = entry(9, 2 ** 40 + 1, 'payload', EntryType.ConfChange);
    const decoded = decodeEntry(9, encodeEntry(original));
    expect(plain([decoded])).toEqual(plain([original]));
  });

  it('round-trips an entry with empty data (a leader no-op)', () => {
    const original: Entry = { index: 4, term: 7, type: EntryType.Normal, data: new Uint8Array(0) };
    const bytes = encodeEntry(original);
    expect(bytes.length).toBe(7);
    const decoded = decodeEntry(4, bytes);
    expect(decoded).toMatchObject({ index: 4, term: 7, type: EntryType.Normal });
    expect(decoded.data.length).toBe(0);
  });

  it('round-trips binary data including zero and 0xff bytes', () => {
    const data = Buffer.from([0, 0xff, 1, 0, 0xfe]);
    const decoded = decodeEntry(1, encodeEntry({ index: 1, term: 1, type: EntryType.Normal, data }));
    expect(Buffer.from(decoded.data).equals(data)).toBe(true);
  });

  it('orders entry keys by index', () => {
    const indexes = [1, 2, 255, 256, 65_536, 2 ** 32, 2 ** 40];
    const keys = indexes.map(entryKey);
    for (let i = 1; i < keys.length; i++) expect(Buffer.compare(keys[i - 1], keys[i])).toBe(-1);
  });
});
