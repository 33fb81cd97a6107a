import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLevel } from 'memory-level';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message, NodeId } from '../../src/consensus/types.js';
import type { KeyValuePair } from '../../src/gen/quorumkv/internal/v1/KeyValuePair.js';
import type { SnapshotChunk__Output } from '../../src/gen/quorumkv/internal/v1/SnapshotChunk.js';
import type { Keyspace } from '../../src/mvcc/keyspace.js';
import { Metrics } from '../../src/observability/metrics.js';
import type { PeerTransport } from '../../src/storage/membership.js';
import { PROCESS_ENVIRONMENT, type MemberEnvironment } from '../../src/storage/member-environment.js';
import { resolveStorageOptions } from '../../src/storage/options.js';
import { toWire } from '../../src/storage/raft-transport.js';
import { ChunkBuilder } from '../../src/storage/snapshot-chunks.js';
import type { SnapshotSource, SnapshotTransport } from '../../src/storage/snapshot-sender.js';
import { StorageMember } from '../../src/storage/storage-member.js';
import { injectDefect } from '../../src/storage/test-defects.js';
import { b, putOp, rangeRequest, txnRequest } from './requests.js';

// Storage members in one process: the real member (Ready driver, durable log, applier, snapshots,
// request front) over in-memory LevelDBs, joined by an in-memory network and snapshot transport
// that a test can cut. Nothing here listens on a port.

const IDS = ['a', 'b', 'c'];
const ADDRESSES = new Map(IDS.map((id) => [id, `${id}.storage.test:7100`]));
const WAIT_MS = 10_000;

/** Delivers messages between members on the next turn of the event loop, unless a link is cut. */
class MemoryNetwork {
  readonly members = new Map<NodeId, StorageMember>();
  private readonly isolated = new Set<NodeId>();

  isolate(id: NodeId): void {
    this.isolated.add(id);
  }

  heal(id: NodeId): void {
    this.isolated.delete(id);
  }

  connected(from: NodeId, to: NodeId): boolean {
    return !this.isolated.has(from) && !this.isolated.has(to);
  }

  transport(from: NodeId): PeerTransport {
    let incarnation = '';
    let known: () => Readonly<Record<string, string>> | undefined = () => undefined;
    return {
      setPeers: () => undefined,
      setIncarnation: (value) => (incarnation = value),
      setKnownIncarnations: (source) => (known = source),
      send: (messages: Message[]) => {
        const vouched = known() ?? {};
        setImmediate(() => {
          for (const message of messages) {
            if (this.connected(from, message.to)) this.members.get(message.to)?.step([message], incarnation, vouched);
          }
        });
      },
    };
  }

  /** Streams the state in the chunks the gRPC sender would, straight into the follower. */
  snapshotTransport(from: NodeId, report: (to: NodeId, ok: boolean) => void): SnapshotTransport {
    return {
      send: (message: Message, _address: string | undefined, source: SnapshotSource) => {
        const target = this.members.get(message.to);
        if (!target || !this.connected(from, message.to)) {
          setImmediate(() => report(message.to, false));
          return;
        }
        target.receiveSnapshot(chunksOf(message, source)).then(
          (result) => report(message.to, result.installed),
          () => report(message.to, false),
        );
      },
      close: () => undefined,
    };
  }
}

