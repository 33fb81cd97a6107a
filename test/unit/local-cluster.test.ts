import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCluster } from '../../src/up/local-cluster.js';
import { freePorts, loopbackTopology } from '../../src/up/loopback-topology.js';

describe('LocalCluster', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('says how a process that exits while starting ended, with its last lines of stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorumkv-local-cluster-'));
    dirs.push(dir);
    const cluster = new LocalCluster(await loopbackTopology({ storage: 1, writers: 1 }, 'test'), dir, { output: 'files' });
    const [metrics] = await freePorts(1);
    // A storage member with a bad option: the command line parser refuses it and exits.
    cluster.add({ name: 'bad', role: 'storage', metrics: `127.0.0.1:${metrics}`, args: ['storage', '--id=bad', '--listen=127.0.0.1:1', '--peers=bad=127.0.0.1:1', `--data-dir=${join(dir, 'bad')}`, '--election-ticks=1'] });
    cluster.startAll(['bad']);
    await expect(cluster.waitReady(['bad'], 10_000)).rejects.toThrow(/bad is not running \(exited with code \d+: .*--election-ticks must be more than/);
    await cluster.stopAll();
  });
});
