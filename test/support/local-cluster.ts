import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { caPaths, clientCertificatePaths, nodeCertificatePaths } from '../../src/security/cert-files.js';
import { NODE_ROLES, type Role, STORAGE_ROLES } from '../../src/security/roles.js';
import { channelCredentials } from '../../src/security/tls.js';
import type { ClientTls } from '../../src/security/tls-flags.js';
import { LocalCluster } from '../../src/up/local-cluster.js';
import { TEST_RUN_DIR_ENV } from './global-setup.js';
import { loopbackTopology, type ClusterShape } from '../../src/up/loopback-topology.js';

export { freePorts } from '../../src/up/loopback-topology.js';

let sharedCertsDir: string | undefined;

/**
 * One certificates folder for every test cluster of this test process (a CA, a certificate per
 * process id, one for root), named in $QUORUMKV_CERTS_DIR so that clients find it as the CLI does.
 */
export function testCertsDir(): string {
  if (!sharedCertsDir) {
    // Inside the run's folder, which the run removes at its end even when this process cannot;
    // a test process started without it (another runner) removes its own folder on exit.
    const runDir = process.env[TEST_RUN_DIR_ENV];
    const dir = mkdtempSync(join(runDir ?? tmpdir(), 'quorumkv-test-certs-'));
    if (!runDir) process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    process.env.QUORUMKV_CERTS_DIR = dir;
    sharedCertsDir = dir;
  }
  return sharedCertsDir;
}

/** The root user's TLS files, as the CLI finds them, for clients a test builds itself. */
export function testClientTls(): ClientTls {
  const dir = testCertsDir();
  return { trustedCaFile: caPaths(dir).certFile, ...clientCertificatePaths(dir, 'root') };
}

/** Channel credentials of the root user, for grpc-js clients a test builds itself (to any process of the cluster). */
export function testClientCredentials(): grpc.ChannelCredentials {
  return channelCredentials(testClientTls(), undefined, NODE_ROLES);
}

/** Channel credentials of process `role`.`id` of a running test cluster, to call a storage member as it would. */
export function testPeerCredentials(role: Role, id: string): grpc.ChannelCredentials {
  const dir = testCertsDir();
  return channelCredentials({ trustedCaFile: caPaths(dir).certFile, ...nodeCertificatePaths(dir, role, id) }, undefined, STORAGE_ROLES);
}

/**
 * A cluster in a fresh temporary data directory, with process output in log files there. TLS is
 * on, as it is by default: mutual TLS between processes, client certificates at the endpoints.
 */
export async function startTestCluster(
  shape: ClusterShape,
  options: { security?: 'tls' | 'insecure'; clientCertAuth?: boolean; /** Processes the test starts itself, later. */ later?: string[] } = {},
): Promise<LocalCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quorumkv-test-'));
  const security = options.security ?? 'tls';
  const cluster = new LocalCluster(await loopbackTopology(shape, 'test'), dataDir, {
    output: 'files',
    onUnexpectedExit: (name, code, signal) => process.stderr.write(`${name} exited unexpectedly (${signal ?? code})\n`),
    security,
    clientCertAuth: options.clientCertAuth,
    ...(security === 'tls' ? { certsDir: testCertsDir() } : {}),
  });
  const first = cluster.names.filter((name) => !options.later?.includes(name));
  cluster.startAll(first);
  try {
    await cluster.waitReady(first);
  } catch (error) {
    await stopTestCluster(cluster, { keepData: true });
    throw new Error(`${(error as Error).message}\n${processLogs(cluster)}`);
  }
  return cluster;
}

export async function stopTestCluster(cluster: LocalCluster, options: { keepData?: boolean } = {}): Promise<void> {
  await cluster.stopAll(5_000);
  if (!options.keepData) rmSync(cluster.dataDir, { recursive: true, force: true });
}

/** The tail of every process's log, for a failure message. */
export function processLogs(cluster: LocalCluster, lines = 30): string {
  const dir = join(cluster.dataDir, 'logs');
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return '(no process logs)';
  }
  return files
    .map((file) => `--- ${file}\n${readFileSync(join(dir, file), 'utf8').split('\n').slice(-lines).join('\n')}`)
    .join('\n');
}

/** Retries `attempt` until it resolves or `timeoutMs` passes; returns its value and the time taken. */
export async function eventually<T>(timeoutMs: number, attempt: () => Promise<T>, pauseMs = 50): Promise<{ value: T; elapsedMs: number }> {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      return { value: await attempt(), elapsedMs: Date.now() - started };
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
  throw new Error(`still failing after ${timeoutMs} ms: ${(lastError as Error)?.message ?? lastError}`);
}
