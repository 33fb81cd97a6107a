// Deliberately broken RaftNode variants, used only to show that the simulator catches the bugs
// they model. Each overrides one protected hook of the correct core.

import type { RaftOptions } from '../../src/consensus/config.js';
import { RaftNode } from '../../src/consensus/raft.js';
import type { LogStorage, Message } from '../../src/consensus/types.js';
import type { NodeFactory } from './simulator.js';

/** Counts the leader's own entries toward the quorum before they are fsynced. */
class CountsUnsyncedLeaderEntries extends RaftNode {
  protected override selfMatchIndex(): number {
    return this.log.lastIndex();
  }
}

/** Commits whatever the most advanced voter has, without waiting for a quorum. */
class CommitsWithoutQuorum extends RaftNode {
  protected override quorumMatchIndex(): number {
    return Math.max(...[...this.progress.values()].map((p) => p.match));
  }
}

/** Grants every vote request whose log is up to date, even after voting for someone else. */
class VotesTwice extends RaftNode {
  protected override canGrantVote(_m: Message): boolean {
    return true;
  }
}

/** Counts learners as voters: their acks toward commits, their number toward the quorum size. */
class CountsLearnersAsVoters extends RaftNode {
  protected override quorumVoters(): readonly string[] {
    const { voters, learners } = this.confState();
    return [...voters, ...learners];
  }
}

function factory(Node: typeof RaftNode): NodeFactory {
  return (options: RaftOptions, storage: LogStorage) => new Node(options, storage);
}

export const DEFECTS = {
  'counts-unsynced-leader-entries': factory(CountsUnsyncedLeaderEntries),
  'commits-without-quorum': factory(CommitsWithoutQuorum),
  'votes-twice': factory(VotesTwice),
  'counts-learners-as-voters': factory(CountsLearnersAsVoters),
} as const;

export type DefectName = keyof typeof DEFECTS;
