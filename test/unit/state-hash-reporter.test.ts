import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { checkpointRevision, hashGaugeValue, StateHashReporter } from '../../src/observability/state-hash-reporter.js';

describe('the state hash gauge of a storage member', () => {
  it('hashes at the last multiple of the step, never below revision 1 or the compacted revision, never above the current one', () => {
    expect(checkpointRevision(1, 0, 1000)).toBe(1);
    expect(checkpointRevision(999, 0, 1000)).toBe(1);
    expect(checkpointRevision(1000, 0, 1000)).toBe(1000);
    expect(checkpointRevision(2500, 0, 1000)).toBe(2000);
    expect(checkpointRevision(2500, 2100, 1000)).toBe(2100);
    expect(checkpointRevision(0, 0, 1000)).toBe(0);
  });

  it('turns a sha256 hex digest into an exact 48-bit number', () => {
    expect(hashGaugeValue('ffffffffffff' + '0'.repeat(52))).toBe(2 ** 48 - 1);
    expect(hashGaugeValue('000000000001abc')).toBe(1);
    expect(() => hashGaugeValue('xyz')).toThrow(/not a hex digest/);
  });

  it('reports one series, labelled with the revision hashed, and moves it when the checkpoint moves', async () => {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'h', help: 'h', labelNames: ['revision'] as const, registers: [registry] });
    let current = 1500;
    const hashed: number[] = [];
    const reporter = new StateHashReporter(gauge, {
      hashAt: async (revision) => (hashed.push(revision), { hash: revision.toString(16).padStart(12, '0').padEnd(64, '0'), revision, compactRevision: 0 }),
      currentRevision: async () => current,
    });
    await reporter.check();
    await reporter.check();
    expect(hashed).toEqual([1000]);
    current = 2001;
    await reporter.check();
    expect(hashed).toEqual([1000, 2000]);
    expect((await gauge.get()).values).toEqual([{ labels: { revision: '2000' }, value: 2000 }]);
  });

  it('after a checkpoint compacted away, hashes from the compacted revision on', async () => {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'h', help: 'h', labelNames: ['revision'] as const, registers: [registry] });
    const reporter = new StateHashReporter(gauge, {
      hashAt: async (revision) => {
        if (revision < 1200) throw new Error(`revision ${revision} is compacted`);
        return { hash: 'ab'.repeat(32), revision, compactRevision: 1200 };
      },
      currentRevision: async () => 1500,
    });
    await reporter.check();
    expect((await gauge.get()).values).toEqual([]);
    await reporter.check();
    expect((await gauge.get()).values).toEqual([{ labels: { revision: '1200' }, value: hashGaugeValue('ab'.repeat(32)) }]);
  });
});
