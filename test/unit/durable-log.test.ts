import { MemoryLevel } from 'memory-level';
import { afterEach, describe, expect, it } from 'vitest';
import { EntryType, NONE, type Entry } from '../../src/consensus/types.js';
import { DurableLog } from '../../src/storage/durable-log.js';
import { entryKey, RaftLogStore } from '../../src/storage/raft-log-store.js';

// The durable raft log and the core's in-memory view of it change together: after every kind of
// write, a member restarted from the disk would see the log the core sees now.

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

const entry = (index: number, term = 1, data = `e${index}`): Entry => ({ index, term, type: EntryType.Normal, data: Buffer.from(data) });

const dbs: Array<MemoryLevel<Buffer, Buffer>> = [];

afterEach(async () => {
  for (const db of dbs.splice(0)) if (db.status === 'open') await db.close();
});

async function open(): Promise<{ db: MemoryLevel<Buffer, Buffer>; log: DurableLog }> {
  const db = new MemoryLevel<Buffer, Buffer>(BUFFERS);
  await db.open();
  dbs.push(db);
  const store = await RaftLogStore.open(space(db));
  return { db, log: new DurableLog(store, await store.load()) };
}

function space(db: MemoryLevel<Buffer, Buffer>) {
  return db.sublevel<Buffer, Buffer>('raft', BUFFERS);
}

/** The log as the core sees it; a restart starts it after the snapshot, so entries are compared from there. */
function coreLog(log: DurableLog) {
  const view = log.coreView;
  const snapshot = view.snapshot().metadata;
  const from = Math.max(view.firstIndex(), snapshot.index + 1);
  const last = view.lastIndex();
  return {
    hardState: view.initialState(),
    snapshot,
    first: view.firstIndex(),
    entries: last >= from ? view.entries(from, last + 1, Infinity).map((e) => [e.index, e.term]) : [],
  };
}

/** The log on disk, as a restart would load it, and the first entry key still stored. */
async function diskLog(db: MemoryLevel<Buffer, Buffer>) {
  const { hardState, entries, snapshot } = await (await RaftLogStore.open(space(db))).load();
  let first: number | undefined;
  for await (const key of space(db).keys({ gt: entryKey(0), lt: entryKey(2 ** 48 - 1), limit: 1 })) first = key.readUIntBE(1, 6);
  return { hardState, snapshot, first: first ?? snapshot.index + 1, entries: entries.map((e) => [e.index, e.term]) };
}

describe('DurableLog', () => {
  it('keeps the core view and the disk alike through saves, snapshots, compaction and installs', async () => {
    const { db, log } = await open();
    const same = async () => expect(coreLog(log)).toEqual(await diskLog(db));
    await log.save({ term: 1, vote: 'a', commit: 0 }, [entry(1), entry(2), entry(3), entry(4)]);
    await same();
    await log.save({ term: 2, vote: 'b', commit: 2 }, [entry(3, 2)]); // replaces the suffix from 3
    await same();
    expect(log.lastIndex()).toBe(3);
    await log.recordSnapshot({ index: 2, term: 1, voters: ['a', 'b', 'c'], learners: [] });
    await same();
    await log.compact(1);
    await same();
    expect(log.firstIndex()).toBe(2);
    await log.compact(1); // below the first index: nothing
    await same();
    await log.applySnapshot({ metadata: { index: 9, term: 3, voters: ['a', 'b', 'c'], learners: ['d'] } });
    await log.save({ term: 3, vote: NONE, commit: 9 }, [entry(10, 3)]);
    await same();
    expect(log.snapshotMetadata()).toEqual({ index: 9, term: 3, voters: ['a', 'b', 'c'], learners: ['d'] });
    expect([log.firstIndex(), log.lastIndex(), log.term(9), log.term(10)]).toEqual([10, 10, 3, 3]);
  });

  it('shows the core nothing of a write that failed', async () => {
    const { db, log } = await open();
    await log.save({ term: 1, vote: 'a', commit: 0 }, [entry(1)]);
    await db.close();
    await expect(log.save({ term: 2, vote: 'a', commit: 1 }, [entry(2, 2)])).rejects.toThrow();
    expect(log.lastIndex()).toBe(1);
    expect(log.coreView.initialState()).toEqual({ term: 1, vote: 'a', commit: 0 });
  });

  it('counts the entry bytes saved since the last snapshot, taken or installed', async () => {
    const { log } = await open();
    await log.save({ term: 1, vote: 'a', commit: 2 }, [entry(1, 1, 'abc'), entry(2, 1, 'de')]);
    expect(log.bytesSinceSnapshot).toBe(5);
    await log.recordSnapshot({ index: 2, term: 1, voters: ['a'], learners: [] });
    expect(log.bytesSinceSnapshot).toBe(0);
    await log.save(undefined, [entry(3, 1, 'fghi')]);
    expect(log.bytesSinceSnapshot).toBe(4);
    // An installed snapshot replaces the whole log: none of those bytes are held any more.
    await log.applySnapshot({ metadata: { index: 10, term: 2, voters: ['a'], learners: [] } });
    expect(log.bytesSinceSnapshot).toBe(0);
  });

  it('tells a change of term or vote from a change of the commit index alone', async () => {
    const { log } = await open();
    await log.save({ term: 1, vote: 'a', commit: 0 }, [entry(1)]);
    expect(log.changesTermOrVote({ term: 1, vote: 'a', commit: 1 })).toBe(false);
    expect(log.changesTermOrVote({ term: 1, vote: 'b', commit: 1 })).toBe(true);
    expect(log.changesTermOrVote({ term: 2, vote: 'a', commit: 1 })).toBe(true);
    expect(log.changesTermOrVote(undefined)).toBe(false);
  });
});