async function* chunksOf(message: Message, source: SnapshotSource): AsyncGenerator<SnapshotChunk__Output> {
  const iterator = source.state.iterator({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
  const wire = (pairs: KeyValuePair[], last: boolean): SnapshotChunk__Output => ({
    cluster: '',
    message: null,
    addresses: {},
    pairs: pairs.map((p) => ({ key: p.key as Buffer, value: p.value as Buffer, more: p.more ?? false })),
    last,
  });
  yield { ...wire([], false), cluster: source.cluster, message: toWire(message) as SnapshotChunk__Output['message'], addresses: source.addresses };
  const builder = new ChunkBuilder({ pairs: 8, bytes: 4096 });
  try {
    for (let batch = await iterator.nextv(64); batch.length > 0; batch = await iterator.nextv(64)) {
      for (const [key, value] of batch) for (const pairs of builder.add(key, value)) yield wire(pairs, false);
    }
  } finally {
    await iterator.close();
  }
  yield wire(builder.finish() ?? [], true);
}

async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('storage members in one process', () => {
  let network: MemoryNetwork;
  let dataDir: string;
  const fatals: string[] = [];

  async function startCluster(snapshotEntries = 10_000, logTailEntries = 5_000): Promise<void> {
    network = new MemoryNetwork();
    dataDir = mkdtempSync(join(tmpdir(), 'quorumkv-members-'));
    for (const id of IDS) {
      const env: MemberEnvironment = {
        ...PROCESS_ENVIRONMENT,
        openDb: async () => {
          const db = new MemoryLevel<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
          await db.open();
          return db as unknown as Keyspace;
        },
        fatal: (where, error) => {
          fatals.push(`${id}: ${where}`);
          throw error;
        },
        snapshotTransport: (report) => network.snapshotTransport(id, report),
      };
      const config = resolveStorageOptions({ id, cluster: 'members-test', listen: ADDRESSES.get(id)!, peers: ADDRESSES, dataDir, tickMs: 10, snapshotEntries, logTailEntries });
      const member = await StorageMember.open(config, network.transport(id), new Metrics('storage', id), env);
      network.members.set(id, member);
    }
    for (const member of network.members.values()) member.start();
  }

  function leader(): StorageMember | undefined {
    return [...network.members.values()].find((m) => m.describe().leader && m.readiness().ready);
  }

  async function valueOn(member: StorageMember, key: string, serializable: boolean): Promise<string | undefined> {
    const { kvs } = await member.read(rangeRequest({ key: b(key), serializable }));
    return kvs?.[0]?.value?.toString();
  }

  afterEach(async () => {
    await Promise.all([...network.members.values()].map((m) => m.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    expect(fatals).toEqual([]);
  });

  it('elect a leader, commit a write on every member, and answer a linearizable read on a follower', async () => {
    await startCluster();
    const first = await eventually('a leader', leader);
    const [outcome] = await first.append([txnRequest({ success: [putOp('k', 'v1')] })]);
    expect(outcome.response?.succeeded).toBe(true);
    const follower = [...network.members.values()].find((m) => m !== first)!;
    expect(await valueOn(follower, 'k', false)).toBe('v1');
    for (const member of network.members.values()) await eventually('the write applied everywhere', () => (member.revision >= Number(outcome.revision) ? true : undefined));
  });

  it('catch up a follower cut off while the log was compacted behind it, through a snapshot it installs', async () => {
    await startCluster(20, 5);
    const first = await eventually('a leader', leader);
    const behind = [...network.members.values()].find((m) => m !== first)!;
    network.isolate(behind.config.id);
    for (let i = 0; i < 60; i++) await first.append([txnRequest({ success: [putOp(`key-${i}`, `value-${i}`)] })]);
    expect(Number(first.describe().firstIndex)).toBeGreaterThan(Number(behind.describe().appliedIndex) + 1);
    network.heal(behind.config.id);
    await eventually('the snapshot installed', () => (behind.revision >= first.revision ? true : undefined));
    expect(await valueOn(behind, 'key-0', true)).toBe('value-0');
    expect(await valueOn(behind, 'key-59', true)).toBe('value-59');
    const [hashFirst, hashBehind] = await Promise.all([first.hashKV(first.revision), behind.hashKV(first.revision)]);
    expect(hashBehind.hash).toBe(hashFirst.hash);
  });

  it('answer a write before it commits only with the ack-before-commit defect put around the member', async () => {
    await startCluster();
    const first = await eventually('a leader', leader);
    await first.append([txnRequest({ success: [putOp('k', 'committed')] })]);
    for (const id of IDS) if (id !== first.config.id) network.isolate(id);
    const revision = first.revision;
    const honest = first.append([txnRequest({ success: [putOp('k', 'lost')] })]);
    let settled = false;
    honest.then(
      () => (settled = true),
      () => (settled = true),
    );
    injectDefect(first, 'ack-before-commit');
    const [premature] = await first.append([txnRequest({ success: [putOp('k', 'lost')] })]);
    expect(premature.response?.succeeded).toBe(true);
    expect(first.revision).toBe(revision);
    expect(settled).toBe(false);
    for (const id of IDS) network.heal(id);
    await honest.catch(() => undefined);
  });
});
