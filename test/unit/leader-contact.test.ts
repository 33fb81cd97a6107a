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
});
