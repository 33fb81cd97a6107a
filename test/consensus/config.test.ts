import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ELECTION_TICKS,
  DEFAULT_HEARTBEAT_TICKS,
  DEFAULT_MAX_BYTES_PER_MSG,
  DEFAULT_MAX_INFLIGHT_MSGS,
  DEFAULT_MAX_UNCOMMITTED_BYTES,
  resolveRaftOptions,
} from '../../src/consensus/config.js';

describe('resolveRaftOptions', () => {
  it('fills documented defaults', () => {
    const c = resolveRaftOptions({ id: 'a', voters: ['a', 'b', 'c'], seed: 1 });
    expect(c).toMatchObject({
      electionTicks: DEFAULT_ELECTION_TICKS,
      heartbeatTicks: DEFAULT_HEARTBEAT_TICKS,
      maxInflightMsgs: DEFAULT_MAX_INFLIGHT_MSGS,
      maxBytesPerMsg: DEFAULT_MAX_BYTES_PER_MSG,
      maxUncommittedBytes: DEFAULT_MAX_UNCOMMITTED_BYTES,
      preVote: true,
      checkQuorum: true,
      applied: 0,
    });
    expect(DEFAULT_MAX_UNCOMMITTED_BYTES).toBe(64 << 20);
  });

  it.each([
    [{ heartbeatTicks: 10, electionTicks: 10 }, /heartbeatTicks \(10\) must be < electionTicks \(10\)/],
    [{ id: 'z' }, /id z must be one of the voters/],
    [{ voters: [] }, /voters must be a non-empty list/],
    [{ voters: ['a', 'a'] }, /voter a is listed twice/],
    [{ id: '' }, /id must be a non-empty string/],
    [{ maxInflightMsgs: 0 }, /maxInflightMsgs must be a positive integer/],
    [{ electionTicks: 2.5 }, /electionTicks must be a positive integer/],
    [{ applied: -1 }, /applied must be a non-negative integer/],
    [{ seed: Number.NaN }, /seed must be an integer/],
  ])('rejects %j', (override, message) => {
    expect(() => resolveRaftOptions({ id: 'a', voters: ['a', 'b'], seed: 1, ...override })).toThrow(message);
  });

  it('copies voters so later mutation of the caller array cannot change the group', () => {
    const voters = ['a', 'b'];
    const c = resolveRaftOptions({ id: 'a', voters, seed: 1 });
    voters.push('c');
    expect(c.voters).toEqual(['a', 'b']);
  });
});
