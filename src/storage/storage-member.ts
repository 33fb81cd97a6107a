import { performance } from 'node:perf_hooks';
import { validateRange, validateTxn } from '../api/validate.js';
import { RaftNode, type ReadIndexResult } from '../consensus/raft.js';
import { EntryType, MessageType, NONE, type Message, type Ready } from '../consensus/types.js';
import { InvalidArgumentError, NotLeaderError, OverloadedError, UnavailableError } from '../errors.js';
import { CompactedRevisionError, FutureRevisionError } from '../mvcc/errors.js';
import { Membership, type PeerTransport } from './membership.js';
import type { HashKVResponse } from '../gen/quorumkv/internal/v1/HashKVResponse.js';
import type { LogBatch } from '../gen/quorumkv/internal/v1/LogBatch.js';
import type { MemberStatus } from '../gen/quorumkv/v1/MemberStatus.js';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RangeResponse } from '../gen/quorumkv/v1/RangeResponse.js';
import type { ResponseHeader } from '../gen/quorumkv/v1/ResponseHeader.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnOutcome as WireTxnOutcome } from '../gen/quorumkv/internal/v1/TxnOutcome.js';
import { numericId } from '../ids.js';
import type { MvccStore, TxnOutcome } from '../mvcc/mvcc-store.js';
import type { Keyspace } from '../mvcc/keyspace.js';
import { directoryBytes } from '../observability/disk-usage.js';
import { log } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import type { Change } from '../mvcc/change-log.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { SnapshotChunk__Output } from '../gen/quorumkv/internal/v1/SnapshotChunk.js';
import { NodeRegistry } from './node-registry.js';
import { ProposalTracker } from './proposal-tracker.js';
import { ReadyDriver } from './ready-driver.js';
import { MAX_ENTRY_BYTES } from './peer-limits.js';
import type { ReceiveResult } from './snapshot-receiver.js';
import { AutoCompactor } from './auto-compaction.js';
import { Incarnations } from './incarnations.js';
import { isLeaderReplication, PeerAdmission } from './peer-admission.js';
import { LeaderContact } from './leader-contact.js';
import { ReadIndexBatcher } from './read-index-batcher.js';
import { LeaseKeeper } from '../lease/lease-keeper.js';
import { quorumkvVersion } from '../version.js';
import { Applier, logBatchCodec } from './applier.js';
import { MemberSnapshots } from './member-snapshots.js';
import { PROCESS_ENVIRONMENT, type MemberEnvironment } from './member-environment.js';
import { openMemberStorage } from './member-storage.js';
import type { AddressBook } from './address-book.js';
import type { DurableLog } from './durable-log.js';
import type { StateSlots } from './state-slots.js';
import { DEFAULT_MAX_PENDING_PROPOSALS, DEFAULT_MAX_PENDING_READS, DEFAULT_READ_TIMEOUT_MS, type StorageConfig } from './options.js';

// A storage member: the consensus core glued to LevelDB and to a transport, and the requests the
// compute tier sends it. It feeds the core ticks and messages; its ReadyDriver carries out each
// Ready in order (persist (fsync) → send → apply → advance) over the durable log (durable-log.ts),
// the applier (applier.ts) and the snapshots (member-snapshots.ts). What it takes from the world
// (database, timers, snapshot transport, fatal errors) comes from its environment.

/** Logs a warning (the constructor's `log` is the durable raft log). */
function warnLogged(fields: Record<string, unknown>, message: string): void {
  log.warn(fields, message);
}

/** Longest a read-your-writes read waits for this member to apply the revision it needs. */
const MIN_REVISION_WAIT_MS = 1_000;

