import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizable, describeCounterexample, type LinearizabilityFailure, type Operation } from '../../src/chaos/linearizability.js';
import { counterModel, registerModel, type CounterInput, type CounterOutput, type RegisterInput, type RegisterOutput } from '../../src/chaos/models.js';

type RegOp = Operation<RegisterInput, RegisterOutput>;

const get = (clientId: number, value: string | null, call: number, ret: number, key = 'k'): RegOp => ({ clientId, input: { key, op: 'get' }, output: { value }, call, return: ret });
const put = (clientId: number, value: string, call: number, ret: number, key = 'k'): RegOp => ({ clientId, input: { key, op: 'put', value }, output: {}, call, return: ret });
const cas = (clientId: number, expected: string | null, value: string, ok: boolean, call: number, ret: number, key = 'k'): RegOp => ({
  clientId,
  input: { key, op: 'cas', expected, value },
  output: { ok },
  call,
  return: ret,
});
const del = (clientId: number, call: number, ret: number, key = 'k'): RegOp => ({ clientId, input: { key, op: 'delete' }, output: {}, call, return: ret });

function check(history: RegOp[]) {
  return checkLinearizable(history, registerModel, { timeoutMs: 5_000 });
}

function expectViolation(history: RegOp[], key = 'k'): LinearizabilityFailure<RegisterInput, RegisterOutput> {
  const result = check(history);
  expect(result.ok).toBe(false);
  if (result.ok !== false) throw new Error('unreachable');
  expect(result.key).toBe(key);
  return result;
}

describe('checkLinearizable with the register model', () => {
  it('accepts an empty history and a sequential one', () => {
    expect(check([]).ok).toBe(true);
    expect(check([get(1, null, 0, 1), put(1, 'a', 2, 3), get(2, 'a', 4, 5), cas(1, 'a', 'b', true, 6, 7), get(2, 'b', 8, 9), del(1, 10, 11), get(2, null, 12, 13)]).ok).toBe(true);
  });

  it('accepts a read concurrent with a write returning either value', () => {
    const base = [put(1, 'a', 0, 1), put(1, 'b', 10, 20)];
    expect(check([...base, get(2, 'a', 12, 14)]).ok).toBe(true);
    expect(check([...base, get(2, 'b', 12, 14)]).ok).toBe(true);
  });

  it('rejects a stale read after a completed write', () => {
    const failure = expectViolation([put(1, 'a', 0, 10), put(1, 'b', 20, 30), get(2, 'a', 40, 50)]);
    expect(failure.partialLinearization.map((op) => op.input.op)).toEqual(['put', 'put']);
    expect(failure.reason).toContain('get(k) -> "a"');
  });

  it('rejects two concurrent writes that two readers see in opposite orders', () => {
    const writes = [put(1, 'a', 0, 100), put(2, 'b', 0, 100)];
    expect(check([...writes, get(3, 'a', 10, 20), get(3, 'b', 30, 40), get(4, 'a', 10, 20), get(4, 'b', 30, 40)]).ok).toBe(true);
    expectViolation([...writes, get(3, 'a', 10, 20), get(3, 'b', 30, 40), get(4, 'b', 10, 20), get(4, 'a', 30, 40)]);
    // After both writes completed, readers must agree on the winner.
    expectViolation([...writes, get(3, 'a', 110, 120), get(4, 'b', 110, 120)]);
  });

  it('rejects a compare-and-set that succeeds twice from the same expected value', () => {
    const base = [put(1, 'x', 0, 1)];
    expect(check([...base, cas(2, 'x', 'y', true, 2, 10), cas(3, 'x', 'z', false, 2, 10)]).ok).toBe(true);
    expectViolation([...base, cas(2, 'x', 'y', true, 2, 10), cas(3, 'x', 'z', true, 2, 10)]);
    // Creating a key that is absent: only one creator may win.
    expectViolation([cas(2, null, 'y', true, 0, 10), cas(3, null, 'z', true, 0, 10)]);
  });

  it('rejects a lost acknowledged write', () => {
    expectViolation([put(1, 'a', 0, 1), get(2, null, 5, 6)]);
    expectViolation([put(1, 'a', 0, 1), put(1, 'b', 2, 3), get(2, 'b', 4, 5), get(2, 'a', 6, 7)]);
  });

  it('rejects a read of a value never written', () => {
    const failure = expectViolation([put(1, 'a', 0, 1), get(2, 'ghost', 2, 3)]);
    expect(failure.reason).toContain('impossible in that state');
  });

  it('checks the deleted flag of a delete', () => {
    const deleted = (value: boolean, call: number, ret: number): RegOp => ({ clientId: 1, input: { key: 'k', op: 'delete' }, output: { deleted: value }, call, return: ret });
    expect(check([put(1, 'a', 0, 1), deleted(true, 2, 3), deleted(false, 4, 5)]).ok).toBe(true);
    expectViolation([put(1, 'a', 0, 1), deleted(false, 2, 3)]);
  });

  it('treats operations that touch in time as concurrent', () => {
    expect(check([put(1, 'a', 0, 10), get(2, null, 10, 20)]).ok).toBe(true);
    expectViolation([put(1, 'a', 0, 10), get(2, null, 11, 20)]);
  });
});

