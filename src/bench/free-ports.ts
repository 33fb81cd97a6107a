import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Topology } from '../up/topology.js';

/** Ports the kernel says are free right now on loopback (each bound to port 0, then released). */
export async function freePorts(count: number): Promise<number[]> {
  if (!(Number.isInteger(count) && count > 0 && count <= 1_000)) throw new Error(`freePorts: count must be 1 to 1000, got ${count}`);
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<Server>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** A loopback quorumkv topology on free ports: `storage` voters in three zones, `writers`, one gateway. */
export async function loopbackTopology(shape: { storage: number; writers: number }, cluster = 'bench'): Promise<Topology> {
  const processes = shape.storage + shape.writers + 1;
  const ports = await freePorts(processes * 2);
  const at = (i: number) => ({ listen: `127.0.0.1:${ports[2 * i]}`, metrics: `127.0.0.1:${ports[2 * i + 1]}` });
  const zones = ['zone-a', 'zone-b', 'zone-c'];
  const topology = {
    cluster,
    storage: Array.from({ length: shape.storage }, (_, i) => ({ id: `s${i + 1}`, zone: zones[i % 3], ...at(i) })),
    writers: Array.from({ length: shape.writers }, (_, i) => ({ id: `w${i + 1}`, ...at(shape.storage + i) })),
    readers: [],
    gateway: { id: 'g1', ...at(processes - 1) },
  };
  return topology;
}
