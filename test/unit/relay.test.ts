import * as http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendPool } from '../../src/gateway/backend-pool.js';
import { H2Channel } from '../../src/gateway/h2-channel.js';
import { ATTEMPT_TIMEOUT_MS, Relay, type Endpoint } from '../../src/gateway/relay.js';
import { DROP, FaultProxy } from '../../src/chaos/fault-proxy.js';
import { listenHttp2, type Http2Listener } from '../../src/gateway/relay-server.js';
import { Metrics } from '../../src/observability/metrics.js';
import { KV } from '../../src/proto/services.js';
import { grpcFrame, rawCall } from '../../src/rpc/raw-grpc.js';
import { freePorts } from '../../src/up/loopback-topology.js';

// The gateway's relay in-process, in front of scripted nodes: what reaches a node, what comes
// back to the client, and how failures of one node move a call to another.

type NodeBehaviour = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, body: Buffer) => void;

interface FakeNode {
  address: string;
  seen: Array<{ headers: http2.IncomingHttpHeaders; body: Buffer }>;
  cancelled: number;
  close(): void;
}

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const OK_BODY = grpcFrame(Buffer.from([0x08, 0x01]));

/** Answers like a node: response headers, one message, trailers with grpc-status 0. */
const answerOk: NodeBehaviour = (stream) => {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'x-node': 'yes' }, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'x-trailer': 't' }));
  stream.end(OK_BODY);
};

