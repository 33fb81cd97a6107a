import { describe, expect, it } from 'vitest';
import { LeaderContact } from '../../src/storage/leader-contact.js';

describe('LeaderContact', () => {
  it('a follower is as stale as the last word from its leader, and infinitely so before any', () => {
    const contact = new LeaderContact();
    expect(contact.staleMs('b', 'a', ['a', 'b', 'c'], 1_000)).toBe(Infinity);
    contact.heardFrom('a', 1_000);
    contact.heardFrom('c', 1_900);
    expect(contact.staleMs('b', 'a', ['a', 'b', 'c'], 2_000)).toBe(1_000);
    expect(contact.staleMs('b', '', ['a', 'b', 'c'], 2_000)).toBe(Infinity);
  });

  it('a leader is as stale as the last time a quorum, itself counted, was heard from', () => {
    const contact = new LeaderContact();
    const voters = ['a', 'b', 'c', 'd', 'e'];
    expect(contact.staleMs('a', 'a', voters, 100)).toBe(Infinity);
    contact.heardFrom('b', 100);
    contact.heardFrom('c', 400);
    contact.heardFrom('d', 700);
    // a (now), d at 700 and c at 400 make three of five.
    expect(contact.staleMs('a', 'a', voters, 1_000)).toBe(600);
    expect(contact.staleMs('a', 'a', ['a'], 1_000)).toBe(0);
    contact.retain(['a', 'b']);
    expect(contact.staleMs('a', 'a', ['a', 'b', 'c'], 1_000)).toBe(900);
  });

  it('a member that lost its leader is as stale as its last evidence then, whatever it hears since', () => {
    const contact = new LeaderContact();
    const voters = ['a', 'b', 'c'];
    contact.leaderChanged('b', 'a', voters, 0);
    contact.heardFrom('a', 1_000);
    contact.leaderChanged('b', '', voters, 1_500);
    // A candidate's vote request is no evidence of the log.
    contact.heardFrom('c', 1_800);
    contact.heardFrom('a', 1_900);
    expect(contact.staleMs('b', '', voters, 2_000)).toBe(1_000);
    expect(contact.staleMs('b', '', voters, 5_000)).toBe(4_000);
    // Under a new leader, evidence counts again.
    contact.leaderChanged('b', 'c', voters, 5_000);
    contact.heardFrom('c', 5_100);
    expect(contact.staleMs('b', 'c', voters, 5_200)).toBe(100);
  });

  it('a deposed leader is as stale as the last time it heard from a quorum while leading', () => {
    const contact = new LeaderContact();
    const voters = ['a', 'b', 'c'];
    contact.leaderChanged('a', 'a', voters, 0);
    contact.heardFrom('b', 700);
    contact.heardFrom('c', 300);
    contact.leaderChanged('a', '', voters, 2_000);
    contact.heardFrom('b', 2_500);
    expect(contact.staleMs('a', '', voters, 3_000)).toBe(2_300);
  });

  it('a member that never knew a leader is infinitely stale', () => {
    const contact = new LeaderContact();
    contact.leaderChanged('b', '', ['a', 'b', 'c'], 100);
    expect(contact.staleMs('b', '', ['a', 'b', 'c'], 200)).toBe(Infinity);
  });
});