export class StorageMember {
  private readonly proposals: ProposalTracker<TxnOutcome[]>;
  private readonly reads: ReadIndexBatcher;
  private stopTicks: (() => void) | undefined;
  private readonly readyDriver: ReadyDriver;
  private readonly applier: Applier;
  private readonly snapshots: MemberSnapshots;
  private isStopped = false;
  readonly nodes = new NodeRegistry();
  /** Lease expiry by this member's clock while it leads, and the lease calls only a leader answers. */
  readonly leases: LeaseKeeper;
  private leader = NONE;
  private readonly ids: { clusterId: number; memberId: number };
  readonly membership: Membership;
  /** This leader proposed a history compaction that is not applied yet. */
  private historyCompactionProposed = false;
  private readonly autoCompactor: AutoCompactor;
  /** When peers were last heard from: bounded-staleness reads measure their lag from it. */
  private readonly leaderContact = new LeaderContact();
  /** Which peers' messages count, by their incarnations (incarnations.ts). */
  private readonly admission: PeerAdmission;

  private constructor(
    readonly config: StorageConfig,
    private readonly db: Keyspace,
    private readonly raft: RaftNode,
    private readonly log: DurableLog,
    slots: StateSlots,
    state: MvccStore,
    addresses: AddressBook,
    transport: PeerTransport,
    private readonly metrics: Metrics,
    incarnations: Incarnations,
    private readonly env: MemberEnvironment,
  ) {
    this.autoCompactor = new AutoCompactor(config.autoCompaction);
    this.admission = new PeerAdmission(config.id, incarnations, {
      listed: (id) => addresses.get(id) !== undefined,
      leading: () => this.leader === config.id,
      fresh: () => log.lastIndex() === 0,
      refused: (reason) => metrics.raftMessagesRefused.inc({ reason }),
      knownChanged: (count) => metrics.peerIncarnationsKnown.set(count),
      warn: warnLogged,
      fatal: (where, error) => env.fatal(where, error),
    });
    // A leader vouches, with its appends and heartbeats, for the incarnations it knows.
    transport.setKnownIncarnations(() => this.admission.vouched());
    this.proposals = new ProposalTracker(config.id, config.proposalTimeoutMs, DEFAULT_MAX_PENDING_PROPOSALS);
    this.applier = new Applier(state, raft.confState(), this.proposals, metrics, {
      applyConfChange: (entry) => this.membership.applyCommitted(entry),
      applied: (outcomes) => this.leases.onApplied(outcomes),
      fatal: (where, error) => env.fatal(where, error),
    });
    const schedule = () => this.readyDriver.schedule();
    this.snapshots = new MemberSnapshots(
      { cluster: config.cluster, id: config.id, listen: config.listen, snapshotEntries: config.snapshotEntries, logTailEntries: config.logTailEntries, mvccLimits: env.mvccLimits },
      raft,
      log,
      slots,
      this.applier,
      addresses,
      transport,
      metrics,
      {
        schedule,
        stopped: () => this.isStopped,
        snapshotTaken: () => this.proposeHistoryCompaction(this.autoCompactor.targetAtRevision(this.state.revision, this.state.compactRevision)),
        snapshotTransport: (report) => env.snapshotTransport(report),
        timers: env.timers,
      },
    );
    this.membership = new Membership(
      config.id,
      {
        stopped: () => this.isStopped,
        forgetIncarnation: (id) => this.admission.forget(id),
        raftStatus: () => raft.status(),
        appliedConf: () => this.applier.appliedConf,
        header: () => this.header(),
        proposeConfChange: (change) => {
          const result = raft.proposeConfChange(change);
          schedule();
          return result;
        },
        ensureSnapshot: () => (log.firstIndex() === 1 ? this.snapshots.request() : Promise.resolve()),
        appliedOrTimeout: (timeoutMs) => this.applier.appliedOrTimeout(timeoutMs),
      },
      addresses,
      transport,
    );
    this.reads = new ReadIndexBatcher(
      { requestReadIndex: (context) => this.requestReadIndex(context) },
      DEFAULT_READ_TIMEOUT_MS,
      DEFAULT_MAX_PENDING_READS,
    );
    this.ids = { clusterId: numericId(config.cluster), memberId: numericId(config.id) };
    this.leases = new LeaseKeeper({
      isLeader: () => this.leader === config.id,
      leadsNow: () => raft.isLeader(),
      leaderHint: () => this.leader,
      header: () => this.header(),
      state: () => this.state,
      propose: (txns) => this.propose({ txns }),
      caughtUp: async () => {
        await this.applier.waitApplied(await this.reads.readIndex());
      },
    });
    this.readyDriver = new ReadyDriver(raft, log, {
      onSoftState: (soft) => this.onSoftState(soft.leader, soft.role === 'leader'),
      installSnapshot: (snapshot) => this.snapshots.install(snapshot),
      sendSnapshots: (messages) => this.snapshots.send(messages),
      send: (messages) => transport.send(messages),
      saved: (hardState, durationS) => {
        metrics.fsyncDuration.observe(durationS);
        if (hardState) {
          metrics.raftTerm.set(hardState.term);
          metrics.commitIndex.set(hardState.commit);
        }
      },
      apply: (entries) => this.applier.apply(entries),
      onReadStates: (readStates) => {
        for (const readState of readStates) this.reads.onReadState(readState.context, readState.index, readState.overloaded);
      },
      afterAdvance: async (ready) => {
        this.afterAdvance(ready);
        await this.snapshots.takeIfDue();
      },
      betweenReadies: () => this.snapshots.takeRequested(),
      fatal: (where, error) => env.fatal(where, error),
    });
  }

