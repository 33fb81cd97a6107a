import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../src/mvcc/change-log.js';
import { RecentChanges } from '../../src/mvcc/recent-changes.js';
import { applyTxns, b, compactTo, delOp, openHarness, putOp, txn, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('the changes of recent revisions, held in memory', () => {
  it('answer changesAt exactly as the change log in LevelDB does', async () => {
    await applyTxns(h, txn([putOp('a', 'v1'), putOp('b', 'v1')]), txn([putOp('a', 'v2')]), txn([delOp('b')]), txn([delOp('nothing')]));
    const fromMemory = [];
    for (let revision = 1; revision <= h.store.revision + 1; revision++) fromMemory.push(await h.store.changesAt(revision));
    // A reopened store holds nothing in memory: every answer comes from LevelDB.
    await h.reopen();
    const fromDisk = [];
    for (let revision = 1; revision <= h.store.revision + 1; revision++) fromDisk.push(await h.store.changesAt(revision));
    expect(fromMemory).toEqual(fromDisk);
    expect(fromMemory[2]!.map((c) => c.kind)).toEqual(['put']);
    expect(fromMemory[3]!.map((c) => [c.kind, c.kv.key.toString(), c.kv.modRevision])).toEqual([['delete', 'b', 4]]);
  });

  it('below the compact revision, answer as LevelDB does', async () => {
    const small = await openHarness({ conflictWindowRevisions: 1 });
    try {
      for (let i = 0; i < 6; i++) await applyTxns(small, txn([putOp('k', `v${i}`)]));
      await compactTo(small, 5);
      const answered = [];
      for (let revision = 1; revision <= 6; revision++) answered.push((await small.store.changesAt(revision)).length);
      await small.reopen();
      const fromDisk = [];
      for (let revision = 1; revision <= 6; revision++) fromDisk.push((await small.store.changesAt(revision)).length);
      expect(answered).toEqual(fromDisk);
      expect(fromDisk[1]).toBe(0);
    } finally {
      await small.cleanup();
    }
  });

  it('stay within their bounds of revisions and bytes, dropping the oldest', () => {
    const change = (size: number): Change[] => [{ kind: 'put', kv: { key: b('k'), value: Buffer.alloc(size), createRevision: 1, modRevision: 1, version: 1, lease: 0 } }];
    const byCount = new RecentChanges({ maxRevisions: 2, maxBytes: 1 << 20 });
    for (let revision = 1; revision <= 3; revision++) byCount.add(revision, change(1));
    expect([1, 2, 3].map((r) => byCount.get(r) !== undefined)).toEqual([false, true, true]);
    const byBytes = new RecentChanges({ maxRevisions: 100, maxBytes: 400 });
    for (let revision = 1; revision <= 3; revision++) byBytes.add(revision, change(100));
    expect([1, 2, 3].map((r) => byBytes.get(r) !== undefined)).toEqual([false, true, true]);
    byBytes.add(4, change(1_000));
    expect(byBytes.get(4)).toBeUndefined();
  });
});
