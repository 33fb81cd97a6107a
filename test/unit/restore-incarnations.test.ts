import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { MemoryLevel } from 'memory-level';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreSnapshot } from '../../src/backup/restore.js';
import { SnapshotWriter } from '../../src/backup/snapshot-format.js';
import { MessageType, type Message } from '../../src/consensus/types.js';
import { Incarnations } from '../../src/storage/incarnations.js';
import { PeerAdmission } from '../../src/storage/peer-admission.js';

// A member restored from a backup starts with a log that is not empty, so it counts only peers
// whose incarnation it knows. Restore writes every member's incarnation into every directory;
// without that, each restored member refused the others' votes and no leader was ever elected.

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function openIncarnations(dir: string, self: string): Promise<{ incarnations: Incarnations; db: Level<Buffer, Buffer> }> {
  const db = new Level<Buffer, Buffer>(dir, BUFFERS);
  await db.open();
  return { incarnations: await Incarnations.open(db.sublevel<Buffer, Buffer>('raft', BUFFERS), self), db };
}

function vote(from: string, to: string): Message {
  return { type: MessageType.Vote, from, to, term: 2, logTerm: 1, index: 1, entries: [], commit: 0, reject: false, rejectHint: 0, context: Buffer.alloc(0) };
}

describe('a cluster restored from a backup', () => {
  it('has members that know every other member by its incarnation from their first start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorumkv-restore-incarnations-'));
    dirs.push(dir);
    const file = join(dir, 'snap');
    const writer = await SnapshotWriter.create(file, { revision: 3, compactRevision: 3 });
    await writer.finish();
    const members = new Map([['s1', '127.0.0.1:1'], ['s2', '127.0.0.1:2'], ['s3', '127.0.0.1:3']]);
    const restored = await restoreSnapshot({ file, dataDir: join(dir, 'restored'), members });

    const opened = new Map<string, Incarnations>();
    for (const [id, memberDir] of restored.dirs) {
      const { incarnations, db } = await openIncarnations(memberDir, id);
      opened.set(id, incarnations);
      await db.close();
    }
    const own = [...opened.values()].map((i) => i.own);
    expect(new Set(own).size, 'every member has an incarnation of its own').toBe(3);
    for (const [id, incarnations] of opened) {
      expect(incarnations.count).toBe(2);
      for (const [peer, theirs] of opened) if (peer !== id) expect(incarnations.verdict(peer, theirs.own), `${id} knows ${peer}`).toBe('known');
    }

    // A restored follower, with its non-empty log, counts a restored peer's vote at once, and
    // refuses that peer once it comes back with a wiped (new) data directory.
    const s1 = opened.get('s1')!;
    const refused: string[] = [];
    const admission = new PeerAdmission('s1', s1, {
      listed: (id) => members.has(id),
      leading: () => false,
      fresh: () => false,
      refused: (reason) => refused.push(reason),
      knownChanged: () => undefined,
      warn: () => undefined,
      fatal: (where) => {
        throw new Error(where);
      },
    });
    expect(admission.admits(vote('s2', 's1'), opened.get('s2')!.own)).toBe(true);
    expect(admission.admits(vote('s3', 's1'), opened.get('s3')!.own)).toBe(true);
    expect(admission.admits(vote('s2', 's1'), 'wiped-and-restarted')).toBe(false);
    expect(refused).toEqual(['stale']);
  });

  it('seeds only a data directory that has no incarnation yet', async () => {
    const db = new MemoryLevel<Buffer, Buffer>(BUFFERS);
    const space = db.sublevel<Buffer, Buffer>('raft', BUFFERS);
    const all = new Map([['s1', 'i1'], ['s2', 'i2']]);
    await expect(Incarnations.seed(space, 's3', all)).rejects.toThrow(/no incarnation given for s3/);
    await Incarnations.seed(space, 's1', all);
    const seeded = await Incarnations.open(space, 's1');
    expect(seeded.own).toBe('i1');
    expect(seeded.verdict('s2', 'i2')).toBe('known');
    expect(seeded.of('s1')).toBeUndefined();
    await expect(Incarnations.seed(space, 's1', all)).rejects.toThrow(/already has an incarnation/);
    await db.close();
  });
});
