// Safety properties checked by the simulator after every event. Each check is incremental, so a
// run costs about as much as the events it simulates.

import { applyConfChangeTo, confChangeError, decodeConfChange, sameConfState } from '../../src/consensus/conf-change.js';
import { EntryType, type ConfState, type Entry, type NodeId, type ReadState, type SnapshotMetadata } from '../../src/consensus/types.js';

export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
  constructor(
    readonly invariant: string,
    detail: string,
  ) {
    super(detail);
  }
}

function fail(invariant: string, detail: string): never {
  throw new InvariantViolation(invariant, detail);
}

const decoder = new TextDecoder();

/** Identity of an entry's content; data in the simulator is short, unique UTF-8. */
export function entryKey(e: Entry): string {
  return `${e.term}:${EntryType[e.type]}:${decoder.decode(e.data)}`;
}

/** The simulated state machine: a 32-bit FNV-1a chain over the entries applied, in order. */
export function hashEntry(previous: number, e: Entry): number {
  let h = (previous ^ 0x811c9dc5) >>> 0;
  const key = `${e.index}|${entryKey(e)}`;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** What the checker can ask of a node's current log. */
export type TermLookup = (index: number) => number | undefined;

export interface LeaderView {
  id: NodeId;
  term: number;
  termAt: TermLookup;
  /** Entries before firstIndex - 1 are compacted: covered by the snapshot checks instead. */
  firstIndex: number;
  voters: readonly NodeId[];
}

function formatConf(c: ConfState): string {
  return `voters=[${c.voters.join(',')}] learners=[${c.learners.join(',')}]`;
}

export class InvariantChecker {
  private readonly leaderByTerm = new Map<number, NodeId>();
  /** Term of the committed entry at each index (committedTerms[i] for index i). */
  private readonly committedTerms: number[] = [0];
  /** Content applied at each index by the first node to apply it. */
  private readonly appliedKeys: string[] = [''];
  /** The state (hash chain) after applying each index, as the first node to apply it computed. */
  private readonly appliedHashes: number[] = [0];
  /** The configuration history of the committed log: each change and the index it takes effect at. */
  private readonly configs: { index: number; conf: ConfState }[];
  /** For each (index, term) seen in any log: the term before it and the content. */
  private readonly logEntries = new Map<string, { prevTerm: number; key: string }>();
  private readonly readFloors = new Map<string, number>();
  private readonly checkedCommit = new Map<NodeId, number>();

  constructor(bootstrapVoters: readonly NodeId[]) {
    this.configs = [{ index: 0, conf: { voters: [...bootstrapVoters], learners: [] } }];
  }

  /** The configuration after every change applied so far. */
  /** The hash chain of the state after `index`, once a node applied it (0: before any entry). */
  appliedHashAt(index: number): number | undefined {
    return this.appliedHashes[index];
  }

  get latestConfig(): ConfState {
    return this.configs[this.configs.length - 1]!.conf;
  }

  committedTermAt(index: number): number | undefined {
    return this.committedTerms[index];
  }

  private configPosition(index: number): number {
    let i = this.configs.length - 1;
    while (this.configs[i]!.index > index) i--;
    return i;
  }

  /** The configuration the committed log defines once every entry up to `index` is applied. */
  configAt(index: number): ConfState {
    return this.configs[this.configPosition(index)]!.conf;
  }

  get maxCommitIndex(): number {
    return this.committedTerms.length - 1;
  }

  get termsWithLeader(): number {
    return this.leaderByTerm.size;
  }

  /** Election Safety, then Leader Completeness for a node seen as leader. */
  leaderSeen(leader: LeaderView): void {
    const known = this.leaderByTerm.get(leader.term);
    if (known === leader.id) return;
    if (known !== undefined) fail('election-safety', `term ${leader.term} has two leaders: ${known} and ${leader.id}`);
    this.leaderByTerm.set(leader.term, leader.id);
    for (let i = 1; i < this.committedTerms.length; i++) this.leaderHasCommitted(leader, i);
  }

  private leaderHasCommitted(leader: LeaderView, index: number): void {
    const term = this.committedTerms[index]!;
    if (term >= leader.term || index < leader.firstIndex - 1) return;
    const got = leader.termAt(index);
    if (got !== term) {
      fail('leader-completeness', `leader ${leader.id} of term ${leader.term} has term ${String(got)} at committed index ${index} (committed term ${term})`);
    }
  }

  /** Log Matching: entries entering a node's log agree with every other log at the same (index, term). */
  entriesAppended(node: NodeId, entries: Entry[], termAt: TermLookup): void {
    for (const e of entries) {
      const prevTerm = termAt(e.index - 1);
      if (prevTerm === undefined) fail('log-matching', `${node} appended ${e.index} without an entry before it`);
      const key = entryKey(e);
      const id = `${e.index}/${e.term}`;
      const seen = this.logEntries.get(id);
      if (seen === undefined) {
        this.logEntries.set(id, { prevTerm, key });
      } else if (seen.prevTerm !== prevTerm || seen.key !== key) {
        fail('log-matching', `${node} has (${e.index}, term ${e.term}) = ${key} after term ${prevTerm}; another log has ${seen.key} after term ${seen.prevTerm}`);
      }
    }
  }

  /**
   * Records a node's commit index. A newly committed entry must already be durable on a quorum
   * (nothing counts before its fsync); committed entries must agree across nodes and be in the
   * logs of leaders of later terms.
   */
  commitSeen(node: NodeId, commit: number, termAt: TermLookup, firstIndex: number, leaders: LeaderView[], durableLogs: Map<NodeId, TermLookup>): void {
    const from = (this.checkedCommit.get(node) ?? 0) + 1;
    for (let i = from; i <= commit; i++) {
      if (i < firstIndex - 1) {
        // Compacted behind a snapshot: someone applied it, and snapshotInstalled checked its state.
        if (i >= this.committedTerms.length) fail('snapshot-install', `${node} holds a snapshot past ${i}, which no node has committed`);
        continue;
      }
      const term = termAt(i);
      if (term === undefined) fail('commit-beyond-log', `${node} commit ${commit} but has no entry at ${i}`);
      if (i < this.committedTerms.length) {
        if (this.committedTerms[i] !== term) {
          fail('state-machine-safety', `${node} committed term ${term} at ${i}, another node committed term ${this.committedTerms[i]}`);
        }
        continue;
      }
      this.committedTerms.push(term);
      this.durableOnQuorum(node, i, term, durableLogs);
      for (const leader of leaders) this.leaderHasCommitted(leader, i);
    }
    if (commit >= from) this.checkedCommit.set(node, commit);
  }

  /**
   * The leader counted a quorum of the configuration it had applied: the latest one the committed
   * log defines before `index`, or the one before it if the leader had not applied that change yet.
   */
  private durableOnQuorum(node: NodeId, index: number, term: number, durableLogs: Map<NodeId, TermLookup>): void {
    const position = this.configPosition(index - 1);
    const candidates = [this.configs[position]!.conf, this.configs[Math.max(0, position - 1)]!.conf];
    const reports = candidates.map((conf) => {
      const holders = conf.voters.filter((v) => durableLogs.get(v)?.(index) === term);
      return { ok: holders.length >= Math.floor(conf.voters.length / 2) + 1, text: `${holders.length} of voters [${conf.voters.join(',')}]` };
    });
    if (!reports.some((r) => r.ok)) {
      fail('durable-quorum', `${node} committed (${index}, term ${term}) while only ${reports.map((r) => r.text).join(' / ')} had it durably`);
    }
  }

  /** A node restarted: its commit will be re-learned from durable state. */
  nodeRestarted(node: NodeId, durableCommit: number): void {
    this.checkedCommit.set(node, Math.min(this.checkedCommit.get(node) ?? 0, durableCommit));
  }

  /**
   * State Machine Safety: no two nodes apply different entries at an index, applies are in order,
   * and the state after each (`hash`) is the same everywhere. Returns true when this is the first
   * time a ConfChange entry at this index is applied.
   */
  applied(node: NodeId, entry: Entry, expectedIndex: number, commit: number, hash: number): boolean {
    if (entry.index !== expectedIndex) fail('apply-order', `${node} applied ${entry.index}, expected ${expectedIndex}`);
    if (entry.index > commit) fail('applied-beyond-commit', `${node} applied ${entry.index} with durable commit ${commit}`);
    const key = entryKey(entry);
    if (entry.index < this.appliedKeys.length) {
      const first = this.appliedKeys[entry.index]!;
      if (first !== key) fail('state-machine-safety', `${node} applied ${key} at ${entry.index}, another node applied ${first}`);
      if (this.appliedHashes[entry.index] !== hash) fail('state-machine-safety', `${node}'s state after ${entry.index} differs from another node's`);
      return false;
    }
    this.appliedKeys.push(key);
    this.appliedHashes.push(hash);
    if (entry.type !== EntryType.ConfChange) return false;
    const cc = decodeConfChange(entry.data);
    const conf = this.latestConfig;
    if (cc !== undefined && confChangeError(conf, cc) === undefined) this.configs.push({ index: entry.index, conf: applyConfChangeTo(conf, cc) });
    return true;
  }

  /** The configuration a node uses is the one its applied prefix of the committed log defines. */
  configSeen(node: NodeId, applied: number, conf: ConfState): void {
    const expected = this.configAt(applied);
    if (!sameConfState(conf, expected)) {
      fail('config-matches-log', `${node} applied up to ${applied} uses ${formatConf(conf)}, but the committed log defines ${formatConf(expected)}`);
    }
  }

  /** A snapshot carries the state and configuration of the committed log at its index. */
  snapshotInstalled(node: NodeId, meta: SnapshotMetadata, hash: number): void {
    if (meta.index >= this.appliedHashes.length) fail('snapshot-install', `${node} installed a snapshot at ${meta.index}, past anything applied`);
    if (this.committedTerms[meta.index] !== meta.term) {
      fail('snapshot-install', `${node} installed a snapshot at (${meta.index}, term ${meta.term}); the committed term there is ${String(this.committedTerms[meta.index])}`);
    }
    if (this.appliedHashes[meta.index] !== hash) fail('snapshot-install', `${node} installed a snapshot at ${meta.index} whose state lost or changed committed entries`);
    this.configSeen(node, meta.index, meta);
  }

  statusSeen(node: NodeId, applied: number, commit: number, lastIndex: number): void {
    if (applied > commit) fail('applied-beyond-commit', `${node} applied ${applied} > commit ${commit}`);
    if (commit > lastIndex) fail('commit-beyond-log', `${node} commit ${commit} > last index ${lastIndex}`);
  }

  /** A linearizable read must observe everything committed before it was requested. */
  readRequested(context: string): void {
    this.readFloors.set(context, this.maxCommitIndex);
  }

  readRefused(context: string): void {
    this.readFloors.delete(context);
  }

  readAnswered(node: NodeId, rs: ReadState, context: string): void {
    const floor = this.readFloors.get(context);
    if (floor === undefined) fail('read-index', `${node} answered unknown read ${context}`);
    if (rs.index < floor) {
      fail('linearizable-read', `${node} answered read ${context} at index ${rs.index}, but ${floor} was committed before it was requested`);
    }
  }
}
