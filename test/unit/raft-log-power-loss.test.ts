import { afterEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/consensus/random.js';
import { EntryType, NONE, type Entry, type SnapshotMetadata } from '../../src/consensus/types.js';
import { DurableLog } from '../../src/storage/durable-log.js';
import { RaftLogStore } from '../../src/storage/raft-log-store.js';
import { finishInstall, recoverCommit } from '../../src/storage/startup-recovery.js';
import { PowerLossLevel } from '../support/power-loss-level.js';

// The raft log under power cuts as LevelDB has them (power-loss-level.ts): appends that overwrite
// a suffix, commit-only saves, snapshots with compaction, installs of a leader's snapshot, and
// term or vote changes, with a cut after any of them or while one is under way. After each cut
// the member's start-up path loads the log, and the log must hold everything it acknowledged,
// and nothing it had dropped.

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
const SEEDS = 300;
const STEPS = 80;
const CONF = { voters: ['a', 'b', 'c'], learners: [] };

/** What the log acknowledged: the term and vote, the entries after the snapshot, the snapshot. */
interface Acknowledged {
  term: number;
  vote: string;
  commit: number;
  /** Index → term, after the snapshot. */
  entries: Map<number, number>;
  snapshot: number;
}

const open: PowerLossLevel[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) if (db.status === 'open') await db.close();
});

const raftSpace = (db: PowerLossLevel) => db.sublevel<Buffer, Buffer>('raft', BUFFERS);
const slotSpace = (db: PowerLossLevel) => db.sublevel<Buffer, Buffer>('slot', BUFFERS);
const SLOT_KEY = Buffer.from('installed');

/** Start-up as the storage member does it: load, finish a cut-short install, recover the commit index. */
async function startUp(db: PowerLossLevel): Promise<DurableLog> {
  const store = await RaftLogStore.open(raftSpace(db));
  const raw = await slotSpace(db).get(SLOT_KEY);
  const installed: SnapshotMetadata | undefined = raw ? JSON.parse(raw.toString('utf8')) : undefined;
  const loaded = await store.load();
  // The state is the installed snapshot when one is recorded, else (here) as far as the log commits.
  const applied = installed && installed.index > loaded.snapshot.index ? installed.index : loaded.hardState.commit;
  const { stored } = await finishInstall(store, loaded, installed, applied);
  return new DurableLog(store, { ...stored, hardState: recoverCommit(stored, applied).hardState });
}

function entriesOf(log: DurableLog): Map<number, number> {
  const view = log.coreView;
  const from = view.snapshot().metadata.index + 1;
  const entries = new Map<number, number>();
  for (let index = from; index <= view.lastIndex(); index++) entries.set(index, view.term(index));
  return entries;
}

const entry = (index: number, term: number): Entry => ({ index, term, type: EntryType.Normal, data: Buffer.from(`${index}@${term}`) });

/** One step against the log; resolves with what the log holds once the step is acknowledged. */
async function step(random: SeededRandom, db: PowerLossLevel, log: DurableLog, now: Acknowledged): Promise<Acknowledged> {
  const last = log.lastIndex();
  const roll = random.nextFloat();
  if (roll < 0.45) {
    // An append: continues the log, or a new leader overwrites the uncommitted suffix.
    const overwrite = last > now.commit && random.chance(0.3);
    const from = overwrite ? random.between(Math.max(now.commit, now.snapshot) + 1, last) : last + 1;
    const term = overwrite ? now.term + 1 : now.term;
    const entries = Array.from({ length: random.between(1, 4) }, (_, i) => entry(from + i, term));
    const hardState = { term, vote: overwrite ? NONE : now.vote, commit: now.commit };
    await log.save(hardState, entries);
    const kept = new Map([...now.entries].filter(([index]) => index < from));
    for (const e of entries) kept.set(e.index, e.term);
    return { ...now, term, vote: hardState.vote, entries: kept };
  }
  if (roll < 0.6 && last > now.commit) {
    const commit = random.between(now.commit + 1, last);
    await log.save({ term: now.term, vote: now.vote, commit }, []);
    return { ...now, commit };
  }
  if (roll < 0.72 && now.commit > now.snapshot) {
    const index = random.between(now.snapshot + 1, now.commit);
    await log.recordSnapshot({ index, term: log.term(index), ...CONF });
    await log.compact(index - random.between(0, 2));
    return { ...now, snapshot: index, entries: new Map([...now.entries].filter(([i]) => i > index)) };
  }
  if (roll < 0.84) {
    // A leader's snapshot: its state slot is made the applied state first, then the log reset.
    const term = now.term + 1;
    const metadata = { index: Math.max(now.commit, now.snapshot, last + random.between(-3, 3)) + 1, term, ...CONF };
    await slotSpace(db).put(SLOT_KEY, Buffer.from(JSON.stringify(metadata)), { sync: true } as never);
    await log.save({ term, vote: NONE, commit: now.commit }, []);
    await log.applySnapshot({ metadata });
    await log.save({ term, vote: NONE, commit: metadata.index }, []);
    return { term, vote: NONE, commit: metadata.index, entries: new Map(), snapshot: metadata.index };
  }
  const term = now.term + 1;
  const vote = random.chance(0.5) ? 'b' : 'a';
  await log.save({ term, vote, commit: now.commit }, []);
  return { ...now, term, vote };
}

