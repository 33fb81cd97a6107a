/**
 * A TCP proxy that injects network faults between two processes, switchable while connections are
 * open (there is no `tc netem` on the machines the chaos suite runs on).
 *
 * Modes:
 * - `pass`: forward bytes as they come.
 * - `drop`: a partition. Connections stay open, bytes in both directions (and closes) are discarded,
 *   not buffered. TCP would retransmit the lost bytes after the partition heals; a proxy cannot, so a
 *   connection that lost anything is reset when the mode leaves `drop` (as a real connection would
 *   be once its retransmissions time out). Connections that stayed idle carry on.
 * - `delay`: every chunk is held for meanMs ± jitterMs (uniform, at least 0) and never overtakes an
 *   earlier chunk of the same direction. Queued bytes per direction are bounded: past
 *   `maxQueuedBytes` the sending socket is paused (TCP backpressure) until the queue halves.
 * - `cut`: existing connections are reset, new ones are reset as soon as they are accepted.
 */
import * as net from 'node:net';

export type FaultMode = { kind: 'pass' } | { kind: 'drop' } | { kind: 'delay'; meanMs: number; jitterMs: number } | { kind: 'cut' };

export const PASS: FaultMode = Object.freeze({ kind: 'pass' });
export const DROP: FaultMode = Object.freeze({ kind: 'drop' });
export const CUT: FaultMode = Object.freeze({ kind: 'cut' });
export function delayMode(meanMs: number, jitterMs = 0): FaultMode {
  return { kind: 'delay', meanMs, jitterMs };
}

export const DEFAULT_MAX_QUEUED_BYTES = 4 * 1024 * 1024;

export interface FaultProxyOptions {
  /** Where connections are forwarded, HOST:PORT. */
  target: string;
  /** Listening host; loopback by default. */
  host?: string;
  /** Listening port; 0 (any free port) by default. */
  port?: number;
  mode?: FaultMode;
  /** Bound on bytes held per direction of a connection in delay mode. */
  maxQueuedBytes?: number;
  /** Source of randomness for jitter, in [0, 1); a seeded one makes delays reproducible. */
  random?: () => number;
  /** For messages. */
  name?: string;
  /**
   * Another proxy to the same target that an accepted connection belongs to (the mesh's link of
   * the process that really dialed it), or undefined to keep it here.
   */
  route?: (socket: net.Socket) => FaultProxy | undefined;
}

export interface FaultProxyStats {
  accepted: number;
  /** Connections reset by `cut`, by healing from `drop`, or refused in `cut` mode. */
  reset: number;
  open: number;
  bytesForwarded: number;
  bytesDropped: number;
  /** The most bytes any one direction of a connection held at once in delay mode. */
  peakQueuedBytes: number;
}

export class FaultProxy {
  readonly name: string;
  private readonly targetHost: string;
  private readonly targetPort: number;
  private readonly maxQueuedBytes: number;
  private readonly random: () => number;
  private modeValue: FaultMode;
  private server: net.Server | undefined;
  private listeningPort: number | undefined;
  private readonly connections = new Set<Connection>();
  private readonly counters = { accepted: 0, reset: 0, bytesForwarded: 0, bytesDropped: 0, peakQueuedBytes: 0 };

  constructor(private readonly options: FaultProxyOptions) {
    [this.targetHost, this.targetPort] = parseHostPort(options.target);
    this.name = options.name ?? `proxy to ${options.target}`;
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    if (!(Number.isSafeInteger(this.maxQueuedBytes) && this.maxQueuedBytes > 0)) throw new RangeError(`${this.name}: maxQueuedBytes must be a positive integer, got ${this.maxQueuedBytes}`);
    this.random = options.random ?? Math.random;
    this.modeValue = validateMode(options.mode ?? PASS);
  }

  get mode(): FaultMode {
    return this.modeValue;
  }

  /** HOST:PORT to connect to instead of the target; only after `start`. */
  get address(): string {
    if (this.listeningPort === undefined) throw new Error(`${this.name}: not started`);
    return `${this.options.host ?? '127.0.0.1'}:${this.listeningPort}`;
  }

  stats(): FaultProxyStats {
    return { ...this.counters, open: this.connections.size };
  }