describe('operations with unknown outcome', () => {
  const unknownPut = (clientId: number, value: string, call: number) => put(clientId, value, call, Infinity);

  it('may take effect late, which makes an otherwise impossible history possible', () => {
    const history = [put(1, 'a', 0, 1), get(2, 'a', 10, 11), get(2, 'b', 20, 21), get(2, 'b', 30, 31)];
    expectViolation(history);
    expect(check([...history, unknownPut(3, 'b', 2)]).ok).toBe(true);
  });

  it('may never take effect', () => {
    expect(check([put(1, 'a', 0, 1), unknownPut(3, 'b', 2), get(2, 'a', 10, 11), get(2, 'a', 100, 101)]).ok).toBe(true);
  });

  it('cannot take effect before its call', () => {
    expectViolation([get(2, 'b', 0, 1), unknownPut(3, 'b', 2)]);
  });

  it('takes effect at most once', () => {
    expectViolation([put(1, 'a', 0, 1), unknownPut(3, 'b', 2), get(2, 'b', 10, 11), put(1, 'c', 12, 13), get(2, 'b', 14, 15)]);
  });

  it('drops reads with unknown outcome, whatever output they carry', () => {
    expect(check([put(1, 'a', 0, 1), get(2, 'garbage', 2, Infinity), get(2, 'a', 3, 4)]).ok).toBe(true);
  });

  it('lets an unknown compare-and-set succeed or fail', () => {
    const unknownCas = cas(3, null, 'a', true, 0, Infinity);
    expect(check([{ ...unknownCas, output: undefined }, get(2, 'a', 10, 11)]).ok).toBe(true);
    expect(check([{ ...unknownCas, output: undefined }, put(1, 'z', 1, 2), get(2, 'z', 10, 11)]).ok).toBe(true);
  });
});

describe('P-compositionality', () => {
  it('checks each key on its own', () => {
    // As one register this history is impossible; as two keys it is fine.
    const history = [put(1, 'a', 0, 1, 'x'), get(2, null, 2, 3, 'y'), put(3, 'b', 4, 5, 'y'), get(4, 'a', 6, 7, 'x')];
    expect(checkLinearizable(history, registerModel)).toEqual({ ok: true, partitions: 2, operations: 4 });
    expect(checkLinearizable(history, { ...registerModel, partition: undefined }).ok).toBe(false);
  });

  it('names the key that fails among many that pass', () => {
    const history: RegOp[] = [];
    for (let k = 0; k < 10; k++) history.push(put(k, `v${k}`, k, k + 100, `key${k}`), get(k, `v${k}`, k + 200, k + 300, `key${k}`));
    history.push(get(99, null, 1000, 1001, 'key7'));
    const failure = expectViolation(history, 'key7');
    expect(failure.operations.every((op) => op.input.key === 'key7')).toBe(true);
  });
});