/** Everything acknowledged is there, except what the step under way at the cut replaced; nothing dropped came back. */
function checkRecovered(seed: number, log: DurableLog, before: Acknowledged, during: Acknowledged | undefined): void {
  const where = `seed ${seed}`;
  const hard = log.coreView.initialState();
  const snapshot = log.snapshotMetadata().index;
  const recovered = entriesOf(log);
  const allowed = during ? [before, during] : [before];
  expect(allowed.some((a) => a.term === hard.term && a.vote === hard.vote), `${where}: term ${hard.term} vote ${hard.vote}, acknowledged ${before.term}/${before.vote}`).toBe(true);
  expect(allowed.some((a) => snapshot >= a.snapshot), `${where}: snapshot ${snapshot} behind the acknowledged ${before.snapshot}`).toBe(true);
  const holds = (a: Acknowledged) => [...a.entries].every(([index, term]) => index <= snapshot || recovered.get(index) === term);
  expect(allowed.some(holds), `${where}: an acknowledged entry is missing: ${JSON.stringify([...recovered])} after snapshot ${snapshot}, acknowledged ${JSON.stringify([...before.entries])}`).toBe(true);
  const noStranger = (a: Acknowledged) => [...recovered].every(([index, term]) => a.entries.get(index) === term);
  expect(allowed.some(noStranger), `${where}: entries came back that the log had dropped: ${JSON.stringify([...recovered])} after snapshot ${snapshot}, acknowledged ${JSON.stringify([...before.entries])}`).toBe(true);
}

async function run(seed: number): Promise<number> {
  const random = new SeededRandom(seed);
  let db = await PowerLossLevel.open(random, 0.2);
  open.push(db);
  let log = await startUp(db);
  let now: Acknowledged = { term: 1, vote: 'a', commit: 0, entries: new Map(), snapshot: 0 };
  await log.save({ term: 1, vote: 'a', commit: 0 }, []);
  let cuts = 0;
  for (let i = 0; i < STEPS; i++) {
    const cutDuring = random.chance(0.08);
    const next = await step(random, db, log, now);
    if (!cutDuring && !random.chance(0.08)) {
      now = next;
      continue;
    }
    db = await db.crash();
    open.push(db);
    cuts++;
    log = await startUp(db);
    checkRecovered(seed, log, cutDuring ? now : next, cutDuring ? next : undefined);
    // Go on from what the disk holds, as the member would.
    const hard = log.coreView.initialState();
    now = { term: hard.term, vote: hard.vote, commit: hard.commit, entries: entriesOf(log), snapshot: log.snapshotMetadata().index };
  }
  return cuts;
}

describe('the raft log under power cuts', () => {
  it(`keeps what it acknowledged and drops for good what it dropped, over ${SEEDS} seeds`, async () => {
    let cuts = 0;
    for (let seed = 1; seed <= SEEDS; seed++) cuts += await run(seed);
    expect(cuts).toBeGreaterThan(SEEDS * 5);
  }, 120_000);
});
