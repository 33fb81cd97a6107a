import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../../src/up/local-cluster.js';
import type { Topology } from '../../src/up/topology.js';

/** Ports the kernel says are free right now (each bound to port 0, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<import('node:net').Server>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** A loopback topology on free ports. */
export interface ClusterShape {
  storage: number;
  writers: number;
  readers?: number;
  /** Extra flags for every storage member. */
  storageFlags?: string[];
}

export async function testTopology(shape: ClusterShape): Promise<Topology> {
  const readers = shape.readers ?? 0;
  const processes = shape.storage + shape.writers + readers + 1;
  const ports = await freePorts(processes * 2 + 1);
  const at = (i: number) => ({ listen: `127.0.0.1:${ports[2 * i]}`, metrics: `127.0.0.1:${ports[2 * i + 1]}` });
  const zones = ['zone-a', 'zone-b', 'zone-c'];
  return {
    cluster: 'test',
    storage: Array.from({ length: shape.storage }, (_, i) => ({ id: `s${i + 1}`, zone: zones[i % 3], ...at(i), ...(shape.storageFlags ? { flags: shape.storageFlags } : {}) })),
    writers: Array.from({ length: shape.writers }, (_, i) => ({ id: `w${i + 1}`, ...at(shape.storage + i) })),
    readers: Array.from({ length: readers }, (_, i) => ({ id: `r${i + 1}`, zone: zones[i % 3], ...at(shape.storage + shape.writers + i) })),
    gateway: { id: 'g1', ...at(processes - 1), readerListen: `127.0.0.1:${ports[processes * 2]}` },
  };
}

/** A cluster in a fresh temporary data directory, with process output in log files there. */
export async function startTestCluster(shape: ClusterShape): Promise<LocalCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quorumkv-test-'));
  const cluster = new LocalCluster(await testTopology(shape), dataDir, {
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
