import { EventEmitter } from 'node:events';
import * as net from 'node:net';

/** Waits for `event` on `emitter`, failing after `timeoutMs`. */
export function waitFor<T = unknown>(emitter: NodeJS.EventEmitter, event: string, timeoutMs = 3_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onEvent = (value: T) => {
      clearTimeout(timer);
      resolve(value);
    };
    emitter.once(event, onEvent);
  });
}

/** An echo server that also keeps its connections, so a test can write from the server side. */
export async function startEchoServer() {
  const sockets = new Set<net.Socket>();
  let received = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      received += chunk.length;
      socket.write(chunk);
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    server.emit('accepted', socket);
  });
  server.listen(0, '127.0.0.1');
  await waitFor(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    sockets,
    server,
    received: () => received,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type EchoServer = Awaited<ReturnType<typeof startEchoServer>>;

/** A client socket that collects what it receives and how it ended. */
export class TestClient {
  readonly socket: net.Socket;
  private data = Buffer.alloc(0);
  readonly events = new EventEmitter();
  ended = false;
  closed = false;
  error: NodeJS.ErrnoException | undefined;

  constructor(address: string) {
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
    this.socket = net.connect({ host, port });
    this.socket.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk]);
      this.events.emit('data');
    });
    this.socket.on('end', () => (this.ended = true));
    this.socket.on('error', (error) => (this.error = error));
    this.socket.on('close', () => {
      this.closed = true;
      this.events.emit('closed');
    });
  }

  get received(): Buffer {
    return this.data;
  }

  connected(timeoutMs = 3_000): Promise<unknown> {
    return this.socket.connecting ? waitFor(this.socket, 'connect', timeoutMs) : Promise.resolve();
  }

  /** Resolves once `bytes` bytes have arrived in total. */
  async receive(bytes: number, timeoutMs = 3_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.data.length < bytes) {
      if (this.closed) throw new Error(`closed after ${this.data.length} of ${bytes} bytes`);
      await waitFor(this.events, 'data', Math.max(1, deadline - Date.now()));
    }
    return this.data;
  }

  async closedWithin(timeoutMs = 3_000): Promise<void> {
    if (!this.closed) await waitFor(this.events, 'closed', timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Nothing arrives on `client` and it stays open for `windowMs`: what a partition looks like. */
export async function expectSilence(client: TestClient, windowMs: number): Promise<void> {
  const before = client.received.length;
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  if (client.received.length !== before) throw new Error(`received ${client.received.length - before} bytes during a partition`);
  if (client.closed) throw new Error('the connection closed during a partition');
}
