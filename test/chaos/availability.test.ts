import { describe, expect, it } from 'vitest';
import { availability, availabilityTable, classOf, isUnavailable, SETTLE_MS } from '../../src/chaos/availability.js';
import type { OpRecord } from '../../src/chaos/history.js';
import type { FaultEvent } from '../../src/chaos/nemesis.js';

let nextId = 0;
function op(f: string, endpoint: string, call: number, ret: number | null, outcome: OpRecord['outcome'] = 'ok', error?: string): OpRecord {
  return { id: nextId++, workload: 'w', worker: 'w0', endpoint, f, call, ret, outcome, ...(error ? { error } : {}) };
}

function fault(kind: string, variant: string, target: string, startMs: number, endMs: number): FaultEvent {
  return { index: 0, kind, variant, target, plannedMs: startMs, startMs, endMs };
}

/** A steady load outside [from, to): a write and a replica read every 10 ms, each taking `ms`. */
function calm(from: number, to: number, ms: number): OpRecord[] {
  const ops: OpRecord[] = [];
  for (let t = 0; t < 20_000; t += 10) {
    if (t >= from - ms && t <= to) continue;
    ops.push(op('put', 'gateway', t, t + ms), op('get', 'reader', t, t + ms));
  }
  return ops;
}

describe('availability through faults', () => {
  it('classifies requests and tells refusals that decided something from unavailability', () => {
    expect(classOf(op('cas', 'gateway', 0, 1))).toBe('write');
    expect(classOf(op('get', 'gateway', 0, 1))).toBe('read');
    expect(classOf(op('read', 'reader', 0, 1))).toBe('replica-read');
    expect(classOf(op('grant', 'gateway', 0, 1))).toBe('write');
    expect(classOf(op('transfer', 'gateway', 0, 1))).toBe('transaction');
    expect(isUnavailable(op('put', 'gateway', 0, null, 'unknown'))).toBe(true);
    expect(isUnavailable(op('get', 'reader', 0, 5, 'fail', 'UnavailableError: no leader'))).toBe(true);
    expect(isUnavailable(op('cas', 'gateway', 0, 5, 'fail', 'ConflictError: conflict on k'))).toBe(false);
  });

  it('measures when writes resumed after an isolated leader and after the heal, and judges the goal', () => {
    const start = 5_000;
    const heal = 8_000;
    const ops = calm(start, heal + SETTLE_MS, 4);
    // Writes stall for 1.2 s after the fault, then run; the first write after the heal returns in 150 ms.
    ops.push(op('put', 'gateway', start + 10, start + 1_200));
    for (let t = start + 1_300; t < heal; t += 100) ops.push(op('put', 'gateway', t, t + 5));
    ops.push(op('put', 'gateway', heal, heal + 150));
    for (let t = start; t < heal + SETTLE_MS; t += 50) ops.push(op('get', 'reader', t, t + 6));
    const report = availability([fault('partition', 'isolate-storage', 's1 isolated (leader)', start, heal)], ops);
    const [f] = report.faults;
    expect(f.writesResumeMs).toBe(1_200);
    expect(f.writesResumeAfterHealMs).toBe(150);
    expect(f.byClass['replica-read'].failed).toBe(0);
    expect(f.goal).toMatchObject({ met: true });
    expect(report.baseline.write.p99Ms).toBe(4);

    const slow = availability([fault('partition', 'isolate-storage', 's1 isolated (leader)', start, heal)], [...ops, op('get', 'reader', start + 20, start + 900, 'fail', 'UnavailableError: no leader')]);
    expect(slow.faults[0].goal).toMatchObject({ met: false });
  });

  it('counts only requests through the endpoints: a writer that is down fails its own direct clients by design', () => {
    const ops = [...calm(5_000, 9_000, 3), op('put', 'w1', 5_100, null, 'unknown'), op('put', 'gateway', 5_100, 5_140)];
    const report = availability([fault('kill', 'writer', 'w1', 5_000, 7_000)], ops);
    expect(report.faults[0].byClass.write.failed).toBe(0);
    expect(report.faults[0].goal).toMatchObject({ met: true, text: '0 failed requests' });
    const failing = availability([fault('kill', 'writer', 'w1', 5_000, 7_000)], [...ops, op('put', 'gateway', 5_200, null, 'unknown')]);
    expect(failing.faults[0].goal).toMatchObject({ met: false });
  });

  it('holds a follower isolation to twice the no-fault p99', () => {
    const ops = [...calm(5_000, 9_000, 4), op('put', 'gateway', 5_100, 5_107), op('get', 'reader', 5_100, 5_106)];
    const met = availability([fault('partition', 'isolate-storage', 's2 isolated (follower)', 5_000, 7_000)], ops);
    expect(met.faults[0].goal).toMatchObject({ met: true });
    const missed = availability([fault('partition', 'isolate-storage', 's2 isolated (follower)', 5_000, 7_000)], [...ops, op('put', 'gateway', 5_200, 5_260)]);
    expect(missed.faults[0].goal).toMatchObject({ met: false });
    expect(availabilityTable(missed)).toContain('MISSED');
  });

  it('counts traffic as flowing again at the first write acknowledged after the heal, whenever it was sent', () => {
    const start = 5_000;
    const heal = 8_000;
    // Writes flow through the fault (a new leader took over): the heal changes nothing.
    const ops = calm(0, 0, 4).filter((o) => o.call < start || o.call > heal + SETTLE_MS);
    for (let t = start; t <= heal + SETTLE_MS; t += 100) ops.push(op('put', 'gateway', t, t + 130));
    const [f] = availability([fault('partition', 'isolate-storage', 's1 isolated (leader)', start, heal)], ops).faults;
    expect(f.writesResumeAfterHealMs).toBe(30);
  });

  it('ends a window where the next fault starts, so a request slowed by the next fault is charged to it', () => {
    const ops = [...calm(5_000, 12_000, 4), op('get', 'gateway', 8_600, 9_900)];
    const events = [fault('partition', 'isolate-storage', 's2 isolated (follower)', 5_000, 7_000), { ...fault('partition', 'isolate-storage', 's1 isolated (leader)', 8_500, 10_000), index: 1 }];
    const [follower, leader] = availability(events, ops).faults;
    expect(follower.byClass.read.ops).toBe(0);
    expect(leader.byClass.read.maxMs).toBe(1_300);
  });

  it('charges a request sent just before the next fault, and slowed by it, to that fault', () => {
    const ops = [...calm(5_000, 12_000, 4), op('put', 'gateway', 8_450, 9_200)];
    const events = [fault('partition', 'isolate-storage', 's2 isolated (follower)', 5_000, 7_000), { ...fault('partition', 'isolate-storage', 's1 isolated (leader)', 8_500, 10_000), index: 1 }];
    const [follower, leader] = availability(events, ops).faults;
    expect(follower.byClass.write.ops).toBe(0);
    expect(follower.goal).toMatchObject({ met: true });
    expect(leader.byClass.write.maxMs).toBe(750);
  });

  it('judges transactions of several requests against their own no-fault p99, not against single writes', () => {
    const ops = calm(5_000, 9_000, 4);
    for (let t = 0; t < 20_000; t += 500) if (t < 5_000 - 300 || t > 9_000) ops.push(op('transfer', 'gateway', t, t + 300));
    ops.push(op('transfer', 'gateway', 5_100, 5_500), op('put', 'gateway', 5_100, 5_107));
    const events = [fault('partition', 'isolate-storage', 's2 isolated (follower)', 5_000, 7_000)];
    const [met] = availability(events, ops).faults;
    expect(met.byClass.write.p99Ms).toBe(7);
    expect(met.byClass.transaction.p99Ms).toBe(400);
    expect(met.goal).toMatchObject({ met: true });
    const [missed] = availability(events, [...ops, op('transfer', 'gateway', 5_200, 5_900)]).faults;
    expect(missed.goal).toMatchObject({ met: false });
  });
});
