import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/consensus/types.js';
import type { Keyspace } from '../../src/mvcc/keyspace.js';
import { Metrics } from '../../src/observability/metrics.js';
import { RpcServer } from '../../src/rpc/server.js';
import { SnapshotSender } from '../../src/storage/snapshot-sender.js';
import { addStorageServices } from '../../src/storage/storage-service.js';
import type { StorageMember } from '../../src/storage/storage-member.js';

// A follower can stop reading a snapshot stream at any point: it refused the transfer, or it
// died. The sender must then report the send as failed, so the leader sends again later; a
// sender stuck waiting for the stream to drain keeps that follower from ever catching up.

const VALUE = Buffer.alloc(1024 * 1024, 7);

/** A state of `count` 1 MiB records: far more than a stream's buffers hold. */
function largeState(count: number): Keyspace {
  return {
    iterator: () => {
      let next = 0;
      return {
        async nextv(size: number) {
          const batch: Array<[Buffer, Buffer]> = [];
          for (; batch.length < size && next < count; next++) batch.push([Buffer.from(`k${String(next).padStart(6, '0')}`), VALUE]);
          return batch;
        },
        async close() {},
      };
    },
  } as unknown as Keyspace;
}

function snapMessage(): Message {
  return { type: 7, from: 'a', to: 'b', term: 3, logTerm: 3, index: 100, entries: [], commit: 100, reject: false, rejectHint: 0, context: Buffer.alloc(0) };
}

describe('SnapshotSender', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A follower that reads the first chunks of a transfer, then answers without reading the rest. */
  async function refusingFollower(): Promise<string> {
    const rpc = new RpcServer(new Metrics('storage', 'b'));
    const member = {
      config: { cluster: 'c1' },
      step: () => undefined,
      receiveSnapshot: async (chunks: AsyncIterable<unknown>) => {
        let read = 0;
        for await (const _ of chunks) if (++read === 2) break;
        return { installed: false, reason: 'refused after two chunks' };
      },
    };
    addStorageServices(rpc, member as unknown as StorageMember);
    const port = await rpc.listen('127.0.0.1:0', 'peer');
    cleanups.push(() => rpc.shutdown(0));
    return `127.0.0.1:${port}`;
  }

  it('reports a transfer the follower stopped reading as failed, and can send to it again', async () => {
    const address = await refusingFollower();
    const reports: boolean[] = [];
    let reported!: () => void;
    let done = new Promise<void>((resolve) => (reported = resolve));
    const sender = new SnapshotSender((_to, ok) => {
      reports.push(ok);
      reported();
    });
    cleanups.push(() => sender.close());
    const source = { cluster: 'c1', state: largeState(200), addresses: { a: '127.0.0.1:1', b: address } };

    sender.send(snapMessage(), address, source);
    await done;
    expect(reports).toEqual([false]);

    done = new Promise<void>((resolve) => (reported = resolve));
    sender.send(snapMessage(), address, source);
    await done;
    expect(reports).toEqual([false, false]);
  }, 20_000);
});
