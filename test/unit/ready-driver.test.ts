import { MemoryLevel } from 'memory-level';
import { afterEach, describe, expect, it } from 'vitest';
import { RaftNode } from '../../src/consensus/raft.js';
import { MessageType, type Entry, type HardState, type Message, type NodeId } from '../../src/consensus/types.js';
import { DurableLog } from '../../src/storage/durable-log.js';
import { RaftLogStore } from '../../src/storage/raft-log-store.js';
import { ReadyDriver, type ReadyHooks } from '../../src/storage/ready-driver.js';

// The real ReadyDriver and DurableLog over an in-memory LevelDB, with real consensus cores wired
// by hand: what a member sends, writes and applies, in which order.

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
const encode = (s: string) => Buffer.from(s);

interface SaveEvent {
  kind: 'save-begin' | 'save-end';
  node: NodeId;
  indexes: number[];
  hardState: HardState | undefined;
}

type Event =
  | SaveEvent
  | { kind: 'send'; node: NodeId; messages: Message[] }
  | { kind: 'apply'; node: NodeId; indexes: number[]; appliedByCore: number }
  | { kind: 'advance'; node: NodeId };

/** One storage member reduced to its Ready path: a core, its durable log and the driver. */
interface Rig {
  id: NodeId;
  db: MemoryLevel<Buffer, Buffer>;
  log: DurableLog;
  raft: RaftNode;
  driver: ReadyDriver;
  /** Messages sent and not delivered yet. */
  outbox: Message[];
  applied: Entry[];
  fatal: Array<{ where: string; error: unknown }>;
  /** While set, the raft log's writes wait for it. */
  saveGate: Promise<void> | undefined;
}

const dbs: Array<MemoryLevel<Buffer, Buffer>> = [];

afterEach(async () => {
  for (const db of dbs.splice(0)) if (db.status === 'open') await db.close();
});

async function rig(id: NodeId, voters: NodeId[], events: Event[], hooks: Partial<ReadyHooks> = {}): Promise<Rig> {
  const db = new MemoryLevel<Buffer, Buffer>(BUFFERS);
  await db.open();
  dbs.push(db);
  const store = await RaftLogStore.open(db.sublevel<Buffer, Buffer>('raft', BUFFERS));
  const log = new DurableLog(store, await store.load());
  const raft = new RaftNode({ id, voters, seed: voters.indexOf(id) + 1 }, log.coreView);
  const r = { id, db, log, raft, outbox: [], applied: [], fatal: [], saveGate: undefined } as unknown as Rig;
  // Record when the raft log's writes start and end (the end is when they are durable).
  const save = store.save.bind(store);
  store.save = async (hardState, entries) => {
    const indexes = entries.map((e) => e.index);
    events.push({ kind: 'save-begin', node: id, indexes, hardState });
    await r.saveGate;
    await save(hardState, entries);
    events.push({ kind: 'save-end', node: id, indexes, hardState });
  };
  const advance = raft.advance.bind(raft);
  raft.advance = () => {
    events.push({ kind: 'advance', node: id });
    advance();
  };
  r.driver = new ReadyDriver(raft, log, {
    onSoftState: () => undefined,
    installSnapshot: async () => undefined,
    sendSnapshots: () => undefined,
    send: (messages) => {
      events.push({ kind: 'send', node: id, messages });
      r.outbox.push(...messages);
    },
    saved: () => undefined,
    apply: async (entries) => {
      events.push({ kind: 'apply', node: id, indexes: entries.map((e) => e.index), appliedByCore: raft.status().applied });
      r.applied.push(...entries);
    },
    onReadStates: () => undefined,
    afterAdvance: async () => undefined,
    betweenReadies: async () => undefined,
    fatal: (where, error) => r.fatal.push({ where, error }),
    ...hooks,
  });
  return r;
}

/** Delivers every message sent so far, lets each driver carry out what follows, until nothing moves. */
async function stabilize(rigs: Rig[], maxRounds = 100): Promise<void> {
  const byId = new Map(rigs.map((r) => [r.id, r]));
  for (let round = 0; round < maxRounds; round++) {
    for (const r of rigs) r.driver.schedule();
    await Promise.all(rigs.map((r) => r.driver.idle()));
    const messages = rigs.flatMap((r) => r.outbox.splice(0));
    if (messages.length === 0) return;
    for (const m of messages) byId.get(m.to)?.raft.step(m);
  }
  throw new Error('the rigs did not stabilize');
}

/** Ticks `leader` until it campaigns, then lets the election finish. */
async function elect(rigs: Rig[], leader: Rig): Promise<void> {
  for (let i = 0; i < 100 && leader.raft.status().role === 'follower'; i++) leader.raft.tick();
  await stabilize(rigs);
  expect(leader.raft.status().role).toBe('leader');
}

