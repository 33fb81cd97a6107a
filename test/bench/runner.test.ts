import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveBenchOptions, type BenchInput } from '../../src/bench/options.js';
import { runBench } from '../../src/bench/runner.js';
import { FakeTarget } from './fake-target.js';

const config = (input: BenchInput) => resolveBenchOptions({ warmup: '0s', ...input });

// The load generator runs on a fake clock (timers and Date.now, passed in as its clock), so pacing
// and latency are exact however busy the machine is: time moves only when every ready callback has run.
async function onFakeClock<T>(run: Promise<T>): Promise<T> {
  let settled = false;
  run.then(() => (settled = true), () => (settled = true));
  for (let step = 0; !settled; step++) {
    if (step > 10_000_000) throw new Error('the run did not end on the fake clock');
    await vi.advanceTimersByTimeAsync(1);
  }
  return run;
}

describe('the load generator', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('open loop: latency runs from the intended send time, so it includes time queued behind a slow target', async () => {
    // 100 ops/s asked of one client whose every request takes 20 ms: it can do 50/s, so the
    // k-th operation starts about k·10 ms late. Measured from the send, every latency would be ~20 ms.
    const target = new FakeTarget({ delayMs: 20 });
    const result = await onFakeClock(runBench(config({ clients: '1', rate: '100', ops: '20' }), target, { clockMs: Date.now }));
    expect(result.ops).toBe(20);
    expect(result.latencyMs.max).toBeGreaterThan(150);
    expect(result.latencyMs.p50).toBeGreaterThan(80);
    expect(result.latencyMs.mean).toBeGreaterThan(60);
  });

  it('closed loop: the same target measured from the send shows only the service time', async () => {
    const target = new FakeTarget({ delayMs: 20 });
    const result = await onFakeClock(runBench(config({ clients: '1', ops: '10' }), target, { clockMs: Date.now }));
    expect(result.latencyMs.max).toBeLessThan(60);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(19);
  });

  it('open loop: paces sends to the rate when the target keeps up', async () => {
    const target = new FakeTarget({ delayMs: 2 });
    const result = await onFakeClock(runBench(config({ clients: '4', rate: '50', ops: '20' }), target, { clockMs: Date.now }));
    // 20 operations due at 0, 20, ..., 380 ms.
    expect(result.durationS).toBeGreaterThan(0.37);
    expect(result.durationS).toBeLessThan(0.6);
    expect(result.latencyMs.p99).toBeLessThan(30);
    expect(result.unsent).toBe(0);
  });

  it('open loop with a duration: operations due but never sent are counted and recorded as waiting', async () => {
    const target = new FakeTarget({ delayMs: 20 });
    const result = await onFakeClock(runBench(config({ clients: '1', rate: '1000', duration: '300ms' }), target, { clockMs: Date.now }));
    expect(result.unsent).toBeGreaterThan(200);
    expect(result.ops).toBeLessThan(20);
    expect(result.latencyMs.max).toBeGreaterThan(200);
  });

  it('never has more requests in flight than clients', async () => {
    const target = new FakeTarget({ delayMs: 1 });
    await onFakeClock(runBench(config({ clients: '5', connections: '2', ops: '200' }), target, { clockMs: Date.now }));
    expect(target.inFlightMax).toBeLessThanOrEqual(5);
    expect(target.inFlightMax).toBeGreaterThan(1);
    expect(target.calls).toBe(200);
  });

  it('stops at the end of the duration, and the warmup is not measured', async () => {
    const target = new FakeTarget({ delayMs: 5 });
    const started = Date.now();
    const result = await onFakeClock(runBench(config({ clients: '2', duration: '200ms', warmup: '100ms' }), target, { clockMs: Date.now }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result.durationS).toBeGreaterThan(0.19);
    expect(result.durationS).toBeLessThan(0.3);
    expect(result.ops).toBeLessThan(target.calls);
  });

  it('counts failures by gRPC status name and leaves them out of the latency', async () => {
    const target = new FakeTarget({ delayMs: 1, fail: (call) => (call % 4 === 0 ? Object.assign(new Error('no leader'), { code: 14 }) : undefined) });
    const result = await onFakeClock(runBench(config({ clients: '2', ops: '100' }), target, { clockMs: Date.now }));
    expect(result.errors).toEqual({ UNAVAILABLE: 25 });
    expect(result.ops).toBe(75);
  });

  it('pre-populates the keys a read workload needs, and counts a missing key as an error', async () => {
    const target = new FakeTarget({ delayMs: 0, missing: true });
    const result = await onFakeClock(runBench(config({ workload: 'get', keys: '300', clients: '2', ops: '10' }), target, { clockMs: Date.now }));
    expect(target.populated).toBe(300);
    expect(target.keys.size).toBe(300);
    // The reads start once every replica holds the keys.
    expect(target.replicatedWith).toBe(300);
    expect(target.getsBeforeReplicated).toBe(0);
    expect(result.errors).toEqual({ MISSING_KEY: 10 });
    expect(result.ops).toBe(0);
  });

  it('reports the conflict rate of txn: attempts that lost over all attempts', async () => {
    const target = new FakeTarget({ delayMs: 0, attempts: 4 });
    const result = await onFakeClock(runBench(config({ workload: 'txn', hotKeys: '3', clients: '2', ops: '10' }), target, { clockMs: Date.now }));
    expect(target.populated).toBe(3);
    expect(result.conflictRate).toBe(0.75);
    const exhausted = await onFakeClock(runBench(config({ workload: 'txn', clients: '1', ops: '2' }), new FakeTarget({ delayMs: 0, attempts: 20 })));
    expect(exhausted.errors).toEqual({ CONFLICT_RETRIES_EXHAUSTED: 2 });
    expect(exhausted.conflictRate).toBe(1);
  });

  it('produces the documented JSON shape', async () => {
    const result = await onFakeClock(runBench(config({ workload: 'mixed', clients: '2', ops: '50', keys: '100' }), new FakeTarget({ delayMs: 0 })));
    const json = JSON.parse(JSON.stringify(result));
    expect(Object.keys(json).sort()).toEqual(['durationS', 'errors', 'latencyMs', 'ops', 'options', 'target', 'throughput', 'workload']);
    expect(Object.keys(json.latencyMs).sort()).toEqual(['max', 'mean', 'p50', 'p90', 'p99', 'p999']);
    expect(json).toMatchObject({ target: 'quorumkv', workload: 'mixed', ops: 50, errors: {} });
    expect(json.options).toMatchObject({ clients: 2, keys: 100, ops: 50, readRatio: 0.9, consistency: 'linearizable', valueSizeBytes: 256 });
    expect(json.throughput).toBeGreaterThan(0);
    expect(json.durationS).toBeGreaterThan(0);
  });

  it('ends early when aborted and reports what it measured', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const result = await onFakeClock(runBench(config({ clients: '2', duration: '1h' }), new FakeTarget({ delayMs: 2 }), { signal: abort.signal, clockMs: Date.now }));
    expect(result.ops).toBeGreaterThan(0);
    expect(result.durationS).toBeLessThan(1);
  });
});
