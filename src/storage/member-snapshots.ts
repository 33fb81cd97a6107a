import type { RaftNode } from '../consensus/raft.js';
import { encodeConfState } from '../consensus/conf-change.js';
import type { Message, NodeId, Snapshot } from '../consensus/types.js';
import { failpoint } from '../failpoints.js';
import type { SnapshotChunk__Output } from '../gen/quorumkv/internal/v1/SnapshotChunk.js';
import type { MvccLimits } from '../mvcc/limits.js';
import { MvccStore } from '../mvcc/mvcc-store.js';
import { log } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import type { AddressBook } from './address-book.js';
import type { Applier } from './applier.js';
import type { DurableLog } from './durable-log.js';
import { snapshotApplied } from './local-snapshot.js';
import type { PeerTransport } from './membership.js';
import type { SnapshotTransport } from './snapshot-sender.js';
import { SnapshotReceiver, type ReceiveResult, type Timers } from './snapshot-receiver.js';
import type { StateSlots } from './state-slots.js';

// A storage member's snapshots, both ways and both kinds: the leader streams its applied state to
// followers whose log is behind what it still holds; a follower receives and stages one and makes
// it the applied state when its Ready says so; and every member records local snapshots of its
// own applied state, so its raft log can be cut behind them.

/** A snapshot is also taken once this many bytes of entries were logged since the last one. */
const SNAPSHOT_LOG_BYTES = 16 * 1024 * 1024;
/** The log tail kept behind a snapshot holds at most about this many bytes. */
const LOG_TAIL_BYTES = 32 * 1024 * 1024;

export interface SnapshotSettings {
  cluster: string;
  id: string;
  /** This member's own address, kept when it adopts a leader's address book. */
  listen: string;
  snapshotEntries: number;
  logTailEntries: number;
  mvccLimits: Partial<MvccLimits>;
}

/** What the snapshots need of the member they belong to. */
export interface SnapshotHost {
  /** Something changed that the Ready loop should look at. */
  schedule(): void;
  stopped(): boolean;
  /** A local snapshot was recorded: history may be compacted behind it. */
  snapshotTaken(): void;
  /** Starts streaming snapshots; each outcome goes to `report`. */
  snapshotTransport(report: (to: NodeId, ok: boolean) => void): SnapshotTransport;
  /** What bounds the wait for a staged snapshot's install. */
  timers: Timers;
}

export class MemberSnapshots {
  private readonly sender: SnapshotTransport;
  /** Stages snapshots streamed by the leader and hands them to the core. */
  private readonly receiver: SnapshotReceiver;
  private readonly requests: Array<() => void> = [];

  constructor(
    private readonly settings: SnapshotSettings,
    private readonly raft: RaftNode,
    private readonly log: DurableLog,
    private readonly slots: StateSlots,
    private readonly applier: Applier,
    private readonly addresses: AddressBook,
    transport: PeerTransport,
    private readonly metrics: Metrics,
    private readonly host: SnapshotHost,
  ) {
    this.sender = host.snapshotTransport((to, ok) => {
      if (host.stopped()) return;
      raft.reportSnapshot(to, ok);
      host.schedule();
    });
    this.receiver = new SnapshotReceiver(
      {
        cluster: settings.cluster,
        memberId: settings.id,
        term: () => raft.currentTerm(),
        offer: (message) => {
          raft.step(message);
          host.schedule();
          return raft.pendingSnapshotIndex() === message.index;
        },
        adoptAddresses: async (book) => {
          // Keep our own address: the leader's book may know this member by an address it was added with.
          book.set(settings.id, addresses.get(settings.id) ?? settings.listen);
          await addresses.replace(book);
          transport.setPeers(book);
        },
      },
      slots,
      host.timers,
    );
  }

  /** Follower: receives a snapshot streamed by the leader (snapshot-receiver.ts). */
  receive(chunks: AsyncIterable<SnapshotChunk__Output>): Promise<ReceiveResult> {
    return this.receiver.receive(chunks);
  }

  /** Leader: streams its applied state to each follower the core wants a snapshot sent to. */
  send(messages: Message[]): void {
    // The state is sent as it is now, at the applied index, so the message must say so.
    const index = this.applier.appliedIndex;
    const source = { cluster: this.settings.cluster, state: this.slots.activeSpace(), addresses: Object.fromEntries(this.addresses.entries()) };
    for (const m of messages) {
      const message = { ...m, index, logTerm: this.log.term(index), context: encodeConfState(this.applier.appliedConf) };
      this.sender.send(message, this.addresses.get(m.to), source);
    }
  }

  /** Follower: makes the staged snapshot the applied state, and the log start after it. */
  async install(snapshot: Snapshot): Promise<void> {
    this.receiver.takeInstall(snapshot.metadata.index);
    await this.applier.retireState();
    await failpoint('install-activate-before');
    const activated = await this.slots.activateStaging(snapshot.metadata);
    await failpoint('install-activate-after');
    const state = await MvccStore.open(activated, this.settings.mvccLimits);
    if (state.appliedIndex !== snapshot.metadata.index) {
      throw new Error(`staged state is at index ${state.appliedIndex}, the snapshot at ${snapshot.metadata.index}`);
    }
    this.applier.replace(state);
    await this.log.applySnapshot(snapshot);
    await failpoint('install-log-reset-after');
    this.applier.installed({ voters: [...snapshot.metadata.voters], learners: [...snapshot.metadata.learners] });
    this.receiver.installed(snapshot.metadata.index);
    this.metrics.snapshotsInstalled.inc();
    log.info({ index: snapshot.metadata.index, term: snapshot.metadata.term, revision: state.revision }, 'installed a snapshot from the leader');
  }

  /**
   * Every `snapshotEntries` applied entries: make the applied state durable, record a snapshot at
   * the applied index, and drop the log behind it except a tail for slow followers. Runs between
   * advance() and the next ready(), as the core requires.
   */
  async takeIfDue(): Promise<void> {
    const entries = this.applier.appliedIndex - this.log.snapshotMetadata().index;
    if ((entries < this.settings.snapshotEntries && this.log.bytesSinceSnapshot < SNAPSHOT_LOG_BYTES) || this.receiver.installPending) return;
    // The tail kept for slow followers is bounded in bytes too: large entries make a short tail.
    const bytesPerEntry = this.log.bytesSinceSnapshot / Math.max(1, entries);
    await this.take(Math.min(this.settings.logTailEntries, Math.floor(LOG_TAIL_BYTES / Math.max(1, bytesPerEntry))));
    this.host.snapshotTaken();
  }

  /** Has the ready loop snapshot the applied state and compact the whole log behind it. */
  request(): Promise<void> {
    const done = new Promise<void>((resolve) => this.requests.push(resolve));
    this.host.schedule();
    return done;
  }

  /** Between advance() and the next ready(): the one place a requested snapshot may be recorded. */
  async takeRequested(): Promise<void> {
    const requested = this.requests.splice(0);
    if (requested.length > 0 && !this.host.stopped()) {
      await this.take(0);
      for (const done of requested) done();
    }
  }

  /** Refuses transfers from now on (the member is stopping). */
  stopReceiving(): void {
    this.receiver.stop();
  }

  close(): void {
    this.sender.close();
  }

  /** Snapshots the applied state and compacts the log up to `tailEntries` behind it. */
  private async take(tailEntries: number): Promise<void> {
    if (await snapshotApplied(this.log, this.applier.appliedIndex, this.raft.confState(), tailEntries)) this.metrics.snapshotsTaken.inc();
  }
}
