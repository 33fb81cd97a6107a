import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CUT, DROP, FaultProxy, PASS, delayMode } from '../../src/chaos/fault-proxy.js';
import { expectSilence, startEchoServer, TestClient, waitFor, type EchoServer } from './net-helpers.js';

/** Long enough that a byte the proxy forwards arrives well within it on loopback. */
const SILENCE_WINDOW_MS = 200;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { maxQueuedBytes?: number } = {}): Promise<{ echo: EchoServer; proxy: FaultProxy; client: () => TestClient }> {
  const echo = await startEchoServer();
  cleanups.push(() => echo.close());
  const proxy = new FaultProxy({ target: echo.address, ...options });
  const { port } = await proxy.start();
  expect(proxy.address).toBe(`127.0.0.1:${port}`);
  cleanups.push(() => proxy.stop());
  const client = () => {
    const c = new TestClient(proxy.address);
    cleanups.push(() => c.destroy());
    return c;
  };
  return { echo, proxy, client };
}

async function echoes(client: TestClient, text: string): Promise<void> {
  const before = client.received.length;
  client.socket.write(text);
  const received = await client.receive(before + text.length);
  expect(received.subarray(before).toString()).toBe(text);
}

describe('FaultProxy', () => {
  it('passes bytes both ways, intact, and forwards a half-close', async () => {
    const { proxy, client } = await setup();
    const c = client();
    const payload = randomBytes(1024 * 1024);
    c.socket.write(payload);
    expect((await c.receive(payload.length)).equals(payload)).toBe(true);
    c.socket.end();
    await c.closedWithin();
    expect(c.ended).toBe(true);
    expect(proxy.stats()).toMatchObject({ accepted: 1, bytesForwarded: 2 * payload.length, bytesDropped: 0 });
  });

  it('drop silences both directions of an open connection without closing it, and resets it on heal', async () => {
    const { echo, proxy, client } = await setup();
    const c = client();
    await echoes(c, 'before');
    const [serverSide] = echo.sockets;
    proxy.setMode(DROP);
    c.socket.write('client to server');
    serverSide.write('server to client');
    const receivedByServer = echo.received();
    await expectSilence(c, SILENCE_WINDOW_MS);
    expect(echo.received()).toBe(receivedByServer);
    expect(serverSide.destroyed).toBe(false);
    expect(proxy.stats().bytesDropped).toBe('client to server'.length + 'server to client'.length);

    // The bytes it lost cannot be replayed: healing resets the connection, a new one works.
    proxy.setMode(PASS);
    await c.closedWithin();
    await echoes(client(), 'after');
  });

  it('keeps an idle connection through a partition', async () => {
    const { proxy, client } = await setup();
    const c = client();
    await echoes(c, 'one');
    proxy.setMode(DROP);
    proxy.setMode(PASS);
    await echoes(c, 'two');
  });

  it('accepts new connections during a partition but carries nothing', async () => {
    const { echo, proxy, client } = await setup();
    proxy.setMode(DROP);
    const c = client();
    await c.connected();
    c.socket.write('hello?');
    await expectSilence(c, SILENCE_WINDOW_MS);
    expect(echo.received()).toBe(0);
  });

  it('delay holds each direction for at least the mean', async () => {
    const { proxy, client } = await setup();
    const c = client();
    await echoes(c, 'warm');
    proxy.setMode(delayMode(60, 0));
    const started = performance.now();
    await echoes(c, 'slow');
    // One delay each way; timers may round down by a millisecond.
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 60 - 2);
  });

  it('delay with jitter keeps the order of each direction', async () => {
    const { proxy, client } = await setup();
    proxy.setMode(delayMode(5, 5));
    const c = client();
    await c.connected();
    let sent = '';
    for (let i = 0; i < 100; i++) {
      const piece = `<${i}>`;
      sent += piece;
      c.socket.write(piece);
      // Let each piece reach the proxy as its own chunk, so jitter could reorder them.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await c.receive(sent.length)).toString()).toBe(sent);
  });

  it('delay bounds the bytes it queues by pausing the sender', async () => {
    const maxQueuedBytes = 64 * 1024;
    const { proxy, client } = await setup({ maxQueuedBytes });
    proxy.setMode(delayMode(10, 0));
    const c = client();
    const payload = randomBytes(2 * 1024 * 1024);
    c.socket.write(payload);
    expect((await c.receive(payload.length, 10_000)).equals(payload)).toBe(true);
    // At most one read (64 KiB) past the bound before the pause takes effect.
    expect(proxy.stats().peakQueuedBytes).toBeGreaterThan(0);
    expect(proxy.stats().peakQueuedBytes).toBeLessThanOrEqual(maxQueuedBytes + 64 * 1024);
  });

  it('a delay lifted with its queue over the bound carries on in pass, old and new connections alike', async () => {
    const maxQueuedBytes = 64 * 1024;
    const { proxy, client } = await setup({ maxQueuedBytes });
    proxy.setMode(delayMode(85, 43));
    const busy = Array.from({ length: 8 }, () => client());
    const payloads = busy.map(() => randomBytes(1024 * 1024));
    busy.forEach((c, i) => c.socket.write(payloads[i]));
    await waitForCondition(() => proxy.stats().peakQueuedBytes > maxQueuedBytes);
    proxy.setMode(PASS);
    await Promise.all(busy.map(async (c, i) => expect((await c.receive(payloads[i].length, 10_000)).equals(payloads[i])).toBe(true)));
    for (const c of busy) await echoes(c, 'after the delay');
    await echoes(client(), 'a new connection');
  });

  it('cut resets open connections and new ones, until the mode changes', async () => {
    const { proxy, client } = await setup();
    const c = client();
    await echoes(c, 'before');
    proxy.setMode(CUT);
    await c.closedWithin();
    expect(c.error?.code).toBe('ECONNRESET');

    const refused = client();
    refused.socket.write('anyone?');
    await refused.closedWithin();
    expect(refused.received.length).toBe(0);

    proxy.setMode(PASS);
    await echoes(client(), 'after');
    expect(proxy.stats().reset).toBeGreaterThanOrEqual(2);
  });

  it('switches modes live on the same proxy', async () => {
    const { proxy, client } = await setup();
    const c = client();
    await echoes(c, 'a');
    proxy.setMode(delayMode(20, 10));
    await echoes(c, 'b');
    proxy.setMode(PASS);
    await echoes(c, 'c');
    proxy.setMode(DROP);
    c.socket.write('lost');
    await expectSilence(c, SILENCE_WINDOW_MS);
    proxy.setMode(delayMode(5, 0));
    await c.closedWithin();
    const d = client();
    await echoes(d, 'e');
    proxy.setMode(PASS);
    await echoes(d, 'f');
    expect(proxy.stats().open).toBe(1);
  });

  it('stop closes every connection and the listener', async () => {
    const { echo, proxy, client } = await setup();
    const c = client();
    await echoes(c, 'x');
    await proxy.stop();
    await c.closedWithin();
    expect(proxy.stats().open).toBe(0);
    const late = new net.Socket();
    late.connect({ host: '127.0.0.1', port: Number(proxy.address.split(':')[1]) });
    expect((await waitFor<NodeJS.ErrnoException>(late, 'error')).code).toBe('ECONNREFUSED');
    // The target sees its side closed too.
    await expect.poll(() => echo.sockets.size, { timeout: 3_000 }).toBe(0);
  });

  it('delivers everything a target sends before it closes', async () => {
    const payload = randomBytes(4 * 1024 * 1024);
    const server = net.createServer((socket) => socket.end(payload));
    server.listen(0, '127.0.0.1');
    await waitFor(server, 'listening');
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const proxy = new FaultProxy({ target: `127.0.0.1:${(server.address() as net.AddressInfo).port}` });
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const c = new TestClient(proxy.address);
    cleanups.push(() => c.destroy());
    await c.closedWithin(10_000);
    expect(c.received.equals(payload)).toBe(true);
    expect(c.error).toBeUndefined();
  });

  it('closes the client side when the target refuses', async () => {
    const free = net.createServer();
    free.listen(0, '127.0.0.1');
    await waitFor(free, 'listening');
    const port = (free.address() as net.AddressInfo).port;
    await new Promise((resolve) => free.close(resolve));
    const proxy = new FaultProxy({ target: `127.0.0.1:${port}` });
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const c = new TestClient(proxy.address);
    cleanups.push(() => c.destroy());
    await c.closedWithin();
  });

  it('rejects bad options with a message', () => {
    expect(() => new FaultProxy({ target: 'localhost' })).toThrow(/HOST:PORT/);
    expect(() => new FaultProxy({ target: '127.0.0.1:1' }).setMode(delayMode(-1))).toThrow(/meanMs/);
  });
});

async function waitForCondition(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