  static async open(config: StorageConfig, transport: PeerTransport, metrics: Metrics, env: MemberEnvironment = PROCESS_ENVIRONMENT): Promise<StorageMember> {
    const db = await env.openDb(config.dataDir);
    const { raftSpace, log: durableLog, addresses, slots, state } = await openMemberStorage(db, config.peers, env.mvccLimits);
    transport.setPeers(addresses.entries());
    const incarnations = await Incarnations.open(raftSpace, config.id);
    transport.setIncarnation(incarnations.own);
    const raft = new RaftNode(
      {
        id: config.id,
        // A joining member learns the configuration from the leader's snapshot.
        voters: [...config.peers.keys()].filter((id) => !config.join || id !== config.id),
        joining: config.join,
        electionTicks: config.electionTicks,
        heartbeatTicks: config.heartbeatTicks,
        // Members must not share election timeouts; apply never sees this randomness.
        seed: (numericId(config.id) ^ process.pid ^ Date.now()) >>> 0,
        applied: state.appliedIndex,
      },
      durableLog.coreView,
    );
    metrics.appliedIndex.set(state.appliedIndex);
    metrics.storeRevision.set(state.revision);
    metrics.peerIncarnationsKnown.set(incarnations.count);
    return new StorageMember(config, db, raft, durableLog, slots, state, addresses, transport, metrics, incarnations, env);
  }

  start(): void {
    this.stopTicks = this.env.every(this.config.tickMs, () => {
      this.raft.tick();
      this.proposeHistoryCompaction(this.autoCompactor.sample(Date.now(), this.state.revision, this.state.compactRevision));
      this.readyDriver.schedule();
    });
    this.readyDriver.schedule();
    // Finishes a purge that a crash or a stop cut short.
    this.applier.purgeHistoryInBackground();
  }

  /** The applied state (a snapshot from the leader replaces it). */
  private get state(): MvccStore {
    return this.applier.state;
  }

  /**
   * Delivers messages from peers, sent by a member of `incarnation` (empty: a sender that does not
   * say), with the incarnations the sender vouches for if it leads. Messages for another member
   * are dropped, and so are those of a sender whose incarnation this member may not count
   * (incarnations.ts, peer-admission.ts). The first messages heard from a sender are dropped while
   * its incarnation is recorded: Raft sends again.
   */
  step(messages: Message[], incarnation = '', knownIncarnations: Readonly<Record<string, string>> = {}): void {
    if (this.isStopped) return;
    let leader: string | undefined;
    for (const message of messages) {
      // Snapshots arrive through receiveSnapshot, with their state; never as a bare message.
      if (message.to !== this.config.id || message.type === MessageType.Snap) continue;
      if (incarnation !== '' && !this.admission.admits(message, incarnation)) continue;
      if (isLeaderReplication(message)) leader = message.from;
      this.leaderContact.heardFrom(message.from, Date.now());
      this.raft.step(message);
    }
    if (leader !== undefined) this.admission.learnVouched(leader, knownIncarnations);
    this.readyDriver.schedule();
  }