async function threeNodes(events: Event[]): Promise<Rig[]> {
  const ids = ['a', 'b', 'c'];
  return Promise.all(ids.map((id) => rig(id, ids, events)));
}

/** Where in `events` the first event matching `test` is; fails the test if there is none. */
function indexOf(events: Event[], test: (e: Event) => boolean, what: string): number {
  const at = events.findIndex(test);
  if (at < 0) throw new Error(`no event: ${what}`);
  return at;
}

const sends = (node: NodeId, type: MessageType) => (e: Event) => e.kind === 'send' && e.node === node && e.messages.some((m) => m.type === type);
const saveEnd = (node: NodeId, test: (e: SaveEvent) => boolean) => (e: Event) => e.kind === 'save-end' && e.node === node && test(e);

/** Lets pending promise callbacks and I/O run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('ReadyDriver', () => {
  it("sends a follower's acknowledgement of entries only once those entries are durable", async () => {
    const events: Event[] = [];
    const [a, b, c] = await threeNodes(events);
    await elect([a, b, c], a);
    events.length = 0;
    expect(a.raft.propose([encode('x')]).ok).toBe(true);
    a.driver.schedule();
    await a.driver.idle();
    const appends = a.outbox.splice(0).filter((m) => m.to === 'b' && m.type === MessageType.App);
    const index = appends.flatMap((m) => m.entries)[0]!.index;
    for (const m of appends) b.raft.step(m);
    b.driver.schedule();
    await b.driver.idle();
    const saved = indexOf(events, saveEnd('b', (e) => e.indexes.includes(index)), "b's entries durable");
    const acked = indexOf(events, sends('b', MessageType.AppResp), "b's acknowledgement");
    expect(b.outbox.find((m) => m.type === MessageType.AppResp)).toMatchObject({ to: 'a', index, reject: false });
    expect(acked).toBeGreaterThan(saved);
    expect(b.fatal).toEqual([]);
  });

  it("lets a leader's appends go while its own copy is being written", async () => {
    const events: Event[] = [];
    const [a, b, c] = await threeNodes(events);
    await elect([a, b, c], a);
    events.length = 0;
    let release!: () => void;
    a.saveGate = new Promise((resolve) => (release = resolve));
    expect(a.raft.propose([encode('x')]).ok).toBe(true);
    a.driver.schedule();
    await settle();
    // The fsync is held, and the followers already have the entry on its way to them.
    const appends = a.outbox.filter((m) => m.type === MessageType.App && m.entries.length > 0);
    expect(appends.map((m) => m.to).sort()).toEqual(['b', 'c']);
    expect(events.some(saveEnd('a', () => true))).toBe(false);
    release();
    await a.driver.idle();
    expect(a.log.lastIndex()).toBe(appends[0]!.entries[0]!.index);
  });

  it('answers a vote only once the vote is durable', async () => {
    const events: Event[] = [];
    const rigs = await threeNodes(events);
    await elect(rigs, rigs[0]!);
    for (const id of ['b', 'c']) {
      const voted = indexOf(events, saveEnd(id, (e) => e.hardState?.vote === 'a'), `${id}'s vote durable`);
      const answered = indexOf(events, (e) => e.kind === 'send' && e.node === id && e.messages.some((m) => m.type === MessageType.VoteResp && !m.reject), `${id}'s vote`);
      expect(answered).toBeGreaterThan(voted);
    }
  });

  it("holds even a leader's heartbeats until a new term is durable", async () => {
    const events: Event[] = [];
    const [a, b, c] = await threeNodes(events);
    await elect([a, b, c], a);
    const term = a.raft.currentTerm();
    a.raft.tick(); // queues heartbeats to b and c
    // A leader of a later term is heard before the heartbeats leave: a steps down in the same Ready.
    a.raft.step({ type: MessageType.Heartbeat, from: 'c', to: 'a', term: term + 1, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0, context: new Uint8Array() });
    events.length = 0;
    a.driver.schedule();
    await a.driver.idle();
    const newTerm = indexOf(events, saveEnd('a', (e) => e.hardState?.term === term + 1), 'the new term durable');
    const heartbeats = indexOf(events, sends('a', MessageType.Heartbeat), "the old leader's heartbeats");
    expect(heartbeats).toBeGreaterThan(newTerm);
  });

  it('applies committed entries after they are durable and before advance()', async () => {
    const events: Event[] = [];
    const a = await rig('a', ['a'], events);
    await elect([a], a);
    events.length = 0;
    expect(a.raft.propose([encode('x')]).ok).toBe(true);
    a.driver.schedule();
    await a.driver.idle();
    const index = a.log.lastIndex();
    const applied = indexOf(events, (e) => e.kind === 'apply' && e.indexes.includes(index), 'the apply');
    expect(applied).toBeGreaterThan(indexOf(events, saveEnd('a', (e) => e.indexes.includes(index)), 'the save'));
    // The core learns that the entry is applied only at the advance() after the apply.
    expect(events[applied]).toMatchObject({ appliedByCore: index - 1 });
    expect(events[applied + 1]).toEqual({ kind: 'advance', node: 'a' });
    expect(a.raft.status().applied).toBe(index);
    expect(a.applied.map((e) => Buffer.from(e.data).toString())).toContain('x');
  });

  it('picks up an input that arrives after the last Ready, before the loop ends', async () => {
    const events: Event[] = [];
    let late = false;
    let driver!: ReadyDriver;
    let raft!: RaftNode;
    const a = await rig('a', ['a'], events, {
      betweenReadies: async () => {
        if (!late) return;
        late = false;
        // The core has nothing more for this loop: only the loop's second look finds this proposal.
        expect(raft.hasReady()).toBe(false);
        expect(raft.propose([encode('late')]).ok).toBe(true);
        driver.schedule();
      },
    });
    ({ driver, raft } = a);
    await elect([a], a);
    late = true;
    a.raft.propose([encode('first')]);
    a.driver.schedule();
    await a.driver.idle();
    expect(late).toBe(false);
    expect(a.fatal).toEqual([]);
    expect(a.applied.map((e) => Buffer.from(e.data).toString()).filter((d) => d !== '')).toEqual(['first', 'late']);
    expect(a.raft.hasReady()).toBe(false);
  });

  it('runs one loop at a time however often it is scheduled', async () => {
    const events: Event[] = [];
    const a = await rig('a', ['a'], events);
    await elect([a], a);
    let release!: () => void;
    a.saveGate = new Promise((resolve) => (release = resolve));
    for (const data of ['x', 'y', 'z']) {
      a.raft.propose([encode(data)]);
      a.driver.schedule();
      await settle();
    }
    release();
    await a.driver.idle();
    expect(a.fatal).toEqual([]);
    expect(a.applied.map((e) => Buffer.from(e.data).toString()).filter((d) => d !== '')).toEqual(['x', 'y', 'z']);
    let writing = 0;
    for (const e of events) {
      if (e.kind === 'save-begin') expect(++writing).toBe(1);
      if (e.kind === 'save-end') writing--;
    }
  });

  it('starts no second loop when a hook schedules from inside the first Ready', async () => {
    const events: Event[] = [];
    let driver!: ReadyDriver;
    // A leader change aborts a read round, whose retry asks for a Ready at once: from inside the loop's first step.
    const a = await rig('a', ['a'], events, { onSoftState: () => driver.schedule() });
    driver = a.driver;
    let release!: () => void;
    a.saveGate = new Promise((resolve) => (release = resolve));
    for (let i = 0; i < 100 && a.raft.status().role === 'follower'; i++) a.raft.tick();
    a.driver.schedule();
    await settle();
    let idle = false;
    const waiting = a.driver.idle().then(() => (idle = true));
    await settle();
    expect(idle).toBe(false); // the save of the campaign's term is held: the loop is still running
    release();
    await waiting;
    let writing = 0;
    for (const e of events) {
      if (e.kind === 'save-begin') expect(++writing).toBe(1);
      if (e.kind === 'save-end') writing--;
    }
    expect(a.raft.status().role).toBe('leader');
    expect(a.raft.hasReady()).toBe(false);
  });

  it('hands a failed write to fatal and sends, applies and advances nothing after it', async () => {
    const events: Event[] = [];
    const [a, b, c] = await threeNodes(events);
    await elect([a, b, c], a);
    a.raft.propose([encode('x')]);
    a.driver.schedule();
    await a.driver.idle();
    for (const m of a.outbox.splice(0).filter((m) => m.to === 'b')) b.raft.step(m);
    const lastIndex = b.log.lastIndex();
    await b.db.close();
    events.length = 0;
    b.driver.schedule();
    await b.driver.idle();
    expect(b.fatal).toHaveLength(1);
    expect(b.fatal[0]!.where).toBe('ready loop');
    expect(events.filter((e) => e.node === 'b').map((e) => e.kind)).toEqual(['save-begin']);
    expect(b.outbox).toEqual([]);
    // The core never sees entries the disk does not hold.
    expect(b.log.lastIndex()).toBe(lastIndex);
  });

  it('stop() waits for the Ready being carried out, and no Ready is taken after it', async () => {
    const events: Event[] = [];
    const a = await rig('a', ['a'], events);
    await elect([a], a);
    let release!: () => void;
    a.saveGate = new Promise((resolve) => (release = resolve));
    a.raft.propose([encode('x')]);
    a.driver.schedule();
    await settle();
    let stopped = false;
    const stopping = a.driver.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(events.at(-1)).toEqual({ kind: 'advance', node: 'a' });
    a.raft.propose([encode('y')]);
    a.driver.schedule();
    await a.driver.idle();
    expect(events.at(-1)).toEqual({ kind: 'advance', node: 'a' });
    expect(a.raft.hasReady()).toBe(true);
  });
});
