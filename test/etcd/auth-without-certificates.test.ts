import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect } from '../../src/client/client.js';
import { UnauthenticatedError } from '../../src/errors.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster, testClientTls } from '../support/local-cluster.js';

// A cluster whose endpoints take TLS clients without certificates (no --client-cert-auth): once
// authentication is on, a client that brings neither a certificate nor a token is told who it
// must be, on etcd's API and on quorumkv's.

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ storage: 1, writers: 1 }, { clientCertAuth: false });
}, 120_000);

afterAll(async () => {
  if (cluster) await stopTestCluster(cluster);
}, 30_000);

/** etcdctl with the cluster's CA and no client certificate. */
async function etcdctl(...args: string[]): Promise<{ code: number; out: string }> {
  const argv = [`--endpoints=${cluster.topology.gateway.listen}`, `--cacert=${testClientTls().trustedCaFile}`, '--command-timeout=10s', ...args];
  try {
    const { stdout, stderr } = await promisify(execFile)('etcdctl', argv, { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 30_000 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? String(error)}` };
  }
}

it('refuses a client without credentials once authentication is on: UNAUTHENTICATED, or etcd\'s "user name is empty"', { timeout: 60_000 }, async () => {
  for (const args of [['user', 'add', 'root:root-password'], ['role', 'add', 'root'], ['user', 'grant-role', 'root', 'root'], ['put', 'a', '1'], ['auth', 'enable']]) {
    const result = await etcdctl(...args);
    expect(result.code, `etcdctl ${args.join(' ')}: ${result.out}`).toBe(0);
  }
  const anonymous = await etcdctl('get', 'a');
  expect(anonymous.code).not.toBe(0);
  expect(anonymous.out).toMatch(/etcdserver: user name is empty/);

  const client = connect({ endpoints: [cluster.topology.gateway.listen], tls: { trustedCaFile: testClientTls().trustedCaFile }, timeoutMs: 10_000 });
  try {
    const refused = await client.get('a').then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(UnauthenticatedError);
  } finally {
    client.close();
  }

  const root = await etcdctl('--user=root:root-password', 'get', 'a', '--print-value-only');
  expect(root.out).toBe('1\n');
});
