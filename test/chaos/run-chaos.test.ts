import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileChaosOptions } from '../../src/chaos/options.js';
import { runChaos, type ChaosResult } from '../../src/chaos/run-chaos.js';

// Real chaos runs, short and with fixed seeds: one on the real store that must pass, one on a
// store with a deliberate defect (retried writes applied again) that must fail. Seeds were chosen
// so that the schedules cover what matters: seed 37 isolates a storage member, kills the storage
// leader and pauses the storage leader while leases are renewed, revoked and left to expire; seed
// 4 pauses and isolates storage members while counter adds are retried by the gateway and the
// writers.

const outDirs: string[] = [];
const quiet = () => {};

function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quorumkv-chaos-'));
  outDirs.push(dir);
  return dir;
}

function explain(result: ChaosResult): string {
  const checks = result.report.checks as Record<string, { ok: unknown; summary: string }>;
  return `${result.verdict}: ${Object.entries(checks).map(([k, c]) => `${k} ${c.ok}: ${c.summary}`).join('; ')} (report in ${result.outDir})`;
}

describe('chaos runs on real processes', () => {
  afterEach((context) => {
    // Keep the output of a failing run for a look; remove the rest.
    const dir = outDirs.pop();
    if (dir !== undefined && context.task.result?.state !== 'fail') rmSync(join(dir, 'cluster'), { recursive: true, force: true });
  });

  it('passes on the real store with kills, pauses and partitions (seed 37)', async () => {
    // The seed's first three faults, with 5 s of room after the 20 s they were planned in: a killed
    // member slow to come back on a busy machine must not push the last one past the end.
    const config = compileChaosOptions({ seed: 37, duration: '25s', faults: 'kill,pause,partition', out: outDir() });
    const result = await runChaos(config, { log: quiet, progress: quiet, schedule: { maxFaults: 3 } });
    expect(result.verdict, explain(result)).toBe('pass');
    const report = JSON.parse(readFileSync(join(result.outDir, 'report.json'), 'utf8'));
    expect(report.faults.map((f: { kind: string }) => f.kind)).toEqual(['partition', 'kill', 'pause']);
    expect(report.faults.every((f: { error?: string }) => f.error === undefined)).toBe(true);
    // Enough operations that every checker had material; pacing itself is the liveness check's job.
    expect(report.ops.byOutcome.ok).toBeGreaterThan(100);
    expect(Object.keys(report.checks).sort()).toEqual(['bank', 'counter', 'history', 'lease', 'liveness', 'processes', 'register', 'replicas', 'set']);
    // The lease checker had leases that expired under the faults, not only revoked ones.
    const lease = report.checks.lease.detail;
    expect(lease.expired, report.checks.lease.summary).toBeGreaterThan(0);
    expect(lease.renewals).toBeGreaterThan(0);
    const html = readFileSync(join(result.outDir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('kill:storage-leader');
    expect(readFileSync(join(result.outDir, 'history.jsonl'), 'utf8').split('\n').length).toBe(report.ops.total + 1);
  }, 80_000);

  it('crashes the storage leader at a failpoint while it runs, and loses nothing acknowledged (seed 2)', async () => {
    // Seed 2 arms the leader to crash between sending its appends and saving them itself.
    const config = compileChaosOptions({ seed: 2, duration: '12s', faults: 'crash:storage-leader', workload: 'register,set', out: outDir() });
    const result = await runChaos(config, { log: quiet, progress: quiet, schedule: { maxFaults: 1 } });
    expect(result.verdict, explain(result)).toBe('pass');
    const report = JSON.parse(readFileSync(join(result.outDir, 'report.json'), 'utf8'));
    const [crash] = report.faults;
    expect(crash).toMatchObject({ kind: 'crash', failpoint: 'send-before-save' });
    expect(crash.error).toBeUndefined();
    // It crashed there by its own hand, which is no unexpected exit, and came back.
    expect(crash.crashedMs).toBeGreaterThanOrEqual(crash.startMs);
    expect(crash.readyMs).toBeGreaterThan(crash.crashedMs);
    expect(report.unexpectedExits).toEqual([]);
    expect(report.ops.byOutcome.ok).toBeGreaterThan(50);
  }, 80_000);

  it('fails when storage re-applies retried writes (defect weak-dedupe, seed 4)', async () => {
    const config = compileChaosOptions({ seed: 4, duration: '20s', faults: 'pause:storage-leader,partition:isolate-storage', workload: 'set,counter', defect: 'weak-dedupe', out: outDir() });
    const result = await runChaos(config, { log: quiet, progress: quiet });
    expect(result.verdict, explain(result)).toBe('fail');
    const checks = result.report.checks as Record<string, { ok: unknown }>;
    expect(checks.counter.ok, explain(result)).toBe(false);
    expect(checks.liveness.ok).toBe(true);
  }, 80_000);
});
