import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Event__Output } from '../../src/gen/quorumkv/v1/Event.js';
import type { KeyValue__Output } from '../../src/gen/quorumkv/v1/KeyValue.js';
import { LatestValueCache } from '../../src/node/latest-value-cache.js';

const b = (text: string) => Buffer.from(text);
const LIMITS = { maxEntries: 1_000, maxBytes: 1 << 20 };

/** A log of one change per revision (revision r = index r - 1), with the state of every key after each. */
class ModelLog {
  readonly events: Event__Output[] = [];
  private readonly states: Map<string, KeyValue__Output | null>[] = [new Map()];

  get head(): number {
    return this.events.length;
  }

  write(key: string, value: string | null): void {
    const revision = this.head + 1;
    const before = this.stateAt(revision - 1, key);
    const kv: KeyValue__Output =
      value === null
        ? { key: b(key), value: Buffer.alloc(0), createRevision: 0, modRevision: revision, version: 0, lease: 0 }
        : { key: b(key), value: b(value), createRevision: before?.createRevision ?? revision, modRevision: revision, version: (before?.version ?? 0) + 1, lease: 0 };
    this.events.push({ type: value === null ? 'DELETE' : 'PUT', kv, prevKv: null });
    const next = new Map(this.states[this.states.length - 1]);
    next.set(key, value === null ? null : kv);
    this.states.push(next);
  }

  stateAt(revision: number, key: string): KeyValue__Output | null {
    return this.states[revision]!.get(key) ?? null;
  }

  /** The events of revisions from..to (inclusive). */
  between(from: number, to: number): Event__Output[] {
    return this.events.slice(from - 1, to);
  }
}

describe('LatestValueCache', () => {
  it('answers nothing until it follows, and learns only from reads at or after what it followed', () => {
    const cache = new LatestValueCache(LIMITS);
    cache.learn(b('a'), null, 5);
    expect(cache.lookup(b('a'))).toBeUndefined();
    cache.follow([], 7);
    cache.learn(b('a'), null, 6);
    expect(cache.lookup(b('a'))).toBeUndefined();
    cache.learn(b('a'), null, 7);
    expect(cache.lookup(b('a'))).toEqual({ kv: null, revision: 7 });
  });

  it('keeps an entry current through puts and deletes, and ignores changes older than it', () => {
    const log = new ModelLog();
    log.write('a', 'v1');
    log.write('b', 'x');
    log.write('a', 'v2');
    log.write('a', null);
    const cache = new LatestValueCache(LIMITS);
    cache.follow([], 1);
    cache.learn(b('a'), log.stateAt(2, 'a'), 2);
    cache.follow(log.between(2, 3), 3);
    expect(cache.lookup(b('a'))!.kv!.value).toEqual(b('v2'));
    cache.follow(log.between(4, 4), 4);
    expect(cache.lookup(b('a'))).toEqual({ kv: null, revision: 4 });
    expect(cache.lookup(b('b'))).toBeUndefined();
  });

  it('stays within its bounds, dropping the oldest entries', () => {
    const cache = new LatestValueCache({ maxEntries: 3, maxBytes: 1 << 20 });
    cache.follow([], 1);
    for (const key of ['a', 'b', 'c', 'd']) cache.learn(b(key), null, 1);
    expect(cache.size).toBe(3);
    expect(cache.lookup(b('a'))).toBeUndefined();
    const small = new LatestValueCache({ maxEntries: 100, maxBytes: 400 });
    small.follow([], 1);
    const kv = (key: string) => ({ key: b(key), value: Buffer.alloc(100), createRevision: 1, modRevision: 1, version: 1, lease: 0 });
    for (const key of ['a', 'b', 'c']) small.learn(b(key), kv(key), 1);
    expect(small.heldBytes).toBeLessThanOrEqual(400);
    expect(small.lookup(b('c'))).toBeDefined();
    expect(small.lookup(b('a'))).toBeUndefined();
  });

  it('clear forgets everything and stops answering', () => {
    const cache = new LatestValueCache(LIMITS);
    cache.follow([], 3);
    cache.learn(b('a'), null, 3);
    cache.clear();
    expect(cache.lookup(b('a'))).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.followed).toBe(0);
  });

  it('answers every cached key as the log had it, whatever the order of follows and reads answered at any revision', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), key: fc.constantFrom('a', 'b', 'c'), value: fc.option(fc.constantFrom('1', '2', '3'), { nil: null }) }),
      fc.record({ kind: fc.constant('follow' as const), upTo: fc.nat(4) }),
      // A storage member answered a read at some revision at or below the head, earlier or later than followed.
      fc.record({ kind: fc.constant('read' as const), key: fc.constantFrom('a', 'b', 'c', 'd'), behind: fc.nat(6) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 1, max: 3 }), (steps, maxEntries) => {
        const log = new ModelLog();
        const cache = new LatestValueCache({ maxEntries, maxBytes: 1 << 20 });
        log.write('a', '0');
        cache.follow(log.between(1, 1), 1);
        let followed = 1;
        for (const s of steps) {
          if (s.kind === 'write') log.write(s.key, s.value);
          else if (s.kind === 'follow') {
            const to = Math.min(log.head, followed + s.upTo);
            if (to > followed) cache.follow(log.between(followed + 1, to), to);
            followed = to;
          } else {
            const at = Math.max(0, log.head - s.behind);
            cache.learn(b(s.key), log.stateAt(at, s.key), at);
          }
          for (const key of ['a', 'b', 'c', 'd']) {
            const state = cache.lookup(b(key));
            if (state === undefined) continue;
            const answeredAt = Math.max(followed, state.revision);
            expect(state.kv, `${key} at ${answeredAt}`).toEqual(log.stateAt(answeredAt, key));
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
