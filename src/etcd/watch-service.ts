import type * as grpc from '@grpc/grpc-js';
import type { Event as EtcdEvent } from '../gen/etcd/mvccpb/Event.js';
import type { ResponseHeader as EtcdHeader } from '../gen/etcd/etcdserverpb/ResponseHeader.js';
import type { WatchCreateRequest__Output } from '../gen/etcd/etcdserverpb/WatchCreateRequest.js';
import type { WatchRequest__Output } from '../gen/etcd/etcdserverpb/WatchRequest.js';
import type { WatchResponse } from '../gen/etcd/etcdserverpb/WatchResponse.js';
import type { Event__Output } from '../gen/quorumkv/v1/Event.js';
import type { WatchResponse__Output } from '../gen/quorumkv/v1/WatchResponse.js';
import { MAX_KEY_BYTES } from '../api/limits.js';
import { callerOf, SYSTEM } from '../auth/caller.js';
import { CompactedRevisionError } from '../errors.js';
import type { KvBackend } from '../node/kv-service.js';
import type { StorageRouter } from '../node/storage-router.js';
import { followResuming } from '../node/watch-service.js';
import { EtcdWatch } from '../proto/etcd-services.js';
import type { RpcServer } from '../rpc/server.js';
import { etcdHeader, etcdKv, int64 } from './convert.js';
import { toEtcdStatus } from './errors.js';
import { FRAGMENT_BYTES, MAX_WATCHES_PER_STREAM } from './watch-defaults.js';

// etcdserverpb.Watch: one bidirectional stream carries many watches. Each watch follows the log
// through a storage member's Follow stream (resumed on another member if one fails); this layer
// numbers watches, answers creates in request order with the current revision, cancels, answers
// progress requests, sends progress notifications to watches that asked for them, applies the
// NOPUT / NODELETE filters, and splits large revisions into fragments when asked to.

/** etcd's watch id for a response that belongs to no one watch (a progress request's answer). */
const NO_WATCH_ID = -1;

export interface EtcdWatchOptions {
  progressNotifyMs: number;
}

export function addEtcdWatchService(rpc: RpcServer, storage: StorageRouter, backend: KvBackend, options: EtcdWatchOptions): void {
  rpc.addService(EtcdWatch.service, {
    watch: (call: grpc.ServerDuplexStream<WatchRequest__Output, WatchResponse>) => {
      rpc.metrics.grpcRequests.inc({ method: 'etcd.Watch/Watch', code: 'OK' });
      new WatchSession(call, storage, backend, options).start();
    },
  });
}

interface ActiveWatch {
  id: number;
  request: WatchCreateRequest__Output;
  /** Every event up to this revision has been sent (or filtered out). */
  revision: number;
  lastSentMs: number;
  cancelled: boolean;
  goneListeners: Set<() => void>;
}

class WatchSession {
  private readonly watches = new Map<number, ActiveWatch>();
  private nextId = 0;
  /** Requests are handled one after another, so creates are answered in the order they came. */
  private inbox: Promise<void> = Promise.resolve();
  /** Writes go out one after another, each once the stream has room. */
  private outbox: Promise<void> = Promise.resolve();
  private closed = false;
  private progressTimer: NodeJS.Timeout | undefined;
  private lastHeader: EtcdHeader | undefined;

  constructor(
    private readonly call: grpc.ServerDuplexStream<WatchRequest__Output, WatchResponse>,
    private readonly storage: StorageRouter,
    private readonly backend: KvBackend,
    private readonly options: EtcdWatchOptions,
  ) {}

  start(): void {
    this.call.on('data', (request: WatchRequest__Output) => {
      this.inbox = this.inbox.then(() => this.handle(request)).catch((error: unknown) => this.fail(error));
    });
    this.call.on('cancelled', () => this.close());
    this.call.on('error', () => this.close());
    // A client that closes its side keeps receiving, as etcd's server does.
    this.call.on('end', () => undefined);
    this.progressTimer = setInterval(() => this.notifyProgress(), Math.max(10, Math.floor(this.options.progressNotifyMs / 2)));
  }