  async start(): Promise<{ port: number }> {
    if (this.server !== undefined) throw new Error(`${this.name}: already started`);
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.listeningPort = (server.address() as net.AddressInfo).port;
    return { port: this.listeningPort };
  }

  setMode(mode: FaultMode): void {
    const previous = this.modeValue;
    this.modeValue = validateMode(mode);
    for (const connection of [...this.connections]) connection.modeChanged(previous, this.modeValue);
  }

  /** Closes the listener and every connection. */
  async stop(): Promise<void> {
    const server = this.server;
    for (const connection of [...this.connections]) connection.destroy(false);
    if (server === undefined || !server.listening) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(downstream: net.Socket): void {
    const owner = this.options.route?.(downstream);
    if (owner !== undefined && owner !== this) owner.adopt(downstream);
    else this.adopt(downstream);
  }

  /** @internal Carries a connection accepted by another proxy to the same target. */
  adopt(downstream: net.Socket): void {
    this.counters.accepted++;
    if (this.modeValue.kind === 'cut') {
      this.counters.reset++;
      downstream.on('error', () => {});
      downstream.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: this.targetHost, port: this.targetPort, allowHalfOpen: true });
    const connection = new Connection(this, downstream, upstream);
    this.connections.add(connection);
    downstream.resume();
  }

  /** @internal */ forget(connection: Connection): void {
    this.connections.delete(connection);
  }
  /** @internal */ count(kind: 'reset' | 'bytesForwarded' | 'bytesDropped', amount = 1): void {
    this.counters[kind] += amount;
  }
  /** @internal */ queued(bytes: number): void {
    if (bytes > this.counters.peakQueuedBytes) this.counters.peakQueuedBytes = bytes;
  }
  /** @internal */ limits() {
    return { maxQueuedBytes: this.maxQueuedBytes };
  }
  /** @internal */ sampleDelayMs(mode: { meanMs: number; jitterMs: number }): number {
    return Math.max(0, mode.meanMs + mode.jitterMs * (2 * this.random() - 1));
  }
}

/** One proxied connection: the accepted socket, the socket to the target, a pipe each way. */
class Connection {
  private closed = false;
  /** Lost bytes or a close while dropping: the byte stream can no longer be trusted. */
  tainted = false;
  private readonly pipes: [Pipe, Pipe];

  constructor(
    readonly proxy: FaultProxy,
    readonly downstream: net.Socket,
    readonly upstream: net.Socket,
  ) {
    this.pipes = [new Pipe(this, downstream, upstream), new Pipe(this, upstream, downstream)];
    // A graceful close needs nothing more than the half-closes the pipes forward; the connection
    // is done once both sockets are closed.
    let open = 2;
    for (const socket of [downstream, upstream]) socket.once('close', () => --open === 0 && this.destroy(false));
  }

  get mode(): FaultMode {
    return this.proxy.mode;
  }

  modeChanged(previous: FaultMode, mode: FaultMode): void {
    if (mode.kind === 'cut') return this.destroy(true);
    if (previous.kind === 'drop' && mode.kind !== 'drop' && this.tainted) return this.destroy(true);
    for (const pipe of this.pipes) pipe.modeChanged(mode);
  }

