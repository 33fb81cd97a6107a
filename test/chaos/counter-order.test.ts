import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCounterAdds, type CounterAdd } from '../../src/chaos/counter-order.js';
import { checkLinearizable, type Operation } from '../../src/chaos/linearizability.js';
import { counterModel, type CounterInput, type CounterOutput } from '../../src/chaos/models.js';

const acked = (delta: number, value: number, call: number, ret: number): CounterAdd => ({ delta, value, call, ret });
const unknown = (delta: number, call: number): CounterAdd => ({ delta, call });

describe('checkCounterAdds', () => {
  it('accepts adds that made their values in some order that respects real time', () => {
    expect(checkCounterAdds([acked(2, 2, 0, 10), acked(1, 3, 0, 10), acked(3, 6, 11, 12)], 6).ok).toBe(true);
    // Concurrent: the one that returned first may still have taken effect second.
    expect(checkCounterAdds([acked(1, 3, 0, 5), acked(2, 2, 1, 10)], 3).ok).toBe(true);
  });

  it('fills gaps with adds of unknown outcome, each once, and only with adds sent in time', () => {
    expect(checkCounterAdds([unknown(4, 0), acked(1, 5, 1, 2)], 5).ok).toBe(true);
    expect(checkCounterAdds([unknown(4, 0), acked(1, 5, 1, 2), acked(1, 10, 3, 4)], 10)).toMatchObject({ ok: false });
    // Sent after the add that needed it had returned: it cannot have come before it.
    expect(checkCounterAdds([acked(1, 5, 1, 2), unknown(4, 3)], 5)).toMatchObject({ ok: false });
    // Sent at the very moment it returned: equal timestamps are concurrent, as for the general search.
    expect(checkCounterAdds([acked(1, 3, 10, 23), unknown(1, 20), unknown(2, 23), acked(1, 4, 40, 40)], 4).ok).toBe(true);
    // The same gap filled by 2+2 and not by the 3 (which the final value needs).
    expect(checkCounterAdds([unknown(2, 0), unknown(2, 0), unknown(3, 0), acked(1, 5, 1, 2)], 8).ok).toBe(true);
    expect(checkCounterAdds([unknown(2, 0), unknown(3, 0), acked(1, 5, 1, 2)], 8)).toMatchObject({ ok: false });
  });

  it('refuses what no order explains', () => {
    expect(checkCounterAdds([acked(1, 1, 0, 10), acked(2, 1, 0, 10)])).toMatchObject({ ok: false, reason: expect.stringContaining('both made the value 1') });
    expect(checkCounterAdds([acked(1, 2, 5, 6), acked(1, 1, 7, 8)])).toMatchObject({ ok: false, reason: expect.stringContaining('returned before') });
    expect(checkCounterAdds([acked(3, 3, 0, 10), acked(2, 4, 0, 10)])).toMatchObject({ ok: false });
    // An add applied twice shows as a jump nothing accounts for.
    expect(checkCounterAdds([acked(2, 2, 0, 1), acked(1, 5, 2, 3)], 5)).toMatchObject({ ok: false });
    expect(checkCounterAdds([acked(2, 2, 0, 1)], 1)).toMatchObject({ ok: false, reason: expect.stringContaining('below') });
  });

  it('decides a long history quickly', () => {
    const adds: CounterAdd[] = [];
    let value = 0;
    for (let i = 0; i < 20_000; i++) {
      const delta = 1 + (i % 5);
      if (i % 40 === 7) {
        adds.push(unknown(delta, i * 10 - 15));
        if (i % 80 === 7) value += delta; // half of them applied
        continue;
      }
      value += delta;
      adds.push(acked(delta, value, i * 10 - 15, i * 10 + 15));
    }
    expect(checkCounterAdds(adds, value).ok).toBe(true);
  });

  /** A history of a real counter: add i takes effect at 10·i, within its [call, return]. */
  const histories = fc.array(
    fc.record({ delta: fc.integer({ min: 1, max: 3 }), before: fc.integer({ min: 0, max: 25 }), after: fc.integer({ min: 0, max: 25 }), outcome: fc.constantFrom('acked', 'acked', 'applied', 'lost') }),
    { minLength: 1, maxLength: 9 },
  );
  const mutations = fc.record({ which: fc.nat(), by: fc.integer({ min: -3, max: 3 }), final: fc.boolean() });

  // COUNTER_ORDER_RUNS=150000 searches longer (about 2 minutes).
  it('agrees with the general linearizability search on small histories, mutated or not', () => {
    fc.assert(
      fc.property(histories, mutations, fc.boolean(), (steps, mutation, mutate) => {
        let value = 0;
        const adds: CounterAdd[] = steps.map((s, i) => {
          const t = 10 * (i + 1);
          if (s.outcome === 'lost') return unknown(s.delta, t - s.before);
          value += s.delta;
          return s.outcome === 'applied' ? unknown(s.delta, t - s.before) : acked(s.delta, value, t - s.before, t + s.after);
        });
        let finalValue = value;
        if (mutate && mutation.by !== 0) {
          const knownIndexes = adds.flatMap((a, i) => (a.value === undefined ? [] : [i]));
          if (mutation.final || knownIndexes.length === 0) finalValue = Math.max(0, finalValue + mutation.by);
          else {
            const i = knownIndexes[mutation.which % knownIndexes.length];
            adds[i] = { ...adds[i], value: Math.max(1, adds[i].value! + mutation.by) };
          }
        }
        const end = 10 * (steps.length + 10);
        const ops: Operation<CounterInput, CounterOutput>[] = adds.map((a, i) => ({
          clientId: i,
          input: { key: 'c', op: 'add', delta: a.delta },
          output: a.value === undefined ? undefined : { value: a.value },
          call: a.call,
          return: a.ret ?? Infinity,
        }));
        ops.push({ clientId: -1, input: { key: 'c', op: 'get' }, output: { value: finalValue }, call: end, return: end + 1 });
        const general = checkLinearizable(ops, counterModel).ok;
        expect(checkCounterAdds(adds, finalValue).ok).toBe(general);
      }),
      { numRuns: Number(process.env.COUNTER_ORDER_RUNS ?? 2_000) },
    );
  }, 600_000);
});