  private async handle(request: WatchRequest__Output): Promise<void> {
    if (this.closed) return;
    switch (request.requestUnion) {
      case 'createRequest':
        return this.create(request.createRequest!);
      case 'cancelRequest': {
        const id = int64(request.cancelRequest!.watchId, 'watch_id');
        const watch = this.watches.get(id);
        if (!watch) return;
        this.stop(watch);
        await this.send({ header: this.lastHeader, watchId: id, canceled: true });
        return;
      }
      case 'progressRequest': {
        const revisions = [...this.watches.values()].map((w) => w.revision);
        const header = revisions.length > 0 ? { ...(this.lastHeader ?? (await this.header())), revision: Math.min(...revisions) } : await this.header();
        await this.send({ header, watchId: NO_WATCH_ID });
        return;
      }
      default:
        return;
    }
  }

  private async create(request: WatchCreateRequest__Output): Promise<void> {
    const asked = int64(request.watchId, 'watch_id');
    const id = asked !== 0 ? asked : this.freeId();
    const refuse = async (reason: string) => this.send({ header: await this.header(), watchId: id, created: true, canceled: true, cancelReason: reason });
    if (this.watches.has(id)) return refuse('mvcc: duplicate watch ID provided on the WatchStream');
    if (this.watches.size >= MAX_WATCHES_PER_STREAM) return refuse(`quorumkv: a watch stream holds at most ${MAX_WATCHES_PER_STREAM} watches; open another stream`);
    if (request.key.length > MAX_KEY_BYTES || request.rangeEnd.length > MAX_KEY_BYTES) return refuse(`quorumkv: watch keys are at most ${MAX_KEY_BYTES} bytes`);
    // etcd: an empty key is the smallest key, "\0".
    const key = request.key.length === 0 ? Buffer.of(0) : request.key;
    let rangeEnd: Buffer;
    try {
      rangeEnd = await this.backend.admitWatch(key, request.rangeEnd, callerOf(this.call));
    } catch (error) {
      return refuse(toEtcdStatus(error).details);
    }
    const watch: ActiveWatch = { id, request, revision: 0, lastSentMs: Date.now(), cancelled: false, goneListeners: new Set() };
    this.watches.set(id, watch);
    const startRevision = int64(request.startRevision, 'start_revision');
    await new Promise<void>((created) => {
      let started = false;
      followResuming(
        this.storage,
        { key, rangeEnd, startRevision: Math.max(0, startRevision), prevKv: request.prevKv, progressOnly: false },
        {
          deliver: async (message) => {
            this.lastHeader = etcdHeader(message.header);
            if (!started) {
              started = true;
              watch.revision = message.revision;
              await this.send({ header: this.lastHeader, watchId: id, created: true });
              created();
              return;
            }
            await this.deliver(watch, message);
          },
          get gone() {
            return watch.cancelled;
          },
          onGone: (listener) => {
            watch.goneListeners.add(listener);
            return () => watch.goneListeners.delete(listener);
          },
        },
      ).catch(async (error: unknown) => {
        if (watch.cancelled) return;
        const header = this.lastHeader ?? (await this.header().catch(() => undefined));
        if (!started) {
          started = true;
          await this.send({ header, watchId: id, created: true });
          created();
        }
        this.stop(watch);
        const compactRevision = error instanceof CompactedRevisionError ? compactRevisionIn(error.message) : 0;
        await this.send({ header, watchId: id, canceled: true, compactRevision, cancelReason: compactRevision > 0 ? 'mvcc: required revision has been compacted' : toEtcdStatus(error).details });
      });
    });
  }

