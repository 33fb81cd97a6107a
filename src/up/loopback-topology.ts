import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Topology } from './topology.js';

// Topologies on free loopback ports, for clusters that tests, benchmarks and chaos runs start.

/** Ports the kernel says are free right now on loopback (each bound to port 0, then released). */
export async function freePorts(count: number): Promise<number[]> {
  if (!(Number.isInteger(count) && count > 0 && count <= 1_000)) throw new Error(`freePorts: count must be 1 to 1000, got ${count}`);
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
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
