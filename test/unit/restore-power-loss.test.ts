import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMember } from '../../src/backup/restore.js';
import { SnapshotReader, SnapshotWriter } from '../../src/backup/snapshot-format.js';
import { SeededRandom } from '../../src/consensus/random.js';
import { MvccStore } from '../../src/mvcc/mvcc-store.js';
import { RaftLogStore } from '../../src/storage/raft-log-store.js';
import { StateSlots } from '../../src/storage/state-slots.js';
import { PowerLossLevel } from '../support/power-loss-level.js';

// `quorumkv snapshot restore` writes a member's state in unsynced batches, then its raft log with
// synced writes. Under LevelDB's power cuts (power-loss-level.ts) a synced write vouches only for
// its own log file, so a member restored and then cut could come up with a raft snapshot at the
// restored index over a state with holes. Once restore has written a member (and renames its
// directory into place), all of it must survive a cut.

const SEEDS = 40;
/** More than one of restore's batches (1,000 keys). */
const KEYS = 2_600;
const REVISION = KEYS + 1;
const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
const MEMBERS = new Map([['s1', '127.0.0.1:1'], ['s2', '127.0.0.1:2'], ['s3', '127.0.0.1:3']]);
const INCARNATIONS = new Map([['s1', 'i1'], ['s2', 'i2'], ['s3', 'i3']]);

let dir: string;
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quorumkv-restore-power-loss-'));
  file = join(dir, 'snap');
  const writer = await SnapshotWriter.create(file, { revision: REVISION, compactRevision: 1 });
  for (let i = 0; i < KEYS; i++) {
    const key = Buffer.from(`key-${String(i).padStart(5, '0')}`);
    await writer.add({ key, value: Buffer.from(`value-${i}`), createRevision: i + 2, modRevision: i + 2, version: 1, lease: 0 });
  }
  await writer.finish();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function restoreThenCut(seed: number): Promise<void> {
  const db = await PowerLossLevel.open(new SeededRandom(seed), 0.3);
  const { hash } = await writeMember(db as unknown as Level<Buffer, Buffer>, 's1', await SnapshotReader.open(file), MEMBERS, INCARNATIONS);
  const restarted = await db.crash();
  try {
    const log = await (await RaftLogStore.open(restarted.sublevel<Buffer, Buffer>('raft', BUFFERS))).load();
    expect(log.snapshot.index, `seed ${seed}: the raft snapshot was lost`).toBe(1);
    expect(log.hardState.commit, `seed ${seed}: the hard state was lost`).toBe(1);
    const slots = await StateSlots.open(restarted as unknown as Level<Buffer, Buffer>);
    const state = await MvccStore.open(slots.activeSpace());
    expect(state.revision, `seed ${seed}: the state's revision`).toBe(REVISION);
    expect((await state.hashAt(REVISION)).hash, `seed ${seed}: the state after the cut differs from the one restored`).toBe(hash);
  } finally {
    await restarted.close();
  }
}

describe('a restored member under a power cut', () => {
  it(`keeps all of its state once restore has written it, over ${SEEDS} seeds`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) await restoreThenCut(seed);
  }, 120_000);
});
