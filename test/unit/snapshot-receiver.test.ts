import type { Level } from 'level';
import { MemoryLevel } from 'memory-level';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeConfState } from '../../src/consensus/conf-change.js';
import { MessageType, type Message } from '../../src/consensus/types.js';
import type { SnapshotChunk__Output } from '../../src/gen/quorumkv/internal/v1/SnapshotChunk.js';
import type { Keyspace } from '../../src/mvcc/keyspace.js';
import { SnapshotReceiver, type SnapshotReceiverHost, type Timers } from '../../src/storage/snapshot-receiver.js';
import { StateSlots } from '../../src/storage/state-slots.js';
import { toWire } from '../../src/storage/raft-transport.js';

// The follower's side of snapshot transfers, driven chunk by chunk: two leaders' transfers must
// never mix in the staging slot, a deposed leader's transfer is refused, and each transfer's timer
// answers only that transfer.

const CLUSTER = 'c1';

/** A transfer's chunks, delivered when the test says so. */
class ChunkFeed implements AsyncIterable<SnapshotChunk__Output> {
  private readonly queued: Array<IteratorResult<SnapshotChunk__Output>> = [];
  private waiting: ((next: IteratorResult<SnapshotChunk__Output>) => void) | undefined;
  /** Chunks the receiver has taken so far. */
  taken = 0;

  push(chunk: Partial<SnapshotChunk__Output>): void {
    this.deliver({ done: false, value: { cluster: '', message: null, addresses: {}, pairs: [], last: false, ...chunk } as SnapshotChunk__Output });
  }

  end(): void {
    this.deliver({ done: true, value: undefined });
  }

  /** Sends the last chunk and ends, as a sender that streamed the whole state does. */
  finish(): void {
    this.push({ last: true });
    this.end();
  }

  private deliver(next: IteratorResult<SnapshotChunk__Output>): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting(next);
    else this.queued.push(next);
  }

  [Symbol.asyncIterator](): AsyncIterator<SnapshotChunk__Output> {
    return {
      next: () => {
        this.taken++;
        const queued = this.queued.shift();
        return queued ? Promise.resolve(queued) : new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }
}

/** Timers the test fires by hand. */
class ManualTimers implements Timers {
  readonly pending = new Map<number, () => void>();
  private next = 1;
  setTimeout(callback: () => void, _ms: number): unknown {
    const handle = this.next++;
    this.pending.set(handle, callback);
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const callback of due) callback();
  }
}

function snap(from: string, term: number, index: number): Message {
  return { type: MessageType.Snap, from, to: 'f', term, logTerm: term, index, entries: [], commit: index, reject: false, rejectHint: 0, context: encodeConfState({ voters: [from, 'f'], learners: [] }) };
}

function firstChunk(message: Message, pairs: Array<[string, string]> = []): Partial<SnapshotChunk__Output> {
  return { cluster: CLUSTER, message: toWire(message) as SnapshotChunk__Output['message'], addresses: { [message.from]: `${message.from}:1` }, pairs: pairsOf(pairs) };
}

function pairsOf(pairs: Array<[string, string]>): SnapshotChunk__Output['pairs'] {
  return pairs.map(([key, value]) => ({ key: Buffer.from(key), value: Buffer.from(value), more: false }));
}

async function contents(space: Keyspace): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const [key, value] of space.iterator({ keyEncoding: 'buffer', valueEncoding: 'buffer' })) out[(key as Buffer).toString()] = (value as Buffer).toString();
  return out;
}

/** Lets every pending microtask and memory-level callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface Harness {
  receiver: SnapshotReceiver;
  slots: StateSlots;
  timers: ManualTimers;
  offered: Message[];
  /** The core's term: what the member has heard of. */
  term: { value: number };
  /** Whether the core takes what is offered (a snapshot newer than its log). */
  accepts: { value: boolean };
  adopted: Array<Map<string, string>>;
}

const dbs: MemoryLevel<Buffer, Buffer>[] = [];

async function harness(): Promise<Harness> {
  const db = new MemoryLevel<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
  dbs.push(db);
  await db.open();
  const slots = await StateSlots.open(db as unknown as Level<Buffer, Buffer>);
  const timers = new ManualTimers();
  const offered: Message[] = [];
  const term = { value: 1 };
  const accepts = { value: true };
  const adopted: Array<Map<string, string>> = [];
  const host: SnapshotReceiverHost = {
    cluster: CLUSTER,
    memberId: 'f',
    term: () => term.value,
    offer: (message) => {
      offered.push(message);
      term.value = Math.max(term.value, message.term);
      return accepts.value;
    },
    adoptAddresses: async (addresses) => void adopted.push(addresses),
  };
  return { receiver: new SnapshotReceiver(host, slots, timers), slots, timers, offered, term, accepts, adopted };
}

