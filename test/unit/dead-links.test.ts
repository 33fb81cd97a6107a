import * as grpc from '@grpc/grpc-js';
import * as http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { DROP, FaultProxy, PASS } from '../../src/chaos/fault-proxy.js';
import { H2Channel } from '../../src/gateway/h2-channel.js';
import { CLIENT_OPTIONS } from '../../src/rpc/client-options.js';
import { SERVER_OPTIONS } from '../../src/rpc/server.js';

// A partition blackholes packets and closes nothing. Every internal link must find that out by
// itself, through HTTP/2 PINGs, well before a call's deadline, and carry traffic again soon
// after the heal. The fault proxy in `drop` mode is the partition.

const DEADLINE_MS = 15_000;
/** Keepalive interval + timeout, plus slack for a busy machine; far below DEADLINE_MS. */
const DETECTED_WITHIN_MS = 6_000;

const identity = (b: Buffer) => b;
const HANG_SERVICE: grpc.ServiceDefinition = {
  hang: { path: '/test.Links/Hang', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
  follow: { path: '/test.Links/Follow', requestStream: false, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
  echo: { path: '/test.Links/Echo', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
};
const LinksClient = grpc.makeGenericClientConstructor(HANG_SERVICE, 'Links');

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxied(target: string): Promise<FaultProxy> {
  const proxy = new FaultProxy({ target });
  await proxy.start();
  cleanups.push(() => proxy.stop());
  return proxy;
}

describe('dead links', () => {
  it('a gRPC call on a blackholed link fails with UNAVAILABLE long before its deadline, and the next call after the heal succeeds', async () => {
    let received!: () => void;
    const hangReceived = new Promise<void>((resolve) => (received = resolve));
    const server = new grpc.Server();
    server.addService(HANG_SERVICE, {
      hang: () => received(), // never answers
      echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => done(null, call.request),
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    cleanups.push(() => server.forceShutdown());
    const proxy = await proxied(`127.0.0.1:${port}`);
    const client = new LinksClient(proxy.address, grpc.credentials.createInsecure(), CLIENT_OPTIONS);
    cleanups.push(() => client.close());
    const call = (method: string, timeoutMs: number) =>
      new Promise<grpc.ServiceError | null>((resolve) => client.makeUnaryRequest(`/test.Links/${method}`, identity, identity, Buffer.from('x'), { deadline: Date.now() + timeoutMs }, (error) => resolve(error)));

    const hanging = call('Hang', DEADLINE_MS);
    await hangReceived;
    const cutAt = Date.now();
    proxy.setMode(DROP);
    const error = await hanging;
    expect(error?.code, String(error)).toBe(grpc.status.UNAVAILABLE);
    expect(Date.now() - cutAt).toBeLessThan(DETECTED_WITHIN_MS);

    proxy.setMode(PASS);
    expect(await call('Echo', 3_000)).toBeNull();
  }, 30_000);

  it('the gateway\'s HTTP/2 channel to a node drops a blackholed connection and opens a new one after the heal', async () => {
    const server = http2.createServer();
    server.on('stream', (stream, headers) => {
      if (headers[':path'] === '/hang') return; // never answers
      stream.respond({ ':status': 200 });
      stream.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    cleanups.push(() => {
      for (const s of sessions) s.destroy();
    });
    const sessions = new Set<http2.ServerHttp2Session>();
    server.on('session', (s) => sessions.add(s));
    const proxy = await proxied(`127.0.0.1:${(server.address() as { port: number }).port}`);
    const channel = new H2Channel(proxy.address, ['writer']);
    cleanups.push(() => channel.close());
    const request = (path: string) =>
      new Promise<string>((resolve) => {
        const stream = channel.get().request({ ':path': path });
        let body = '';
        stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
        stream.on('error', (e) => resolve(`error: ${e.message}`));
        stream.on('close', () => resolve(body || `closed: ${stream.rstCode}`));
        stream.end();
      });

    expect(await request('/ok')).toBe('ok');
    const hanging = request('/hang');
    const cutAt = Date.now();
    proxy.setMode(DROP);
    expect(await hanging).not.toBe('ok');
    expect(Date.now() - cutAt).toBeLessThan(DETECTED_WITHIN_MS);
    proxy.setMode(PASS);
    expect(await request('/ok')).toBe('ok');
  }, 30_000);

  it('a server ends a stream to a client whose link is blackholed, on its own PINGs', async () => {
    // A storage member's follow stream to a cut-off node: the client side may never say anything
    // again, so only the server's PINGs can end the call and free what it holds.
    let opened!: (call: grpc.ServerWritableStream<Buffer, Buffer>) => void;
    const follow = new Promise<grpc.ServerWritableStream<Buffer, Buffer>>((resolve) => (opened = resolve));
    const server = new grpc.Server(SERVER_OPTIONS);
    server.addService(HANG_SERVICE, {
      hang: () => undefined,
      follow: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
        call.write(Buffer.from('first'));
        opened(call);
      },
      echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => done(null, call.request),
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    cleanups.push(() => server.forceShutdown());
    const proxy = await proxied(`127.0.0.1:${port}`);
    // No client keepalive: what ends the call must be the server's.
    const client = new LinksClient(proxy.address, grpc.credentials.createInsecure(), { 'grpc.keepalive_time_ms': -1 });
    cleanups.push(() => client.close());
    const stream = client.makeServerStreamRequest('/test.Links/Follow', identity, identity, Buffer.from('x'));
    stream.on('error', () => undefined);
    cleanups.push(() => stream.cancel());
    const call = await follow;
    await new Promise((resolve) => stream.once('data', resolve));

    const ended = new Promise<void>((resolve) => call.once('cancelled', () => resolve()));
    const cutAt = Date.now();
    proxy.setMode(DROP);
    await ended;
    expect(Date.now() - cutAt).toBeLessThan(DETECTED_WITHIN_MS);
  }, 30_000);
});