  /** Commits the transactions as one log entry and returns their outcomes once applied here. */
  async append(txns: TxnRequest__Output[]): Promise<WireTxnOutcome[]> {
    if (this.isStopped) throw new UnavailableError('this storage member is shutting down');
    if (txns.length === 0) return [];
    txns.forEach(validateTxn);
    const started = performance.now();
    const outcomes = await this.propose({ txns });
    this.metrics.commitLatency.observe((performance.now() - started) / 1000);
    return outcomes.map((o) => ({
      response: { ...o.response, header: this.responseHeader(o.revision) },
      rejected: o.rejected ?? '',
      conflict: o.conflict ?? null,
      tooOld: o.tooOld ?? null,
      deduplicated: o.deduplicated ?? false,
      revision: o.revision,
      leaseNotFound: o.leaseNotFound ?? 0,
      leaseExists: o.leaseExists ?? 0,
    }));
  }

  /**
   * Commits a compaction entry: as of its log index, every member discards the history below
   * `revision` and refuses reads and transactions below it (etcd's Compact). Answers once this
   * member has applied it.
   */
  async compact(revision: number): Promise<{ header: ResponseHeader; compactRevision: number }> {
    if (this.isStopped) throw new UnavailableError('this storage member is shutting down');
    if (!(Number.isSafeInteger(revision) && revision > 0)) throw new InvalidArgumentError(`compact revision ${revision} is not a positive integer`);
    if (revision > this.state.revision) throw new FutureRevisionError(revision, this.state.revision);
    if (revision <= this.state.compactRevision) throw new CompactedRevisionError(revision, this.state.compactRevision);
    await this.propose({ txns: [], compactRevision: revision });
    // The entry landed after everything this member had applied, so the store had reached `revision` there.
    if (this.state.compactRevision < revision) throw new Error(`compaction to ${revision} applied, yet the compact revision is ${this.state.compactRevision}`);
    return { header: this.header(), compactRevision: this.state.compactRevision };
  }

  get stopped(): boolean {
    return this.isStopped;
  }

  get revision(): number {
    return this.state.revision;
  }

  get compactRevision(): number {
    return this.state.compactRevision;
  }

  header(): ResponseHeader {
    return this.responseHeader(this.state.revision);
  }

  changesAt(revision: number): Promise<readonly Change[]> {
    return this.state.changesAt(revision);
  }

  /** The version of `key` just before `revision`, if it existed. */
  async previousVersion(key: Buffer, revision: number): Promise<KeyValue__Output | undefined> {
    if (revision <= 1 || revision - 1 <= this.state.compactRevision) return undefined;
    const { kvs } = await this.state.range(rangeOfKey(key, revision - 1));
    return kvs[0];
  }

  /** How long this member has known of committed entries it has not applied yet (0: none). */
  lagMs(): number {
    return this.applier.lagMs();
  }

  /** Resolves at the next apply, or after `timeoutMs`, whichever comes first. */
  appliedOrTimeout(timeoutMs: number): Promise<void> {
    return this.applier.appliedOrTimeout(timeoutMs);
  }

  /** Answers a range from the applied state; linearizable reads confirm leadership first. */
  async read(request: RangeRequest__Output): Promise<RangeResponse> {
    validateRange(request);
    if (!request.serializable) {
      await this.applier.waitApplied(await this.reads.readIndex());
    } else {
      await this.checkFreshEnough(request.minRevision, request.maxStalenessMs);
    }
    // The revision of the snapshot read: never older than the data (a watch from header + 1 then
    // repeats nothing, and a read-only transaction sees no skew), never newer either.
    const { revision, ...result } = await this.state.range(request);
    return { header: this.responseHeader(revision), ...result };
  }

  /** Receives a snapshot streamed by the leader (snapshot-receiver.ts). */
  receiveSnapshot(chunks: AsyncIterable<SnapshotChunk__Output>): Promise<ReceiveResult> {
    return this.snapshots.receive(chunks);
  }

