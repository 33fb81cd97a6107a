import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactedRevisionError, connect, type QuorumkvClient } from '../../src/client/index.js';
import type { HashKVResponse__Output } from '../../src/gen/quorumkv/internal/v1/HashKVResponse.js';
import { Storage } from '../../src/proto/services.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster, testPeerCredentials } from '../support/local-cluster.js';

// etcd's --auto-compaction-mode periodic: history written within the last period stays readable,
// and older history is compacted by one log entry that every member applies.

const RETENTION_MS = 3_000;

function hashAt(address: string): Promise<HashKVResponse__Output> {
  const client = new Storage(address, testPeerCredentials('writer', 'w1'));
  return new Promise<HashKVResponse__Output>((resolve, reject) =>
    client.hashKv({ revision: 0 }, { deadline: Date.now() + 10_000 }, (error: grpc.ServiceError | null, response?: HashKVResponse__Output) => (error ? reject(error) : resolve(response!))),
  ).finally(() => client.close());
}

describe('periodic automatic compaction', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;

  beforeAll(async () => {
    cluster = await startTestCluster({
      storage: 3,
      writers: 1,
      storageFlags: ['--auto-compaction-mode=periodic', `--auto-compaction-retention=${RETENTION_MS / 1000}s`],
    });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('keeps one period of history, then compacts it on every member at one revision', async () => {
    const first = (await client.put('periodic/k', 'v1')).header!.revision;
    const overwrittenAt = Date.now();
    const second = (await client.put('periodic/k', 'v2')).header!.revision;
    expect((await client.range('periodic/k', { revision: first })).kvs[0]?.value.toString()).toBe('v1');

    await eventually(30_000, async () => {
      const error = await client.range('periodic/k', { revision: first }).then(() => undefined, (e: unknown) => e);
      if (!(error instanceof CompactedRevisionError)) throw new Error(`revision ${first} is still readable`);
    });
    // v1 was current until the overwrite; it had to stay readable for a whole period after it.
    expect(Date.now() - overwrittenAt).toBeGreaterThanOrEqual(RETENTION_MS);
    expect((await client.get('periodic/k'))?.value.toString()).toBe('v2');

    const marker = (await client.put('periodic/marker', 'm')).header!.revision;
    const { value: hashes } = await eventually(10_000, async () => {
      const all = await Promise.all(cluster.topology.storage.map((s) => hashAt(s.listen)));
      if (all.some((h) => h.currentRevision < marker)) throw new Error('a member has not applied the marker yet');
      return all;
    });
    for (const h of hashes) expect(h).toMatchObject({ hash: hashes[0]!.hash, compactRevision: hashes[0]!.compactRevision });
    expect(hashes[0]!.compactRevision).toBeGreaterThanOrEqual(second);
  }, 90_000);
});