describe('bounds', () => {
  it('answers unknown instead of searching forever', () => {
    // Many concurrent writes and an impossible read: without a budget the search would try every subset.
    const history: RegOp[] = [];
    for (let i = 0; i < 40; i++) history.push(put(i, `v${i}`, 0, 100));
    for (let i = 0; i < 40; i++) history.push(get(100 + i, `v${i}`, 1, 99));
    history.push(get(200, 'never', 200, 201));
    const started = performance.now();
    const result = checkLinearizable(history, registerModel, { timeoutMs: 100 });
    expect(result).toEqual({ ok: 'unknown', reason: 'timeout', key: 'k' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(checkLinearizable(history, registerModel, { maxCacheEntries: 1_000 })).toEqual({ ok: 'unknown', reason: 'memory', key: 'k' });
  });

  it('still reports a violation found in another key after an unknown', () => {
    const hard: RegOp[] = [];
    for (let i = 0; i < 40; i++) hard.push(put(i, `v${i}`, 0, 100, 'a'));
    hard.push(get(200, 'never', 200, 201, 'a'));
    const result = checkLinearizable([...hard, put(1, 'x', 0, 1, 'b'), get(2, 'y', 2, 3, 'b')], registerModel, { maxCacheEntries: 1_000 });
    expect(result.ok === false && result.key).toBe('b');
  });

  it('refuses return times before call times', () => {
    expect(() => check([put(1, 'a', 10, 5)])).toThrow(/before call time/);
  });
});

describe('describeCounterexample', () => {
  it('lists the failing key sorted by call time and survives JSON', () => {
    const failure = expectViolation([put(1, 'b', 20, 30), put(1, 'a', 0, 10), get(2, 'a', 40, 50), put(3, 'c', 35, Infinity)]);
    const report = describeCounterexample(failure, registerModel);
    expect(report.operations.map((op) => op.call)).toEqual([0, 20, 35, 40]);
    expect(report.operations[2].return).toBeNull();
    expect(report.operations[3].linearizedAt).toBeNull();
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.text.split('\n')).toHaveLength(5);
    expect(report.text).toContain('get(k) -> "a"');
  });
});

describe('counter model', () => {
  type CounterOp = Operation<CounterInput, CounterOutput>;
  const add = (clientId: number, delta: number, value: number | undefined, call: number, ret: number): CounterOp => ({
    clientId,
    input: { key: 'c', op: 'add', delta },
    output: { value },
    call,
    return: ret,
  });
  const read = (clientId: number, value: number, call: number, ret: number): CounterOp => ({ clientId, input: { key: 'c', op: 'get' }, output: { value }, call, return: ret });

  it('accepts concurrent adds in any order and rejects impossible intermediate values', () => {
    expect(checkLinearizable([add(1, 1, 3, 0, 10), add(2, 2, 2, 0, 10), read(3, 3, 11, 12)], counterModel).ok).toBe(true);
    expect(checkLinearizable([add(1, 1, 1, 0, 10), add(2, 2, 1, 0, 10)], counterModel).ok).toBe(false);
    expect(checkLinearizable([add(1, 5, undefined, 0, Infinity), read(3, 5, 11, 12), read(3, 5, 13, 14)], counterModel).ok).toBe(true);
    expect(checkLinearizable([add(1, 5, 5, 0, 1), read(3, 0, 11, 12)], counterModel).ok).toBe(false);
  });
});

/**
 * A history produced by a real sequential register: operation i takes effect at time 10·i, and its
 * interval [call, return] covers that point. Some writes time out (return at Infinity), and some of
 * those never took effect at all.
 */
interface Step {
  client: number;
  key: number;
  kind: 'get' | 'put' | 'cas' | 'delete';
  casHit: boolean;
  before: number;
  after: number;
  fate: 'known' | 'unknown' | 'lost';
}

const stepArbitrary = (maxSpread: number) =>
  fc.record<Step>({
    client: fc.integer({ min: 0, max: 4 }),
    key: fc.integer({ min: 0, max: 2 }),
    kind: fc.constantFrom('get', 'get', 'put', 'cas', 'delete'),
    casHit: fc.boolean(),
    before: fc.integer({ min: 0, max: maxSpread }),
    after: fc.integer({ min: 0, max: maxSpread }),
    fate: fc.constantFrom('known', 'known', 'known', 'known', 'unknown', 'lost'),
  });

function sequentialHistory(steps: Step[], allowUnknown: boolean): RegOp[] {
  const store = new Map<string, string>();
  return steps.map((step, i) => {
    const key = `k${step.key}`;
    const current = store.get(key) ?? null;
    const at = 10 * i;
    const fate = allowUnknown ? step.fate : 'known';
    const applies = fate !== 'lost';
    const value = `v${i}`;
    let input: RegisterInput;
    let output: RegisterOutput;
    switch (step.kind) {
      case 'get':
        input = { key, op: 'get' };
        output = { value: current };
        break;
      case 'put':
        input = { key, op: 'put', value };
        output = {};
        if (applies) store.set(key, value);
        break;
      case 'delete':
        input = { key, op: 'delete' };
        output = { deleted: current !== null };
        if (applies) store.delete(key);
        break;
      case 'cas': {
        const expected = step.casHit ? current : 'v-none';
        input = { key, op: 'cas', expected, value };
        output = { ok: expected === current };
        if (applies && expected === current) store.set(key, value);
        break;
      }
    }
    const ret = fate === 'known' ? at + step.after : Infinity;
    return { clientId: step.client, input, output, call: at - step.before, return: ret };
  });
}

describe('properties', () => {
  it('accepts every history of a real sequential register, however the intervals overlap', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary(60), { maxLength: 60 }), (steps) => {
        const result = checkLinearizable(sequentialHistory(steps, true), registerModel, { timeoutMs: 5_000 });
        expect(result.ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a single corrupted read in a history whose order is forced by real time', () => {
    // Intervals shorter than the gap between effects: no two operations overlap.
    fc.assert(
      fc.property(
        fc.array(stepArbitrary(4), { minLength: 1, maxLength: 60 }),
        fc.nat(),
        fc.constantFrom<'null' | 'unwritten' | 'other'>('null', 'unwritten', 'other'),
        (steps, pick, corruption) => {
          const history = sequentialHistory(steps, false);
          const reads = history.filter((op) => op.input.op === 'get');
          fc.pre(reads.length > 0);
          const victim = reads[pick % reads.length];
          const actual = (victim.output as RegisterOutput).value;
          const writtenValues = history.flatMap((op) => ('value' in op.input ? [op.input.value] : []));
          const wrong = corruption === 'null' ? null : corruption === 'unwritten' ? 'never-written' : (writtenValues.find((v) => v !== actual) ?? 'never-written');
          fc.pre(wrong !== actual);
          victim.output = { value: wrong };
          const result = checkLinearizable(history, registerModel, { timeoutMs: 5_000 });
          expect(result.ok).toBe(false);
          expect(result.ok === false && result.key).toBe(victim.input.key);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('checks a 5-client history of 2,000 operations over 5 keys within its budget', () => {
    const history = clientsHistory(5, 2_000, 5, 1);
    const started = performance.now();
    const result = checkLinearizable(history, registerModel, { timeoutMs: 5_000 });
    const elapsedMs = performance.now() - started;
    console.log(`linearizability: ${history.length} operations checked in ${elapsedMs.toFixed(0)} ms`);
    const checked = history.filter((op) => !(op.input.op === 'get' && op.return === Infinity)).length;
    expect(result).toEqual({ ok: true, partitions: 5, operations: checked });
  });
});

/**
 * Clients that each run one operation at a time, as a workload does: operation effects happen at
 * random points inside their intervals, in the order of those points.
 */
function clientsHistory(clients: number, total: number, keys: number, seed: number): RegOp[] {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const free = new Array(clients).fill(0);
  const planned: Array<{ client: number; call: number; effect: number; ret: number; key: string; kind: number; unknown: boolean }> = [];
  for (let i = 0; i < total; i++) {
    const client = i % clients;
    const call = free[client] + random() * 2;
    const ret = call + 1 + random() * 10;
    const unknown = random() < 0.02;
    planned.push({ client, call, effect: call + random() * (ret - call), ret, key: `k${Math.floor(random() * keys)}`, kind: random(), unknown });
    free[client] = ret;
  }
  const store = new Map<string, string>();
  const history: RegOp[] = [];
  planned.sort((a, b) => a.effect - b.effect);
  planned.forEach((p, i) => {
    const current = store.get(p.key) ?? null;
    const ret = p.unknown ? Infinity : p.ret;
    if (p.kind < 0.5) history.push(get(p.client, current, p.call, ret, p.key));
    else if (p.kind < 0.8) {
      store.set(p.key, `v${i}`);
      history.push(put(p.client, `v${i}`, p.call, ret, p.key));
    } else {
      const expected = p.kind < 0.9 ? current : 'v-none';
      if (expected === current) store.set(p.key, `v${i}`);
      history.push(cas(p.client, expected, `v${i}`, expected === current, p.call, ret, p.key));
    }
  });
  return history;
}