async function fakeNode(behave: NodeBehaviour, port?: number): Promise<FakeNode> {
  const [free] = port ? [port] : await freePorts(1);
  const node: FakeNode = { address: `127.0.0.1:${free}`, seen: [], cancelled: 0, close: () => {} };
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    if (String(headers[':path']).startsWith('/grpc.health.v1.')) {
      // The pool's health checks: not part of what a test looks at.
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' }, { endStream: true });
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('error', () => {});
    stream.on('close', () => {
      if (stream.rstCode === http2.constants.NGHTTP2_CANCEL) node.cancelled++;
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      node.seen.push({ headers, body });
      behave(stream, headers, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(free, '127.0.0.1', resolve));
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => sessions.add(s));
  node.close = () => {
    for (const s of sessions) s.destroy();
    server.close();
  };
  closers.push(() => node.close());
  return node;
}

/** A relay endpoint in front of `writers` (all taken as healthy). */
async function relayTo(writers: FakeNode[], options: { endpoint?: Endpoint; maxInFlight?: number } = {}): Promise<{ address: string; relay: Relay; pool: BackendPool }> {
  const pool = new BackendPool('writer', () => {}, () => 0);
  await pool.update(new Map(writers.map((w, i) => [`w${i + 1}`, w.address])));
  for (const backend of pool.backends) backend.healthy = true;
  const readers = new BackendPool('reader');
  const local = new H2Channel('127.0.0.1:1', ['gateway']);
  const relay = new Relay({ endpoint: options.endpoint ?? 'cluster', writers: pool, readers, metrics: new Metrics('gateway', 'g-test'), local, maxInFlight: options.maxInFlight ?? 100 });
  const [port] = await freePorts(1);
  const listener: Http2Listener = await listenHttp2(`127.0.0.1:${port}`, relay.onStream);
  closers.push(() => listener.shutdown(100), () => pool.stop(), () => local.close());
  return { address: `127.0.0.1:${port}`, relay, pool };
}

const PUT = '/quorumkv.v1.KV/Put';
const putBody = () => grpcFrame(KV.service.Put.requestSerialize({ key: Buffer.from('k'), value: Buffer.from('v') }));

describe('gateway relay', () => {
  it('passes a call through with only end-to-end headers, a request id appended, and the node\'s headers and trailers back', async () => {
    const node = await fakeNode(answerOk);
    const { address } = await relayTo([node]);
    const body = putBody();
    const answer = await rawCall(address, PUT, body, { 'content-length': body.length, 'x-client': 'c', connection: undefined, 'grpc-timeout': '5S' });
    expect(answer).toMatchObject({ status: 200, grpcStatus: 0 });
    expect(answer.messages).toEqual([Buffer.from([0x08, 0x01])]);
    const seen = node.seen[0];
    expect(seen.headers['x-client']).toBe('c');
    expect(seen.headers['content-length']).toBeUndefined();
    expect(Number(String(seen.headers['grpc-timeout']).slice(0, -1))).toBeLessThanOrEqual(5_000);
    expect(KV.service.Put.requestDeserialize(seen.body.subarray(5)).requestId).toMatch(/^g\./);
  });

  it('passes a Trailers-Only error back unchanged, and does not retry it', async () => {
    const node = await fakeNode((stream) => stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '9', 'grpc-message': 'read%20only', 'quorumkv-error': 'ReadOnlyError' }, { endStream: true }));
    const other = await fakeNode(answerOk);
    const { address } = await relayTo([node, other]);
    const answer = await rawCall(address, PUT, putBody());
    expect(answer).toMatchObject({ grpcStatus: 9, grpcMessage: 'read only' });
    expect(node.seen.length + other.seen.length).toBe(1);
  });

  it('moves a call to another node when one refuses connections or answers UNAVAILABLE, with the same request id', async () => {
    const [deadPort] = await freePorts(1);
    const unavailable = await fakeNode((stream) => stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'no%20leader' }, { endStream: true }));
    const good = await fakeNode(answerOk);
    const { address, pool } = await relayTo([{ address: `127.0.0.1:${deadPort}`, seen: [], cancelled: 0, close: () => {} }, unavailable, good]);
    // Order the pool's picks: the dead node, the unavailable one, then the good one.
    let turn = 0;
    const order = [0, 1, 2];
    (pool as unknown as { pick: BackendPool['pick'] }).pick = (exclude = new Set()) => pool.backends.find((b, i) => i === order[turn] && !exclude.has(b) && (turn++, true)) ?? pool.backends.find((b) => !exclude.has(b));
    const answer = await rawCall(address, PUT, putBody());
    expect(answer.grpcStatus).toBe(0);
    expect(good.seen).toHaveLength(1);
    const ids = [...unavailable.seen, ...good.seen].map((s) => KV.service.Put.requestDeserialize(s.body.subarray(5)).requestId);
    expect(new Set(ids).size).toBe(1);
  });

  it('keeps a node that answers UNAVAILABLE in its own words (no storage leader), and waits for it within the deadline', async () => {
    let refusals = 3;
    const node = await fakeNode((stream, headers, body) => {
      if (refusals-- > 0) {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'no%20storage%20leader', 'quorumkv-error': 'UnavailableError' }, { endStream: true });
      } else answerOk(stream, headers, body);
    });
    const { address, pool } = await relayTo([node]);
    const answer = await rawCall(address, PUT, putBody(), { 'grpc-timeout': '5S' });
    expect(answer.grpcStatus).toBe(0);
    expect(node.seen).toHaveLength(4);
    expect(pool.backends[0].healthy).toBe(true);
    const ids = node.seen.map((s) => KV.service.Put.requestDeserialize(s.body.subarray(5)).requestId);
    expect(new Set(ids).size).toBe(1);
  });

  it('names a node\'s refusal when a later attempt on it times out, and answers before the client\'s deadline', async () => {
    let refusals = 1;
    const node = await fakeNode((stream) => {
      if (refusals-- > 0) stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'no%20storage%20leader', 'quorumkv-error': 'UnavailableError' }, { endStream: true });
      // Later attempts hang, as on a node waiting for a paused storage member.
    });
    const { address } = await relayTo([node]);
    const started = Date.now();
    const answer = await rawCall(address, PUT, putBody(), { 'grpc-timeout': '3S' });
    expect(answer.grpcStatus).toBe(14);
    expect(answer.grpcMessage).toMatch(/no answer within the attempt timeout; before that, on w1: UNAVAILABLE: no storage leader/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('marks a node down that answers UNAVAILABLE without a quorumkv error class', async () => {
    const node = await fakeNode((stream) => stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'shutting%20down' }, { endStream: true }));
    const { address, pool } = await relayTo([node]);
    const answer = await rawCall(address, PUT, putBody(), { 'grpc-timeout': '2S' });
    expect(answer.grpcStatus).toBe(14);
    expect(pool.backends[0].healthy).toBe(false);
  });

  it('answers DEADLINE_EXCEEDED at the client\'s grpc-timeout and cancels the node\'s stream', async () => {
    const hung = await fakeNode(() => {});
    const { address } = await relayTo([hung]);
    const started = Date.now();
    const answer = await rawCall(address, PUT, putBody(), { 'grpc-timeout': '300m' });
    expect(answer.grpcStatus).toBe(4);
    expect(Date.now() - started).toBeLessThan(1_400);
    await expect.poll(() => hung.cancelled).toBe(1);
  });

  it('cancels the node\'s stream when the client resets its own (RST_STREAM both ways)', async () => {
    const hung = await fakeNode(() => {});
    const { address } = await relayTo([hung]);
    const session = http2.connect(`http://${address}`);
    closers.push(() => session.destroy());
    const stream = session.request({ ':method': 'POST', ':path': PUT, 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => {});
    stream.end(putBody());
    await expect.poll(() => hung.seen.length).toBe(1);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await expect.poll(() => hung.cancelled).toBe(1);
  });

  it('refuses truncated frames, trailing bytes and bad protobuf with INVALID_ARGUMENT, sending nothing on', async () => {
    const node = await fakeNode(answerOk);
    const { address } = await relayTo([node]);
    const full = putBody();
    for (const body of [full.subarray(0, full.length - 2), Buffer.concat([full, Buffer.from([0])]), Buffer.from([0, 0, 0]), grpcFrame(Buffer.from([0x0a, 0x09, 1]))]) {
      const answer = await rawCall(address, PUT, body);
      expect(answer.grpcStatus, body.toString('hex')).toBe(3);
      expect(answer.grpcMessage).toContain(PUT);
    }
    expect(node.seen).toHaveLength(0);
  });

  it('answers RESOURCE_EXHAUSTED past its bound on calls in flight, and serves again below it', async () => {
    const held: http2.ServerHttp2Stream[] = [];
    const node = await fakeNode((stream) => held.push(stream));
    const { address, relay } = await relayTo([node], { maxInFlight: 2 });
    const session = http2.connect(`http://${address}`);
    closers.push(() => session.destroy());
    const first = [rawCall(address, PUT, putBody(), {}, session), rawCall(address, PUT, putBody(), {}, session)];
    await expect.poll(() => relay.inFlight).toBe(2);
    const third = await rawCall(address, PUT, putBody(), {}, session);
    expect(third.grpcStatus).toBe(8);
    expect(third.grpcMessage).toMatch(/in flight/);
    for (const stream of held) answerOk(stream, {}, Buffer.alloc(0));
    expect((await Promise.all(first)).map((a) => a.grpcStatus)).toEqual([0, 0]);
    await expect.poll(() => relay.inFlight).toBe(0);
  });

  it('refuses writes on the reader endpoint and unknown paths, naming them', async () => {
    const node = await fakeNode(answerOk);
    const reader = await relayTo([node], { endpoint: 'reader' });
    const write = await rawCall(reader.address, PUT, putBody());
    expect(write).toMatchObject({ grpcStatus: 9, grpcMessage: expect.stringMatching(/reader endpoint serves reads only; send writes to the cluster endpoint/) });
    const unknown = await rawCall(reader.address, '/no.Such/Method', putBody());
    expect(unknown).toMatchObject({ grpcStatus: 12, grpcMessage: expect.stringContaining('/no.Such/Method') });
  });

  it('moves a call off a node whose link goes silent within a few hundred ms, well before the attempt timeout', async () => {
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const hanging = await fakeNode(() => received()); // takes the call, never answers
    const proxy = new FaultProxy({ target: hanging.address });
    await proxy.start();
    closers.push(() => proxy.stop());
    const good = await fakeNode(answerOk);
    const { address, pool } = await relayTo([{ ...hanging, address: proxy.address }, good]);
    let first = true;
    (pool as unknown as { pick: BackendPool['pick'] }).pick = (exclude = new Set()) => {
      const backend = first ? pool.backends[0] : pool.backends.find((b) => !exclude.has(b));
      first = false;
      return backend;
    };
    const answer = rawCall(address, PUT, putBody(), { 'grpc-timeout': '10S' });
    await arrived;
    const cutAt = Date.now();
    proxy.setMode(DROP); // a partition: nothing is closed, nothing answers, PINGs included
    expect((await answer).grpcStatus).toBe(0);
    expect(good.seen).toHaveLength(1);
    // PINGs every 1 s with a 1 s timeout, or the 1.5 s attempt timeout, would take 1 s or more.
    expect(Date.now() - cutAt).toBeLessThan(ATTEMPT_TIMEOUT_MS - 550);
  });

  it('moves a call off a node that says it is not ready while the call waits on it (a writer cut off from storage)', async () => {
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const cutOff = await fakeNode(() => received()); // took the call; its append cannot commit
    const good = await fakeNode(answerOk);
    const { address, pool } = await relayTo([cutOff, good]);
    let first = true;
    (pool as unknown as { pick: BackendPool['pick'] }).pick = (exclude = new Set()) => {
      const backend = first ? pool.backends[0] : pool.backends.find((b) => !exclude.has(b));
      first = false;
      return backend;
    };
    const started = Date.now();
    const answer = rawCall(address, PUT, putBody(), { 'grpc-timeout': '10S' });
    await arrived;
    pool.backends[0].saidNotReady(); // what its health check answered
    expect((await answer).grpcStatus).toBe(0);
    expect(cutOff.cancelled).toBe(1);
    const ids = [...cutOff.seen, ...good.seen].map((seen) => KV.service.Put.requestDeserialize(seen.body.subarray(5)).requestId);
    expect(new Set(ids).size).toBe(1); // the same request id: applied once
    expect(Date.now() - started).toBeLessThan(ATTEMPT_TIMEOUT_MS);
  });

  it('relays a stream with flow control: a client that does not read stops the node\'s writes', async () => {
    let writes = 0;
    let blocked = false;
    const node = await fakeNode((stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      const chunk = grpcFrame(Buffer.alloc(16 * 1024, 1));
      const pump = () => {
        while (writes < 10_000) {
          writes++;
          if (!stream.write(chunk)) {
            blocked = true;
            stream.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const { address } = await relayTo([node]);
    const session = http2.connect(`http://${address}`);
    closers.push(() => session.destroy());
    const stream = session.request({ ':method': 'POST', ':path': '/quorumkv.v1.Watch/Watch', 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => {});
    stream.end(grpcFrame(Buffer.from([0x0a, 0x01, 0x61])));
    stream.pause();
    await expect.poll(() => blocked).toBe(true);
    const stalledAt = writes;
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Windows of the client, the gateway and the node together hold a bounded amount.
    expect(writes).toBe(stalledAt);
    expect(writes * 16 * 1024).toBeLessThan(64 * 1024 * 1024);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await expect.poll(() => node.cancelled).toBe(1);
  });
});
