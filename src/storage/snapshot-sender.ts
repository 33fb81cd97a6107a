import * as grpc from '@grpc/grpc-js';
import type { Message, NodeId } from '../consensus/types.js';
import type { InstallSnapshotResponse__Output } from '../gen/quorumkv/internal/v1/InstallSnapshotResponse.js';
import type { SnapshotChunk } from '../gen/quorumkv/internal/v1/SnapshotChunk.js';
import type { Keyspace } from '../mvcc/keyspace.js';
import { log } from '../observability/log.js';
import { Raft, type RaftClient } from '../proto/services.js';
import { STORAGE_ROLES } from '../security/roles.js';
import { peerChannelCredentials } from '../security/transport-security.js';
import { STORAGE_CHANNEL_OPTIONS } from './peer-limits.js';
import { CHUNK_PAIRS, ChunkBuilder } from './snapshot-chunks.js';
import { toWire } from './raft-transport.js';

// Streams this member's applied state to a follower that needs a snapshot, in bounded chunks
// (snapshot-chunks.ts) with
// the stream's flow control: memory does not grow with the state. The iterator that reads the
// state is opened when the send starts, so it reads one consistent view (LevelDB iterators read a
// snapshot). One send per follower at a time; the outcome goes back to the consensus core.

const SEND_TIMEOUT_MS = 10 * 60_000;

export interface SnapshotSource {
  cluster: string;
  /** The state as of the snapshot's index: its iterator must be opened right away. */
  state: Keyspace;
  /** Storage addresses of the configuration's members. */
  addresses: Record<string, string>;
}

/** Streams snapshots to followers; each outcome goes to the report it was made with. */
export interface SnapshotTransport {
  /** Starts streaming to `address`; `message` is the Snap message describing the state. */
  send(message: Message, address: string | undefined, source: SnapshotSource): void;
  close(): void;
}

export class SnapshotSender implements SnapshotTransport {
  private readonly sending = new Set<NodeId>();
  private readonly clients = new Map<string, RaftClient>();

  constructor(private readonly report: (to: NodeId, ok: boolean) => void) {}

  /** Starts streaming to `address`; `message` is the Snap message describing the state. */
  send(message: Message, address: string | undefined, source: SnapshotSource): void {
    const to = message.to;
    if (this.sending.has(to)) return;
    if (!address) {
      this.report(to, false);
      return;
    }
    this.sending.add(to);
    log.info({ to, index: message.index, term: message.logTerm }, `sending a snapshot to ${to}: its log is behind the part this member still holds`);
    const iterator = source.state.iterator({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
    this.stream(this.clientFor(address), message, iterator, source).then(
      (ok) => this.finish(to, ok),
      (error: Error) => {
        log.warn({ err: error, to }, 'snapshot send failed');
        this.finish(to, false);
      },
    );
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
  }

  private finish(to: NodeId, ok: boolean): void {
    this.sending.delete(to);
    this.report(to, ok);
  }

  private clientFor(address: string): RaftClient {
    let client = this.clients.get(address);
    if (!client) {
      client = new Raft(address, peerChannelCredentials(STORAGE_ROLES), STORAGE_CHANNEL_OPTIONS);
      this.clients.set(address, client);
    }
    return client;
  }

  private async stream(client: RaftClient, message: Message, iterator: { nextv(size: number): Promise<Array<[Buffer, Buffer]>>; close(): Promise<void> }, source: SnapshotSource): Promise<boolean> {
    let settle!: (response: InstallSnapshotResponse__Output | undefined) => void;
    const answered = new Promise<InstallSnapshotResponse__Output | undefined>((resolve) => (settle = resolve));
    let chunks!: ChunkWriter;
    const call = client.installSnapshot({ deadline: Date.now() + SEND_TIMEOUT_MS }, (error, response) => {
      chunks.ended(error ?? undefined);
      settle(error ? undefined : response);
    });
    chunks = new ChunkWriter(call);
    try {
      await chunks.write({ cluster: source.cluster, message: toWire(message), addresses: source.addresses, pairs: [] });
      const builder = new ChunkBuilder();
      // nextv reads many entries per call into the iterator's native cache: one entry per await
      // would make a large state crawl.
      for (let batch = await iterator.nextv(CHUNK_PAIRS); batch.length > 0; batch = await iterator.nextv(CHUNK_PAIRS)) {
        for (const [key, value] of batch) {
          for (const pairs of builder.add(key, value)) await chunks.write({ pairs });
        }
      }
      await chunks.write({ pairs: builder.finish() ?? [], last: true });
      call.end();
    } catch (error) {
      call.cancel();
      throw error;
    } finally {
      await iterator.close();
    }
    const response = await answered;
    return response?.installed ?? false;
  }
}

/**
 * Writes chunks, waiting for the stream to drain when its buffer is full. A client stream with a
 * callback reports its end only to the callback (never as an 'error' event), and a stream that
 * ended never drains: `ended` is what stops a write waiting on it. Without it, a follower that
 * died mid-transfer held this sender, and every later snapshot to that follower, for good.
 */
class ChunkWriter {
  private waiting: { resolve(): void; reject(error: Error): void } | undefined;
  private end: Error | undefined;

  constructor(private readonly call: grpc.ClientWritableStream<SnapshotChunk>) {
    call.on('drain', () => {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.resolve();
    });
  }

  /** The call is over: with `error`, or answered before the last chunk was sent. */
  ended(error: Error | undefined): void {
    this.end = new Error(`the follower ended the snapshot stream before it was sent in full${error ? `: ${error.message}` : ''}`);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.end);
  }

  write(chunk: SnapshotChunk): Promise<void> {
    if (this.end) return Promise.reject(this.end);
    if (this.call.write(chunk)) return Promise.resolve();
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }
}
