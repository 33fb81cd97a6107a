import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchKey } from '../../src/bench/keyspace.js';
import { resolveBenchOptions } from '../../src/bench/options.js';
import { runBench } from '../../src/bench/runner.js';
import { QuorumkvTarget } from '../../src/bench/target-quorumkv.js';
import { CLI_ENTRY } from '../../src/proto/root.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster } from '../support/local-cluster.js';

const run = promisify(execFile);

describe('quorumkv bench against a real cluster', () => {
  let cluster: LocalCluster;
  let endpoint: string;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1 });
    endpoint = cluster.topology.gateway.listen;
  }, 60_000);

  afterAll(async () => {
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('`bench --json --ops 200` prints one JSON object with a throughput and no errors', async () => {
    const { stdout, stderr } = await run(process.execPath, [CLI_ENTRY, 'bench', '--json', '--ops', '200', '--warmup', '0s', '--clients', '8', '--endpoint', endpoint], { timeout: 30_000 });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]);
    expect(result).toMatchObject({ target: 'quorumkv', workload: 'put', ops: 200, errors: {} });
    expect(result.throughput).toBeGreaterThan(0);
    expect(result.latencyMs.p99).toBeGreaterThan(0);
    expect(result.latencyMs.p99).toBeLessThanOrEqual(result.latencyMs.max);
    expect(stderr).toMatch(/quorumkv put: [\d,]+ ops\/s/);
  }, 40_000);

  it('txn increments through runTransaction add up: every committed increment is in the counters', async () => {
    const config = resolveBenchOptions({ workload: 'txn', endpoint, clients: '6', connections: '2', hotKeys: '3', ops: '60', warmup: '0s' });
    const target = new QuorumkvTarget(config);
    try {
      const result = await runBench(config, target);
      expect(result.errors).toEqual({});
      expect(result.ops).toBe(60);
      expect(result.conflictRate).toBeGreaterThanOrEqual(0);
      let sum = 0;
      for (let i = 0; i < config.hotKeys; i++) sum += await target.readInteger(0, benchKey(i, config.keySizeBytes));
      expect(sum).toBe(60);
    } finally {
      target.close();
    }
  }, 40_000);

  it('get (serializable) and range read the pre-populated keys', async () => {
    for (const input of [{ workload: 'get', consistency: 'serializable' }, { workload: 'range', rangeKeys: '20' }]) {
      const config = resolveBenchOptions({ ...input, endpoint, keys: '200', clients: '4', ops: '40', warmup: '0s' });
      const target = new QuorumkvTarget(config);
      try {
        const result = await runBench(config, target);
        expect(result.errors, input.workload).toEqual({});
        expect(result.ops).toBe(40);
      } finally {
        target.close();
      }
    }
  }, 40_000);
});
