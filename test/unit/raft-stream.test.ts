import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType, type Message } from '../../src/consensus/types.js';
import { Metrics } from '../../src/observability/metrics.js';
import { Raft, type RaftClient } from '../../src/proto/services.js';
import { CLIENT_OPTIONS } from '../../src/rpc/client-options.js';
import { RpcServer } from '../../src/rpc/server.js';
import { GrpcRaftTransport, toWire } from '../../src/storage/raft-transport.js';
import { addStorageServices } from '../../src/storage/storage-service.js';
import type { StorageMember } from '../../src/storage/storage-member.js';

// Peer streams live as long as the process. grpc-js keeps every message sent on a call that has
// no response headers yet (to replay it on a retry), so the storage service must answer headers
// as soon as a stream opens, or a member's memory grows with everything it ever sent a peer.

/** Just enough of a storage member for its gRPC services: it counts the messages it is given. */
function countingMember(): { member: StorageMember; stepped: Message[] } {
  const stepped: Message[] = [];
  const member = {
    config: { cluster: 'c1' },
    step: (messages: Message[]) => stepped.push(...messages),
    receiveSnapshot: async (chunks: AsyncIterable<unknown>) => {
      for await (const _ of chunks);
      return { installed: false, reason: 'test' };
    },
  };
  return { member: member as unknown as StorageMember, stepped };
}

function heartbeat(i: number): Message {
  return { type: 0, from: 'a', to: 'b', term: 1, logTerm: 0, index: i, entries: [], commit: 0, reject: false, rejectHint: 0, context: Buffer.alloc(0) };
}

describe('peer streams', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(): Promise<{ address: string; stepped: Message[]; client: RaftClient }> {
    const rpc = new RpcServer(new Metrics('storage', 'b'));
    const { member, stepped } = countingMember();
    addStorageServices(rpc, member);
    const port = await rpc.listen('127.0.0.1:0', 'peer');
    cleanups.push(() => rpc.shutdown(0));
    const address = `127.0.0.1:${port}`;
    const client = new Raft(address, grpc.credentials.createInsecure(), CLIENT_OPTIONS);
    cleanups.push(() => client.close());
    return { address, stepped, client };
  }

  const headersOf = (call: NodeJS.EventEmitter) =>
    new Promise<grpc.Metadata>((resolve, reject) => {
      call.once('metadata', resolve);
      setTimeout(() => reject(new Error('no response headers while the stream is open')), 2_000);
    });

  it('answers a message stream with headers while it is still open', async () => {
    const { client } = await serve();
    const call = client.stepStream(() => undefined);
    cleanups.push(() => call.cancel());
    const headers = headersOf(call);
    call.write({ cluster: 'c1', messages: [] });
    await expect(headers).resolves.toBeInstanceOf(grpc.Metadata);
  });

  it('answers a snapshot stream with headers while it is still open', async () => {
    const { client } = await serve();
    const call = client.installSnapshot(() => undefined);
    cleanups.push(() => call.cancel());
    await expect(headersOf(call)).resolves.toBeInstanceOf(grpc.Metadata);
  });

  it('delivers batches sent through the transport, in order', async () => {
    const { address, stepped } = await serve();
    const transport = new GrpcRaftTransport('c1', 'a', new Map([['b', address]]));
    cleanups.push(() => transport.close());
    for (let i = 1; i <= 200; i++) {
      transport.send([heartbeat(i)]);
      // Paced so that the stream never fills and nothing is dropped.
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await expect.poll(() => stepped.length, { timeout: 5_000 }).toBe(200);
    expect(stepped.map((m) => m.index)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('drops a snapshot message sent on the message stream: a snapshot comes only with its state', async () => {
    const { stepped, client } = await serve();
    const call = client.stepStream(() => undefined);
    const snap = { ...heartbeat(7), type: MessageType.Snap, logTerm: 1, context: Buffer.alloc(0) };
    call.write({ cluster: 'c1', messages: [toWire(snap), toWire(heartbeat(8))] });
    await expect.poll(() => stepped.length, { timeout: 5_000 }).toBe(1);
    expect(stepped[0]).toMatchObject({ type: heartbeat(8).type, index: 8 });
    call.end();
  });
});