/** Stands in for the member's install at the core's Ready: activates the staged slot. */
async function install(h: Harness, index: number): Promise<Record<string, string>> {
  h.receiver.takeInstall(index);
  const state = await h.slots.activateStaging({ index, term: 2, voters: ['f'], learners: [] });
  h.receiver.installed(index);
  return contents(state);
}

describe('SnapshotReceiver', () => {
  afterEach(async () => {
    for (const db of dbs.splice(0)) await db.close();
  });

  it('never mixes two leaders\' transfers: the newer term takes the staging slot over from its first chunk', async () => {
    const h = await harness();
    const old = new ChunkFeed();
    const oldResult = h.receiver.receive(old);
    old.push(firstChunk(snap('a', 2, 10), [['a1', 'old']]));
    await settle();
    // A new leader (term 3) starts its transfer while the old one is half way.
    const fresh = new ChunkFeed();
    const freshResult = h.receiver.receive(fresh);
    fresh.push(firstChunk(snap('b', 3, 12), [['b1', 'new']]));
    await settle();
    // The old leader keeps streaming; none of it may land in the slot the new one stages in.
    old.push({ pairs: pairsOf([['a2', 'old']]) });
    old.finish();
    fresh.push({ pairs: pairsOf([['b2', 'new']]) });
    expect(await oldResult).toEqual({ installed: false, reason: expect.stringMatching(/term 3 took over/) });
    fresh.finish();
    await settle();
    expect(h.offered.map((m) => [m.from, m.index])).toEqual([['b', 12]]);
    expect(await install(h, 12)).toEqual({ b1: 'new', b2: 'new' });
    expect(await freshResult).toEqual({ installed: true, reason: '' });
    expect(h.adopted.map((book) => [...book.keys()])).toEqual([['b']]);
  });

  it('refuses a second transfer of the same or an older term while one is being staged, and leaves the first intact', async () => {
    const h = await harness();
    const first = new ChunkFeed();
    const firstResult = h.receiver.receive(first);
    first.push(firstChunk(snap('a', 2, 10), [['k1', 'first']]));
    await settle();
    const second = new ChunkFeed();
    second.push(firstChunk(snap('a', 2, 11), [['k9', 'second']]));
    expect(await h.receiver.receive(second)).toEqual({ installed: false, reason: expect.stringMatching(/busy: a snapshot from term 2 is being staged/) });
    first.push({ pairs: pairsOf([['k2', 'first']]) });
    first.finish();
    await settle();
    expect(await install(h, 10)).toEqual({ k1: 'first', k2: 'first' });
    expect(await firstResult).toMatchObject({ installed: true });
  });

  it('refuses a transfer from a leader older than the term this member knows, before staging anything', async () => {
    const h = await harness();
    h.term.value = 5;
    const stale = new ChunkFeed();
    stale.push(firstChunk(snap('a', 4, 10), [['k', 'stale']]));
    stale.finish();
    expect(await h.receiver.receive(stale)).toEqual({ installed: false, reason: expect.stringMatching(/term 4, and this member has seen term 5/) });
    expect(h.offered).toEqual([]);
    expect(stale.taken).toBe(1);
  });

  it('drops a transfer whose leader is deposed while it streams, and frees the slot', async () => {
    const h = await harness();
    h.term.value = 2;
    const feed = new ChunkFeed();
    const result = h.receiver.receive(feed);
    feed.push(firstChunk(snap('a', 2, 10), [['k1', 'a']]));
    await settle();
    // The member hears of term 3 (a heartbeat of a new leader): the sender is no longer leader.
    h.term.value = 3;
    feed.push({ pairs: pairsOf([['k2', 'a']]) });
    expect(await result).toEqual({ installed: false, reason: expect.stringMatching(/term 2 that sent the snapshot was deposed \(term 3 now\)/) });
    expect(h.offered).toEqual([]);
    // The new leader's transfer gets the slot.
    const next = new ChunkFeed();
    next.push(firstChunk(snap('b', 3, 12), [['n', 'b']]));
    next.finish();
    const nextResult = h.receiver.receive(next);
    await settle();
    expect(await install(h, 12)).toEqual({ n: 'b' });
    expect(await nextResult).toMatchObject({ installed: true });
  });

  it('answers a transfer the core did not take at once and frees the slot', async () => {
    const h = await harness();
    h.accepts.value = false;
    const feed = new ChunkFeed();
    feed.push(firstChunk(snap('a', 1, 3), [['k', 'v']]));
    feed.finish();
    expect(await h.receiver.receive(feed)).toEqual({ installed: false, reason: "the snapshot was not newer than this member's log" });
    expect(h.receiver.installPending).toBe(false);
    expect(h.timers.pending.size).toBe(0);
  });

  it('a transfer\'s timer answers only its own sender: it neither frees the slot the core still needs nor touches another transfer', async () => {
    const h = await harness();
    const first = new ChunkFeed();
    first.push(firstChunk(snap('a', 2, 10), [['k1', 'first']]));
    first.finish();
    const firstResult = h.receiver.receive(first);
    await settle();
    expect(h.receiver.installPending).toBe(true);
    // The install is slow (a long fsync in the Ready loop): the first transfer's timer fires.
    h.timers.fireAll();
    expect(await firstResult).toEqual({ installed: false, reason: 'not installed within 5000 ms' });
    // The core still holds the first snapshot, so a retry may not empty the slot under it.
    const retry = new ChunkFeed();
    retry.push(firstChunk(snap('a', 2, 11), [['k9', 'retry']]));
    retry.finish();
    expect(await h.receiver.receive(retry)).toEqual({ installed: false, reason: 'busy: another snapshot is being installed' });
    expect(await install(h, 10)).toEqual({ k1: 'first' });
    expect(h.receiver.installPending).toBe(false);
    // A later transfer, installed in time: its timer is cleared, and nothing of the first one's fires.
    const later = new ChunkFeed();
    later.push(firstChunk(snap('a', 2, 20), [['k2', 'later']]));
    later.finish();
    const laterResult = h.receiver.receive(later);
    await settle();
    expect(h.timers.pending.size).toBe(1);
    expect(await install(h, 20)).toEqual({ k2: 'later' });
    expect(await laterResult).toEqual({ installed: true, reason: '' });
    expect(h.timers.pending.size).toBe(0);
  });

  it('stages a record that came in parts as one, and refuses a transfer that ends inside a record or before its last chunk', async () => {
    const h = await harness();
    const feed = new ChunkFeed();
    feed.push(firstChunk(snap('a', 1, 3), [['a', 'before']]));
    feed.push({ pairs: [{ key: Buffer.from('big'), value: Buffer.from('part1-'), more: true }] });
    feed.push({ pairs: [{ key: Buffer.from('big'), value: Buffer.from('part2'), more: false }, ...pairsOf([['z', 'after']])] });
    feed.finish();
    const result = h.receiver.receive(feed);
    await settle();
    expect(await install(h, 3)).toEqual({ a: 'before', big: 'part1-part2', z: 'after' });
    expect(await result).toMatchObject({ installed: true });
    const cut = new ChunkFeed();
    cut.push(firstChunk(snap('a', 1, 9), [['a', 'x']]));
    cut.push({ pairs: [{ key: Buffer.from('big'), value: Buffer.from('part1-'), more: true }] });
    cut.finish();
    expect(await h.receiver.receive(cut)).toEqual({ installed: false, reason: 'the transfer ended in the middle of a record' });
    expect(h.receiver.installPending).toBe(false);
    // A sender that gave up cancels its stream: the end comes without the last chunk.
    const cancelled = new ChunkFeed();
    cancelled.push(firstChunk(snap('a', 1, 9), [['a', 'x']]));
    cancelled.end();
    expect(await h.receiver.receive(cancelled)).toEqual({ installed: false, reason: 'the transfer was cut short before its last chunk' });
    expect(h.offered.map((m) => m.index)).toEqual([3]);
  });

  it('refuses malformed first chunks without staging', async () => {
    const h = await harness();
    const wrongCluster = new ChunkFeed();
    wrongCluster.push({ ...firstChunk(snap('a', 1, 3)), cluster: 'other' });
    expect((await h.receiver.receive(wrongCluster)).reason).toMatch(/snapshot message of this cluster/);
    const notSnap = new ChunkFeed();
    notSnap.push(firstChunk({ ...snap('a', 1, 3), type: MessageType.App }));
    expect((await h.receiver.receive(notSnap)).reason).toMatch(/no snapshot message for this member/);
    const empty = new ChunkFeed();
    empty.end();
    expect((await h.receiver.receive(empty)).reason).toMatch(/no chunk/);
    expect(h.offered).toEqual([]);
  });

  it('at stop, answers a transfer waiting for its install', async () => {
    const h = await harness();
    const feed = new ChunkFeed();
    feed.push(firstChunk(snap('a', 1, 3), [['k', 'v']]));
    feed.finish();
    const result = h.receiver.receive(feed);
    await settle();
    h.receiver.stop();
    expect(await result).toEqual({ installed: false, reason: 'this storage member is shutting down' });
    expect(h.timers.pending.size).toBe(0);
  });
});
