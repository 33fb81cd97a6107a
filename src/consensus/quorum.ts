// Majority arithmetic over the voter set.

import { assert } from './assert.js';
import type { NodeId } from './types.js';

export function quorumSize(voterCount: number): number {
  assert(voterCount > 0, 'quorum of an empty voter set');
  return Math.floor(voterCount / 2) + 1;
}

/** The highest value that a quorum of voters has reached (e.g. match indices). */
export function quorumValue(values: number[]): number {
  const sorted = [...values].sort((a, b) => b - a);
  return sorted[quorumSize(values.length) - 1]!;
}

export type VoteOutcome = 'won' | 'lost' | 'pending';

export function voteOutcome(voterCount: number, votes: ReadonlyMap<NodeId, boolean>): VoteOutcome {
  let granted = 0;
  let rejected = 0;
  for (const vote of votes.values()) {
    if (vote) granted++;
    else rejected++;
  }
  const quorum = quorumSize(voterCount);
  if (granted >= quorum) return 'won';
  if (rejected > voterCount - quorum) return 'lost';
  return 'pending';
}
