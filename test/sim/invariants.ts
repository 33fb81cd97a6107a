// Safety properties checked by the simulator after every event. Each check is incremental, so a
// run costs about as much as the events it simulates.

import { EntryType, type Entry, type NodeId, type ReadState } from '../../src/consensus/types.js';

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

/** What the checker can ask of a node's current log. */
export type TermLookup = (index: number) => number | undefined;

export interface LeaderView {
  id: NodeId;
  term: number;
  termAt: TermLookup;
}

export class InvariantChecker {
  private readonly leaderByTerm = new Map<number, NodeId>();
  /** Term of the committed entry at each index (committedTerms[i] for index i). */
  private readonly committedTerms: number[] = [0];
  /** Content applied at each index by the first node to apply it. */
  private readonly appliedKeys: string[] = [''];
  /** For each (index, term) seen in any log: the term before it and the content. */
  private readonly logEntries = new Map<string, { prevTerm: number; key: string }>();
  private readonly readFloors = new Map<string, number>();
  private readonly checkedCommit = new Map<NodeId, number>();

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
    if (term >= leader.term) return;
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
  commitSeen(node: NodeId, commit: number, termAt: TermLookup, leaders: LeaderView[], durableLogs: TermLookup[]): void {
    const from = (this.checkedCommit.get(node) ?? 0) + 1;
    for (let i = from; i <= commit; i++) {
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

  private durableOnQuorum(node: NodeId, index: number, term: number, durableLogs: TermLookup[]): void {
    const holders = durableLogs.filter((log) => log(index) === term).length;
    const quorum = Math.floor(durableLogs.length / 2) + 1;
    if (holders < quorum) {
      fail('durable-quorum', `${node} committed (${index}, term ${term}) while only ${holders} of ${durableLogs.length} voters had it durably`);
    }
  }

  /** A node restarted: its commit will be re-learned from durable state. */
  nodeRestarted(node: NodeId, durableCommit: number): void {
    this.checkedCommit.set(node, Math.min(this.checkedCommit.get(node) ?? 0, durableCommit));
  }

  /** State Machine Safety: no two nodes apply different entries at an index; applies are in order. */
  applied(node: NodeId, entry: Entry, expectedIndex: number, commit: number): void {
    if (entry.index !== expectedIndex) fail('apply-order', `${node} applied ${entry.index}, expected ${expectedIndex}`);
    if (entry.index > commit) fail('applied-beyond-commit', `${node} applied ${entry.index} with durable commit ${commit}`);
    const key = entryKey(entry);
    if (entry.index < this.appliedKeys.length) {
      const first = this.appliedKeys[entry.index]!;
      if (first !== key) fail('state-machine-safety', `${node} applied ${key} at ${entry.index}, another node applied ${first}`);
    } else {
      this.appliedKeys.push(key);
    }
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
