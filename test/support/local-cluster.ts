import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../../src/up/local-cluster.js';
import { loopbackTopology, type ClusterShape } from '../../src/up/loopback-topology.js';

export { freePorts } from '../../src/up/loopback-topology.js';

/** A cluster in a fresh temporary data directory, with process output in log files there. */
export async function startTestCluster(shape: ClusterShape): Promise<LocalCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quorumkv-test-'));
  const cluster = new LocalCluster(await loopbackTopology(shape, 'test'), dataDir, {
    output: 'files',
    onUnexpectedExit: (name, code, signal) => process.stderr.write(`${name} exited unexpectedly (${signal ?? code})\n`),
  });
  cluster.startAll();
  try {
    await cluster.waitReady();
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