  describe(): MemberStatus {
    const status = this.raft.status();
    return {
      role: 'storage',
      id: this.config.id,
      address: this.config.listen,
      pid: process.pid,
      zone: this.config.zone,
      leader: status.role === 'leader',
      term: status.term,
      commitIndex: status.commit,
      appliedIndex: this.state.appliedIndex,
      healthy: !this.isStopped && status.leader !== NONE,
      error: status.leader === NONE ? 'no leader known' : '',
      hash: '',
      hashRevision: 0,
      revision: this.state.revision,
      lagRevisions: 0,
      lagMs: this.lagMs(),
      firstIndex: this.log.firstIndex(),
      snapshotIndex: this.log.snapshotMetadata().index,
      metricsAddress: this.config.metricsListen ?? '',
      version: quorumkvVersion(),
      dbSizeBytes: directoryBytes(this.config.dataDir),
      learner: status.config.learners.includes(this.config.id),
    };
  }

  /**
   * Ready for traffic: a leader is known and this member has applied what it knows is committed.
   * `readsReady`: serves serializable reads, which need no leader (their staleness bound is
   * checked per read, see checkFreshEnough), so only while running.
   */
  readiness(): { ready: boolean; readsReady: boolean; reason: string } {
    const status = this.raft.status();
    if (this.isStopped) return { ready: false, readsReady: false, reason: 'shutting down' };
    if (status.leader === NONE) return { ready: false, readsReady: true, reason: 'no leader known; serving serializable reads only' };
    if (this.state.appliedIndex < status.commit) {
      return { ready: false, readsReady: true, reason: `catching up: applied ${this.state.appliedIndex} of ${status.commit}` };
    }
    return { ready: true, readsReady: true, reason: `ok: leader ${status.leader}, term ${status.term}, applied ${this.state.appliedIndex}` };
  }

  /** A hash of the applied state as of `revision` (0: current), to compare replicas. */
  hashKV(revision: number): Promise<HashKVResponse> {
    return this.state.hashAt(revision);
  }

