import { describe, expect, it } from 'vitest';
import { History } from '../../src/chaos/history.js';
import { CompactedRevisionError } from '../../src/errors.js';
import { historyWorkload } from '../../src/chaos/workloads/history.js';
import type { WorkloadContext } from '../../src/chaos/workloads/workload.js';

// The history checker on hand-made histories: a read at an old revision must return exactly the
// version acknowledged at that revision; a refused read (compacted) is no error.

function context(): WorkloadContext {
  return { history: new History(performance.now()), endpoints: [], prefix: 'h/', stopped: () => true, control: undefined as never, finalReadTimeoutMs: 0 };
}

function put(ctx: WorkloadContext, key: string, revision: number, digest: string, bytes = 100) {
  ctx.history.begin({ workload: 'history', worker: 'w', endpoint: 'gateway', f: 'put', key, args: { bytes, digest } }).ok({ revision });
}

function readAt(ctx: WorkloadContext, key: string, revision: number, output: unknown, f = 'read-at') {
  ctx.history.begin({ workload: 'history', worker: 'w', endpoint: 'reader', f, key, args: { revision } }).ok(output);
}

describe('history workload checker', () => {
  it('passes reads that return the version written at their revision, and counts refusals', async () => {
    const ctx = context();
    put(ctx, 'h/k0', 5, 'aaaa', 300_000);
    put(ctx, 'h/k0', 9, 'bbbb');
    readAt(ctx, 'h/k0', 5, { found: true, modRevision: 5, digest: 'aaaa' });
    readAt(ctx, 'h/k0', 9, { found: true, modRevision: 9, digest: 'bbbb' }, 'txn-read-at');
    ctx.history.begin({ workload: 'history', worker: 'w', endpoint: 'w1', f: 'txn-read-at', key: 'h/k0', args: { revision: 5 } }).error(new CompactedRevisionError('required revision 5 has been compacted'), true);
    const verdict = await historyWorkload.check(ctx);
    expect(verdict.ok, verdict.summary).toBe(true);
    expect(verdict.detail).toMatchObject({ versions: 2, large: 1, checked: 2, refused: 1 });
  });

  it('fails a read that returned another version, a later one, or nothing', async () => {
    for (const output of [
      { found: true, modRevision: 5, digest: 'bbbb' },
      { found: true, modRevision: 9, digest: 'bbbb' },
      { found: false },
    ]) {
      const ctx = context();
      put(ctx, 'h/k0', 5, 'aaaa');
      put(ctx, 'h/k0', 9, 'bbbb');
      readAt(ctx, 'h/k0', 5, output);
      const verdict = await historyWorkload.check(ctx);
      expect(verdict.ok, JSON.stringify(output)).toBe(false);
      expect(verdict.summary).toMatch(/1 did not/);
    }
  });
});