  /** Both sockets gone; `reset` sends RSTs instead of FINs. */
  destroy(reset: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (reset) this.proxy.count('reset');
    for (const pipe of this.pipes) pipe.clear();
    for (const socket of [this.downstream, this.upstream]) {
      if (socket.destroyed) continue;
      if (reset && !socket.connecting) socket.resetAndDestroy();
      else socket.destroy();
    }
    this.proxy.forget(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

type Item = { kind: 'data'; chunk: Buffer; dueMs: number } | { kind: 'end' | 'reset'; dueMs: number };

/** One direction of a connection: reads from `source`, writes to `sink`, in order. */
class Pipe {
  private readonly queue: Item[] = [];
  private head = 0;
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private sinkBlocked = false;
  private overLimit = false;
  private sourceEnded = false;

  constructor(
    private readonly connection: Connection,
    private readonly source: net.Socket,
    private readonly sink: net.Socket,
  ) {
    source.on('data', (chunk: Buffer) => this.onData(chunk));
    source.on('end', () => {
      this.sourceEnded = true;
      this.onSignal('end');
    });
    source.on('error', () => {});
    // Closed without a FIN first, or with an error: the other side is reset, after what came before.
    source.on('close', (hadError) => (hadError || !this.sourceEnded) && this.onSignal('reset'));
    sink.on('drain', () => {
      this.sinkBlocked = false;
      this.flush();
      this.updateFlow();
    });
  }

  modeChanged(mode: FaultMode): void {
    if (mode.kind === 'drop') {
      // Bytes in flight are lost with the partition.
      if (this.length() > 0) this.connection.tainted = true;
      this.clear();
    }
    this.updateFlow();
    this.flush();
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
    this.overLimit = false;
  }

  private length(): number {
    return this.queue.length - this.head;
  }

  private onData(chunk: Buffer): void {
    if (this.connection.isClosed) return;
    const mode = this.connection.mode;
    if (mode.kind === 'drop' || mode.kind === 'cut') {
      this.connection.tainted = true;
      this.connection.proxy.count('bytesDropped', chunk.length);
      return;
    }
    if (mode.kind === 'pass' && this.length() === 0 && !this.sinkBlocked) return this.write(chunk);
    this.enqueue({ kind: 'data', chunk, dueMs: this.dueMs(mode) });
    this.queuedBytes += chunk.length;
    this.connection.proxy.queued(this.queuedBytes);
    if (this.queuedBytes > this.connection.proxy.limits().maxQueuedBytes) this.overLimit = true;
    this.updateFlow();
  }

  private onSignal(kind: 'end' | 'reset'): void {
    if (this.connection.isClosed) return;
    const mode = this.connection.mode;
    if (mode.kind === 'drop' || mode.kind === 'cut') {
      // The other side cannot hear of it; the connection is reset when the partition heals.
      this.connection.tainted = true;
      return;
    }
    this.enqueue({ kind, dueMs: this.dueMs(mode) });
  }

  private dueMs(mode: FaultMode): number {
    // The queue is first in, first out: an item due sooner still waits for the ones before it.
    const now = performance.now();
    return mode.kind === 'delay' ? now + this.connection.proxy.sampleDelayMs(mode) : now;
  }

  private enqueue(item: Item): void {
    this.queue.push(item);
    this.flush();
  }

  /** Delivers every item that is due, unless the sink pushes back; arms a timer for the next. */
  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const now = performance.now();
    while (this.length() > 0 && !this.sinkBlocked && !this.connection.isClosed) {
      const item = this.queue[this.head];
      if (item.dueMs > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.flush();
        }, Math.ceil(item.dueMs - now));
        break;
      }
      this.head++;
      if (item.kind === 'data') {
        this.queuedBytes -= item.chunk.length;
        this.write(item.chunk);
      } else if (item.kind === 'end') {
        if (!this.sink.destroyed) this.sink.end();
      } else {
        this.connection.destroy(true);
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.overLimit && this.queuedBytes <= this.connection.proxy.limits().maxQueuedBytes / 2) this.overLimit = false;
    this.updateFlow();
  }

  private write(chunk: Buffer): void {
    if (this.sink.destroyed || this.sink.writableEnded) return;
    this.connection.proxy.count('bytesForwarded', chunk.length);
    if (!this.sink.write(chunk)) {
      this.sinkBlocked = true;
      this.updateFlow();
    }
  }

  /** Pauses the source while the sink or the delay queue is full; a partition always reads (and drops). */
  private updateFlow(): void {
    if (this.connection.isClosed || this.source.destroyed) return;
    const dropping = this.connection.mode.kind === 'drop';
    if (!dropping && (this.sinkBlocked || this.overLimit)) this.source.pause();
    else this.source.resume();
  }
}

function validateMode(mode: FaultMode): FaultMode {
  if (mode.kind === 'delay') {
    for (const [name, value] of [['meanMs', mode.meanMs], ['jitterMs', mode.jitterMs]] as const) {
      if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`fault proxy: delay ${name} must be a finite number >= 0, got ${value}`);
    }
    return { kind: 'delay', meanMs: mode.meanMs, jitterMs: mode.jitterMs };
  }
  if (mode.kind !== 'pass' && mode.kind !== 'drop' && mode.kind !== 'cut') throw new RangeError(`fault proxy: unknown mode ${JSON.stringify(mode)}`);
  return mode;
}

export function parseHostPort(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || host === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`fault proxy: expected HOST:PORT, got ${JSON.stringify(address)}`);
  }
  return [host, port];
}
