import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { armFailpoints, failpoint, FailpointError, FAILPOINTS, parseFailpoints, recordedFailpoints } from '../../src/failpoints.js';

describe('failpoints', () => {
  afterEach(() => armFailpoints(''));

  it('do nothing unarmed: nothing to wait for', () => {
    for (const name of FAILPOINTS) expect(failpoint(name)).toBeUndefined();
  });

  it('parse every action, counts and the wildcard; refuse unknown points and actions', () => {
    const armed = parseFailpoints('raft-save-after=crash, apply-flush-before=delay(25),install-activate-after=2*error');
    expect(armed.get('raft-save-after')).toEqual({ action: { kind: 'crash' }, remaining: Infinity });
    expect(armed.get('apply-flush-before')).toEqual({ action: { kind: 'delay', ms: 25 }, remaining: Infinity });
    expect(armed.get('install-activate-after')).toEqual({ action: { kind: 'error' }, remaining: 2 });
    expect([...parseFailpoints('*=1*delay(1)').keys()]).toEqual([...FAILPOINTS]);
    expect(() => parseFailpoints('raft-save=crash')).toThrow(/does not exist/);
    expect(() => parseFailpoints('raft-save-after=explode')).toThrow(/expected NAME=/);
  });

  it('fail where armed, as many times as asked', async () => {
    armFailpoints('raft-save-before=2*error');
    await expect(failpoint('raft-save-before')).rejects.toBeInstanceOf(FailpointError);
    await expect(failpoint('raft-save-before')).rejects.toThrow('failpoint raft-save-before: error');
    expect(failpoint('raft-save-before')).toBeUndefined();
    expect(failpoint('raft-save-after')).toBeUndefined();
  });

  it('delay where armed', async () => {
    armFailpoints('apply-flush-after=delay(30)');
    const started = performance.now();
    await failpoint('apply-flush-after');
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('with a record file, fire each point once between the processes that share it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failpoints-'));
    const record = join(dir, 'fired');
    try {
      armFailpoints('*=error', record);
      await expect(failpoint('compaction-batch-before')).rejects.toThrow(FailpointError);
      expect(failpoint('compaction-batch-before')).toBeUndefined();
      // Another process with the same record: the fired point stays quiet, the others fire.
      armFailpoints('*=error', record);
      expect(failpoint('compaction-batch-before')).toBeUndefined();
      await expect(failpoint('send-before-save')).rejects.toThrow(FailpointError);
      expect(readFileSync(record, 'utf8')).toBe('compaction-batch-before\nsend-before-save\n');
      expect(recordedFailpoints(record)).toEqual(new Set(['compaction-batch-before', 'send-before-save']));
      // A point another process claimed and has not recorded yet (it is between the two) stays quiet too.
      writeFileSync(`${record}.apply-flush-after`, '');
      expect(failpoint('apply-flush-after')).toBeUndefined();
      expect(recordedFailpoints(record).has('apply-flush-after')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