  /** Sends a followed message's events, filtered and, when asked, in fragments. */
  private async deliver(watch: ActiveWatch, message: WatchResponse__Output): Promise<void> {
    const filters = new Set(watch.request.filters);
    const events = message.events
      .filter((e) => !(e.type === 'PUT' && filters.has('NOPUT')) && !(e.type === 'DELETE' && filters.has('NODELETE')))
      .map(etcdEvent);
    watch.revision = message.revision;
    if (events.length === 0) return;
    const header = { ...this.lastHeader, revision: message.revision };
    const parts = watch.request.fragment ? fragments(events) : [events];
    for (const [i, part] of parts.entries()) {
      await this.send({ header, watchId: watch.id, events: part, fragment: i < parts.length - 1 });
    }
    watch.lastSentMs = Date.now();
  }

  /** Watches that asked for progress notifications and heard nothing for an interval get one. */
  private notifyProgress(): void {
    const now = Date.now();
    for (const watch of this.watches.values()) {
      if (!watch.request.progressNotify || now - watch.lastSentMs < this.options.progressNotifyMs) continue;
      watch.lastSentMs = now;
      void this.send({ header: { ...this.lastHeader, revision: watch.revision }, watchId: watch.id });
    }
  }

  private send(message: WatchResponse): Promise<void> {
    const sent = this.outbox.then(() => this.write(message));
    this.outbox = sent.catch(() => undefined);
    return sent;
  }

  private write(message: WatchResponse): Promise<void> {
    if (this.closed || this.call.cancelled || this.call.destroyed) return Promise.resolve();
    if (this.call.write(message)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.call.off('drain', done);
        this.call.off('cancelled', done);
        resolve();
      };
      this.call.once('drain', done);
      this.call.once('cancelled', done);
    });
  }

  private async header(): Promise<EtcdHeader> {
    const { header } = await this.backend.range(
      { key: Buffer.of(0), rangeEnd: Buffer.alloc(0), limit: 0, revision: 0, serializable: true, keysOnly: true, countOnly: true, minRevision: 0, maxStalenessMs: 0 },
      Date.now() + 5_000,
      SYSTEM,
    );
    this.lastHeader = etcdHeader(header);
    return this.lastHeader;
  }

  private freeId(): number {
    while (this.watches.has(this.nextId)) this.nextId++;
    return this.nextId++;
  }

  private stop(watch: ActiveWatch): void {
    watch.cancelled = true;
    this.watches.delete(watch.id);
    for (const listener of [...watch.goneListeners]) listener();
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    this.call.emit('error', toEtcdStatus(error));
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.progressTimer);
    for (const watch of [...this.watches.values()]) this.stop(watch);
  }
}

function etcdEvent(event: Event__Output): EtcdEvent {
  return { type: event.type, kv: event.kv ? etcdKv(event.kv) : null, prevKv: event.prevKv ? etcdKv(event.prevKv) : null };
}

/** Splits one revision's events into parts of at most FRAGMENT_BYTES (at least one event each). */
function fragments(events: EtcdEvent[]): EtcdEvent[][] {
  const parts: EtcdEvent[][] = [[]];
  let bytes = 0;
  for (const event of events) {
    const size = eventBytes(event);
    if (parts[parts.length - 1].length > 0 && bytes + size > FRAGMENT_BYTES) {
      parts.push([]);
      bytes = 0;
    }
    parts[parts.length - 1].push(event);
    bytes += size;
  }
  return parts;
}

function eventBytes(event: EtcdEvent): number {
  const kvBytes = (kv: EtcdEvent['kv']) => (kv ? (kv.key as Buffer).length + (kv.value as Buffer).length + 32 : 0);
  return kvBytes(event.kv) + kvBytes(event.prevKv);
}

/** The compact revision a storage member named when it refused a compacted start. */
function compactRevisionIn(message: string): number {
  const match = /up to revision (\d+) is compacted|revision (\d+) was compacted/.exec(message);
  return match ? Number(match[1] ?? match[2]) : 1;
}