  async stop(): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    this.stopTicks?.();
    this.leases.stop();
    const error = new UnavailableError('this storage member is shutting down');
    this.proposals.rejectAll(error);
    this.reads.failAll(error);
    this.applier.failWaiters(error);
    this.snapshots.stopReceiving();
    await this.readyDriver.stop();
    await this.applier.stop();
    this.snapshots.close();
    await this.db.close();
  }

  /** Proposes one log batch and resolves with its outcomes once this member has applied it. */
  private async propose(batch: Omit<LogBatch, 'proposalId'>): Promise<TxnOutcome[]> {
    // Refused before proposing, so "overloaded" really means nothing was applied.
    if (this.proposals.full) throw new OverloadedError(`${this.proposals.pending} proposals are in flight on this member; retry later`);
    const id = this.proposals.nextId();
    const data = logBatchCodec.encode({ ...batch, proposalId: id });
    // The largest entry must fit one message between members (peer-limits.ts).
    if (data.length > MAX_ENTRY_BYTES) {
      throw new InvalidArgumentError(`these transactions take ${data.length} bytes in the log, over the ${MAX_ENTRY_BYTES} one log entry may hold; send fewer or smaller ones at a time`);
    }
    const outcome = this.proposals.wait(id);
    const proposed = this.raft.propose([data]);
    if (!proposed.ok) {
      const error =
        proposed.reason === 'overloaded'
          ? new OverloadedError('the storage leader has too many uncommitted entries; retry later')
          : new NotLeaderError('no storage leader is known yet (election in progress); retry shortly', this.leader);
      this.proposals.reject(id, error);
    }
    this.metrics.proposalsPending.inc();
    outcome.then(
      () => this.metrics.proposalsPending.dec(),
      () => (this.metrics.proposalsPending.dec(), this.metrics.proposalsFailed.inc()),
    );
    this.readyDriver.schedule();
    return outcome;
  }

  private responseHeader(revision: number): ResponseHeader {
    return { ...this.ids, revision, raftTerm: this.raft.currentTerm() };
  }

  /** Serializable reads: wait (bounded) for a minimum revision; refuse if staler than allowed. */
  private async checkFreshEnough(minRevision: number, maxStalenessMs: number): Promise<void> {
    const deadline = Date.now() + MIN_REVISION_WAIT_MS;
    while (this.state.revision < minRevision) {
      if (Date.now() >= deadline || this.isStopped) {
        throw new UnavailableError(`this replica has applied revision ${this.state.revision}, not yet ${minRevision}; try another replica`);
      }
      await this.appliedOrTimeout(deadline - Date.now());
    }
    if (maxStalenessMs > 0) {
      const lag = this.lagMs();
      if (lag > maxStalenessMs) throw new UnavailableError(`this replica is ${lag} ms behind the log, over the ${maxStalenessMs} ms allowed; try another replica`);
      // Caught up with what it knows is committed, but it may know of nothing new only because
      // nothing reaches it: it is as stale as its last word from its leader (or, leading, from a quorum).
      const status = this.raft.status();
      const unheardMs = this.leaderContact.staleMs(this.config.id, status.leader, status.config.voters, Date.now());
      if (unheardMs > maxStalenessMs) {
        const from = status.leader === NONE ? 'a leader (it knows none now)' : status.leader === this.config.id ? 'a quorum' : 'its leader';
        const ago = Number.isFinite(unheardMs) ? `${unheardMs} ms ago` : 'never';
        throw new UnavailableError(`this replica last heard from ${from} ${ago}, over the ${maxStalenessMs} ms allowed; try another replica`);
      }
    }
  }

  private requestReadIndex(context: Buffer): ReadIndexResult {
    const accepted = this.raft.readIndex(context);
    this.readyDriver.schedule();
    return accepted;
  }

  /** After advance(), where the core takes a committed membership change into its configuration. */
  private afterAdvance(ready: Ready): void {
    if (ready.committedEntries.some((e) => e.type === EntryType.ConfChange)) {
      this.applier.confApplied(this.raft.confState());
      const conf = this.applier.appliedConf;
      this.leaderContact.retain([...conf.voters, ...conf.learners]);
    }
    this.applier.trackLag(this.raft.committedIndex());
  }

  /**
   * Leader: compacts history to the automatic compaction's `target` by proposing a compaction
   * entry, which every member applies at the same log index (a member-local decision would let
   * members decide a transaction that reads at an old revision differently). One at a time.
   */
  private proposeHistoryCompaction(target: number | undefined): void {
    if (target === undefined || this.leader !== this.config.id || this.historyCompactionProposed || target <= this.state.compactRevision) return;
    this.historyCompactionProposed = true;
    this.propose({ txns: [], compactRevision: target })
      .catch((error: unknown) => log.info({ err: error, revision: target }, 'history compaction not committed; the next snapshot proposes it again'))
      .finally(() => {
        this.historyCompactionProposed = false;
      });
  }

  private onSoftState(leader: string, isLeader: boolean): void {
    if (leader !== this.leader) {
      const previous = this.leader;
      this.leader = leader;
      log.info({ previous: previous || null, leader: leader || null, term: this.raft.currentTerm() }, leader === NONE ? 'storage leader lost' : `storage leader is ${leader}`);
      this.leaderContact.leaderChanged(this.config.id, leader, this.raft.status().config.voters, Date.now());
      this.metrics.leaderChanges.inc();
      this.reads.abortRound('the storage leader changed while confirming a read; retry');
      // A proposal forwarded to (or appended by) the old leader may be lost with it, and nothing
      // would ever answer its waiter: fail them now rather than at their timeout.
      if (previous !== NONE) {
        this.proposals.rejectAll(new UnavailableError(`the storage leader changed (was ${previous}) before this write committed; its outcome is unknown`));
      }
    }
    this.leases.onLeadership(isLeader);
    this.metrics.raftIsLeader.set(isLeader ? 1 : 0);
    this.metrics.hasLeader.set(leader !== NONE ? 1 : 0);
  }
}

function rangeOfKey(key: Buffer, revision: number): RangeRequest__Output {
  return { key, rangeEnd: Buffer.alloc(0), limit: 1, revision, serializable: true, keysOnly: false, countOnly: false, minRevision: 0, maxStalenessMs: 0 };
}
