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

export class SnapshotSender {
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
    const call = client.installSnapshot({ deadline: Date.now() + SEND_TIMEOUT_MS }, (error, response) => settle(error ? undefined : response));
    try {
      await write(call, { cluster: source.cluster, message: toWire(message), addresses: source.addresses, pairs: [] });
      const chunks = new ChunkBuilder();
      // nextv reads many entries per call into the iterator's native cache: one entry per await
      // would make a large state crawl.
      for (let batch = await iterator.nextv(CHUNK_PAIRS); batch.length > 0; batch = await iterator.nextv(CHUNK_PAIRS)) {
        for (const [key, value] of batch) {
          for (const pairs of chunks.add(key, value)) await write(call, { pairs });
        }
      }
      await write(call, { pairs: chunks.finish() ?? [], last: true });
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

/** Writes one chunk, waiting for the stream to drain when its buffer is full. */
function write(call: grpc.ClientWritableStream<SnapshotChunk>, chunk: SnapshotChunk): Promise<void> {
  if (call.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    call.once('error', onError);
    call.once('drain', () => {
      call.off('error', onError);
      resolve();
    });
  });
}
