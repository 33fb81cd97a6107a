import { describe, expect, it } from 'vitest';
import { homeIndexFor, StorageRouter } from '../../src/node/storage-router.js';

describe('home member of a node with no member in its zone', () => {
  it('is the same on every start and spreads nodes over the members', () => {
    const ids = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? `w${i}` : `r${i}`));
    const homes = ids.map((id) => homeIndexFor(id, 3));
    expect(ids.map((id) => homeIndexFor(id, 3))).toEqual(homes);
    for (const member of [0, 1, 2]) expect(homes.filter((h) => h === member).length).toBeGreaterThanOrEqual(5);
    expect(homes.every((h) => h >= 0 && h < 3)).toBe(true);
  });

  it('does not depend on the order the members were given in', () => {
    const a = new StorageRouter(new Map([['s1', '127.0.0.1:1'], ['s2', '127.0.0.1:2'], ['s3', '127.0.0.1:3']]));
    const b = new StorageRouter(new Map([['s3', '127.0.0.1:3'], ['s1', '127.0.0.1:1'], ['s2', '127.0.0.1:2']]));
    try {
      for (const node of ['w1', 'w2', 'r1', 'r2']) {
        a.spreadHome(node);
        b.spreadHome(node);
        expect(a.homeMember.id).toBe(b.homeMember.id);
      }
      const homes = new Set(['w1', 'w2', 'r1', 'r2', 'w3', 'r3'].map((node) => (a.spreadHome(node), a.homeMember.id)));
      expect(homes.size).toBeGreaterThan(1);
    } finally {
      a.close();
      b.close();
    }
  });
});
