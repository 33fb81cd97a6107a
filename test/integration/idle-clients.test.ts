import { readFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import { MAX_STREAMS_PER_CONNECTION } from '../../src/gateway/relay-server.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// Clients that hold resources and do nothing with them: many idle connections, many streams that
// never send their request, a client that never reads its answers. The gateway's memory stays
// bounded and every other client is still served.

const IDLE_CONNECTIONS = 1_000;
const SILENT_STREAMS = 10_000;
/** What the gateway may grow by while holding all of them (it holds no request bodies). */
const MAX_GROWTH_BYTES = 200 * 1024 * 1024; // measured: 79 MiB for the idle ones, 7 MiB for the unread answers

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

function open(address: string): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${address}`);
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

describe('idle and silent clients', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;
  let gatewayPid: number;
  const sessions: http2.ClientHttp2Session[] = [];

  beforeAll(async () => {
    // Plaintext: the relay's bounds are the same behind TLS, and a thousand handshakes would only
    // add CPU to a loaded machine; TLS on the relay is covered in tls.test.ts.
    cluster = await startTestCluster({ storage: 3, writers: 1 }, { security: 'insecure' });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000, tls: false });
    gatewayPid = cluster.pidOf(cluster.topology.gateway.id)!;
  }, 60_000);

  afterAll(async () => {
    for (const session of sessions) session.destroy();
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it(`holds ${IDLE_CONNECTIONS} idle connections and ${SILENT_STREAMS} streams that send nothing, with bounded memory, and still serves others`, async () => {
    const gateway = cluster.topology.gateway.listen;
    await client.put('idle/before', 'v');
    const before = rssBytes(gatewayPid);
    for (let i = 0; i < IDLE_CONNECTIONS; i += 50) {
      sessions.push(...(await Promise.all(Array.from({ length: 50 }, () => open(gateway)))));
    }
    // Streams whose headers arrive and whose request body never does, as many as a connection allows.
    const perConnection = Math.min(MAX_STREAMS_PER_CONNECTION, 1_000);
    for (let opened = 0, s = 0; opened < SILENT_STREAMS; s++) {
      const session = sessions[s];
      for (let j = 0; j < perConnection && opened < SILENT_STREAMS; j++, opened++) {
        const stream = session.request({ ':method': 'POST', ':path': '/quorumkv.v1.KV/Put', 'content-type': 'application/grpc', te: 'trailers' });
        stream.on('error', () => {});
      }
    }
    // Let the gateway take every stream in before looking at it.
    await new Promise<void>((resolve) => sessions[0].ping(() => resolve()));
    const started = Date.now();
    await client.put('idle/during', 'v');
    expect((await client.get('idle/during'))?.value.toString()).toBe('v');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(rssBytes(gatewayPid) - before).toBeLessThan(MAX_GROWTH_BYTES);
  }, 120_000);

  it('keeps serving while a client never reads the answers it asked for', async () => {
    const gateway = cluster.topology.gateway.listen;
    const big = Buffer.alloc(512 * 1024, 'x');
    await client.put('idle/big', big);
    // A connection with a tiny receive window that never reads: the answers back up at the gateway.
    const session = http2.connect(`http://${gateway}`, { settings: { initialWindowSize: 1024 } });
    sessions.push(session);
    const { KV } = await import('../../src/proto/services.js');
    const { grpcFrame } = await import('../../src/rpc/raw-grpc.js');
    const body = grpcFrame(KV.service.Range.requestSerialize({ key: Buffer.from('idle/big') }));
    const before = rssBytes(gatewayPid);
    for (let i = 0; i < 200; i++) {
      const stream = session.request({ ':method': 'POST', ':path': '/quorumkv.v1.KV/Range', 'content-type': 'application/grpc', te: 'trailers' });
      stream.on('error', () => {});
      stream.pause();
      stream.end(body);
    }
    await new Promise<void>((resolve) => session.ping(() => resolve()));
    await client.put('idle/after', 'v');
    expect((await client.get('idle/after'))?.value.toString()).toBe('v');
    // 200 answers of 512 KiB that cannot be delivered: bounded by HTTP/2 flow control and session memory.
    expect(rssBytes(gatewayPid) - before).toBeLessThan(MAX_GROWTH_BYTES);
  }, 60_000);
});
