import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdCluster, etcdVersion } from '../../src/bench/etcd-cluster.js';
import { benchKey } from '../../src/bench/keyspace.js';
import { resolveBenchOptions, type BenchInput } from '../../src/bench/options.js';
import { runBench } from '../../src/bench/runner.js';
import { EtcdTarget } from '../../src/bench/target-etcd.js';
import { CLI_ENTRY } from '../../src/proto/root.js';

// The etcd target against a real single-member etcd. Needs the etcd binary (Debian: etcd-server).
const hasEtcd = etcdVersion() !== undefined;
if (!hasEtcd) console.warn('skipping the etcd target tests: no `etcd` binary on PATH (install it with `apt-get install -y etcd-server`, or set ETCD_BIN)');
const run = promisify(execFile);

describe.skipIf(!hasEtcd)('bench --target etcd against a real etcd', () => {
  let etcd: EtcdCluster;
  let dir: string;
  let endpoints: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quorumkv-etcd-test-'));
    etcd = await EtcdCluster.start(dir, { members: 1 });
    endpoints = etcd.endpoints.join(',');
  }, 30_000);

  afterAll(async () => {
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 15_000);

  async function bench(input: BenchInput) {
    const config = resolveBenchOptions({ target: 'etcd', endpoints, clients: '4', connections: '2', warmup: '0s', ops: '50', keys: '200', ...input });
    const target = new EtcdTarget(config);
    try {
      return { config, target, result: await runBench(config, target) };
    } finally {
      target.close();
    }
  }

  it.each([
    [{ workload: 'put' }],
    [{ workload: 'get', consistency: 'linearizable' }],
    [{ workload: 'get', consistency: 'serializable' }],
    [{ workload: 'mixed' }],
    [{ workload: 'range', rangeKeys: '25' }],
  ])('%j runs with no errors', async (input) => {
    const { result } = await bench(input);
    expect(result.errors).toEqual({});
    expect(result.ops).toBe(50);
    expect(result.throughput).toBeGreaterThan(0);
  });

  it('txn increments with a mod-revision compare add up under contention', async () => {
    const config = resolveBenchOptions({ target: 'etcd', endpoints, workload: 'txn', clients: '6', hotKeys: '2', ops: '60', warmup: '0s' });
    const target = new EtcdTarget(config);
    try {
      const result = await runBench(config, target);
      expect(result.errors).toEqual({});
      expect(result.conflictRate).toBeGreaterThan(0);
      const sum = (await target.readInteger(0, benchKey(0, config.keySizeBytes))) + (await target.readInteger(0, benchKey(1, config.keySizeBytes)));
      expect(sum).toBe(60);
    } finally {
      target.close();
    }
  }, 30_000);

  it('`bench --target etcd --json` prints the result', async () => {
    const { stdout } = await run(process.execPath, [CLI_ENTRY, 'bench', 'put', '--target', 'etcd', '--endpoints', endpoints, '--ops', '30', '--warmup', '0s', '--json'], { timeout: 20_000 });
    expect(JSON.parse(stdout)).toMatchObject({ target: 'etcd', workload: 'put', ops: 30, errors: {} });
  }, 25_000);
});
