import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import { KV } from '../../src/proto/services.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricSum } from '../../src/bench/capacity.js';
import { runH2load } from '../../src/bench/h2load.js';
import { HealthClient } from '../../src/rpc/health-client.js';
import { startTestCluster, stopTestCluster } from '../support/local-cluster.js';
import { grpcFrame, rawCall } from '../../src/rpc/raw-grpc.js';

// Requests as native HTTP/2 tools send them (h2load, nghttp, curl): with `content-length`, with
// bytes that are no protobuf message. Each gets a clear status, and a bad one changes nothing.

const GRPC_OK = 0;
const GRPC_INVALID_ARGUMENT = 3;
const PUT = '/quorumkv.v1.KV/Put';
const RANGE = '/quorumkv.v1.KV/Range';

const encodePut = (key: string, value: string) => KV.service.Put.requestSerialize({ key: Buffer.from(key), value: Buffer.from(value) });
const encodeRange = (key: string) => KV.service.Range.requestSerialize({ key: Buffer.from(key) });

describe('raw HTTP/2 requests', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;
  let gateway: string;
  let writer: string;

  beforeAll(async () => {
    // Plaintext: these are the bytes h2load, nghttp and curl send over h2c, and h2load cannot
    // present a client certificate. The same relay over TLS is covered in test/integration/tls.test.ts.
    cluster = await startTestCluster({ storage: 3, writers: 1, readers: 1 }, { security: 'insecure' });
    gateway = cluster.topology.gateway.listen;
    writer = cluster.topology.writers[0].listen;
    client = connect({ endpoints: [gateway], timeoutMs: 10_000, tls: false });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('applies a put sent with content-length through the cluster endpoint', async () => {
    const body = grpcFrame(encodePut('raw/content-length', 'v1'));
    const answer = await rawCall(gateway, PUT, body, { 'content-length': body.length, 'user-agent': 'h2load nghttp2/1.52.0' });
    expect(answer).toMatchObject({ status: 200, grpcStatus: GRPC_OK });
    expect(answer.messages).toHaveLength(1);
    expect((await client.get('raw/content-length'))?.value.toString()).toBe('v1');
  }, 30_000);

  it('serves a read sent with content-length through both endpoints', async () => {
    await client.put('raw/read', 'r');
    const body = grpcFrame(encodeRange('raw/read'));
    for (const address of [gateway, cluster.topology.gateway.readerListen!]) {
      const answer = await rawCall(address, RANGE, body, { 'content-length': body.length });
      expect(answer, address).toMatchObject({ status: 200, grpcStatus: GRPC_OK });
      const response = KV.service.Range.responseDeserialize(answer.messages[0]);
      expect(response.kvs.map((kv: { value: Buffer }) => kv.value.toString())).toEqual(['r']);
    }
  }, 30_000);

  it('answers INVALID_ARGUMENT naming the method to bytes that are no message, and applies nothing', async () => {
    const before = (await client.get('raw/anything'))?.modRevision;
    const revision = async () => (await client.range('raw/none')).header!.revision;
    const revisionBefore = await revision();
    // 0x0a 0x7f: field 1, length 127, but only 2 bytes follow; 0xff…: a varint that never ends.
    const bodies = [Buffer.from([0x0a, 0x7f, 1, 2]), Buffer.alloc(12, 0xff), Buffer.from([0x07, 0x01])];
    for (const target of [gateway, writer]) {
      for (const bytes of bodies) {
        const answer = await rawCall(target, PUT, grpcFrame(bytes));
        expect(answer.grpcStatus, `${target} ${bytes.toString('hex')}`).toBe(GRPC_INVALID_ARGUMENT);
        expect(answer.grpcMessage).toContain('/quorumkv.v1.KV/Put');
      }
      const read = await rawCall(target, RANGE, grpcFrame(Buffer.from([0x0a, 0x7f, 1])));
      expect(read.grpcStatus, target).toBe(GRPC_INVALID_ARGUMENT);
      expect(read.grpcMessage).toContain('/quorumkv.v1.KV/Range');
    }
    expect(await revision()).toBe(revisionBefore);
    expect((await client.get('raw/anything'))?.modRevision).toBe(before);
  }, 30_000);

  it('answers every h2load request with grpc-status 0 through both endpoints, and applies every write once', async () => {
    const requests = 300;
    const put = join(cluster.dataDir, 'h2load-put.bin');
    const get = join(cluster.dataDir, 'h2load-get.bin');
    writeFileSync(put, grpcFrame(encodePut('raw/h2load', 'x'.repeat(256))));
    writeFileSync(get, grpcFrame(KV.service.Range.requestSerialize({ key: Buffer.from('raw/h2load'), serializable: true })));
    const metrics = [`http://${cluster.topology.gateway.metrics}/metrics`];
    const ok = (endpoint: string) => metricSum(metrics, 'quorumkv_gateway_requests_total', { endpoint, code: 'OK' });
    const revision = async () => (await client.range('raw/h2load')).header!.revision;
    const revisionBefore = await revision();
    const [clusterOkBefore, readerOkBefore] = [await ok('cluster'), await ok('reader')];
    const puts = await runH2load({ url: `http://${gateway}${PUT}`, bodyFile: put, requests, connections: 2, streams: 8 });
    expect(puts.http200).toBe(requests);
    // Counted before the revision is read: that read goes through the cluster endpoint too.
    expect(await ok('cluster')).toBe(clusterOkBefore + requests);
    expect(await revision()).toBe(revisionBefore + requests);
    const gets = await runH2load({ url: `http://${cluster.topology.gateway.readerListen}${RANGE}`, bodyFile: get, requests, connections: 2, streams: 8 });
    expect(gets.http200).toBe(requests);
    expect(await ok('reader')).toBe(readerOkBefore + requests);
  }, 60_000);

  it('serves grpc.health.v1 and Cluster.Status through the gateway', async () => {
    const health = new HealthClient(gateway, grpc.credentials.createInsecure());
    expect(await health.check(5_000)).toBe(true);
    health.close();
    const status = await client.status();
    expect(status.members.map((m) => m.role)).toEqual(expect.arrayContaining(['gateway', 'writer', 'reader', 'storage']));
  }, 30_000);

  it('keeps serving after random bytes to every KV method', async () => {
    for (const method of ['Range', 'Put', 'DeleteRange', 'Txn']) {
      for (let i = 0; i < 20; i++) {
        const answer = await rawCall(gateway, `/quorumkv.v1.KV/${method}`, grpcFrame(randomBytes(1 + (i * 7) % 64)));
        expect(answer.status).toBe(200);
        expect(answer.grpcStatus).not.toBe(13);
      }
    }
    await client.put('raw/after', 'ok');
    expect((await client.get('raw/after'))?.value.toString()).toBe('ok');
  }, 30_000);
});
