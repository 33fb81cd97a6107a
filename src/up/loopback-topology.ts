import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Topology } from './topology.js';

// Topologies on free loopback ports, for clusters that tests, benchmarks and chaos runs start.

/**
 * Ports free right now on loopback, for processes that will listen on them shortly. They are
 * taken below the kernel's ephemeral range: a port from that range, once released, can become the
 * local port of any outgoing connection before its process binds it.
 */
export async function freePorts(count: number): Promise<number[]> {
  if (!(Number.isInteger(count) && count > 0 && count <= 1_000)) throw new Error(`freePorts: count must be 1 to 1000, got ${count}`);
  const low = ephemeralPortsFrom();
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count; attempt++) {
    if (attempt > count * 50) throw new Error(`freePorts: found only ${ports.size} of ${count} free ports below ${low}`);
    const port = LISTEN_PORTS_FROM + Math.floor(Math.random() * (low - LISTEN_PORTS_FROM));
    if (!ports.has(port) && (await canListen(port))) ports.add(port);
  }
  return [...ports];
}

/** Where random listening ports start; below it are well-known and registered services. */
const LISTEN_PORTS_FROM = 20_000;

/** The lowest local port the kernel gives outgoing connections (Linux's default elsewhere). */
export function ephemeralPortsFrom(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (low > LISTEN_PORTS_FROM + 1_000) return low;
  } catch {
    // Not Linux, or no /proc.
  }
  return 32_768;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface ClusterShape {
  storage: number;
  writers: number;
  readers?: number;
  /** Extra flags for every storage member. */
  storageFlags?: string[];
}

/** Storage members spread over three zones, writers, readers and a gateway with both endpoints. */
export async function loopbackTopology(shape: ClusterShape, cluster: string): Promise<Topology> {
  const readers = shape.readers ?? 0;
  const processes = shape.storage + shape.writers + readers + 1;
  const ports = await freePorts(processes * 2 + 1);
  const at = (i: number) => ({ listen: `127.0.0.1:${ports[2 * i]}`, metrics: `127.0.0.1:${ports[2 * i + 1]}` });
  const zones = ['zone-a', 'zone-b', 'zone-c'];
  return {
    cluster,
    storage: Array.from({ length: shape.storage }, (_, i) => ({ id: `s${i + 1}`, zone: zones[i % 3], ...at(i), ...(shape.storageFlags ? { flags: shape.storageFlags } : {}) })),
    writers: Array.from({ length: shape.writers }, (_, i) => ({ id: `w${i + 1}`, ...at(shape.storage + i) })),
    readers: Array.from({ length: readers }, (_, i) => ({ id: `r${i + 1}`, zone: zones[i % 3], ...at(shape.storage + shape.writers + i) })),
    gateway: { id: 'g1', ...at(processes - 1), readerListen: `127.0.0.1:${ports[processes * 2]}` },
  };
}
