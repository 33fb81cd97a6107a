import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { QuorumkvClient } from '../client/client.js';
import { hashState } from '../mvcc/state-hash.js';
import { SnapshotReader, SnapshotWriter, type SnapshotSummary } from './snapshot-format.js';
import { snapshotLeases, type LeaseSource } from './snapshot-leases.js';

// `quorumkv snapshot save`: every key at one revision, read page by page through the public API
// with the revision pinned, so writes that go on meanwhile change nothing in the file. A revision
// in the retained history gives a point-in-time snapshot. The leases follow (snapshot-leases.ts).

const PAGE_KEYS = 1_000;
const EVERY_KEY = Buffer.of(0);

export async function saveSnapshot(client: QuorumkvClient, path: string, options: { revision?: number } = {}): Promise<SnapshotSummary> {
  const partial = join(dirname(path), `.${basename(path)}.partial`);
  rmSync(partial, { force: true });
  let revision = options.revision ?? 0;
  let writer: SnapshotWriter | undefined;
  const referenced = new Set<number>();
  try {
    let from = EVERY_KEY;
    for (;;) {
      const page = await client.range(from, { rangeEnd: EVERY_KEY, revision, limit: PAGE_KEYS });
      if (writer === undefined) {
        // The first page fixes the revision: the current one, unless one was asked for.
        revision = revision || page.header!.revision;
        writer = await SnapshotWriter.create(partial, { revision, compactRevision: revision });
      }
      for (const kv of page.kvs) {
        if (kv.lease !== 0) referenced.add(kv.lease);
        await writer.add(kv);
      }
      if (!page.more || page.kvs.length === 0) break;
      from = Buffer.concat([page.kvs[page.kvs.length - 1].key, Buffer.of(0)]);
    }
    const summary = await writer.finish(await snapshotLeases(referenced, clientLeases(client)));
    writer = undefined;
    renameSync(partial, path);
    return summary;
  } catch (error) {
    await writer?.abandon();
    rmSync(partial, { force: true });
    throw error;
  }
}

function clientLeases(client: QuorumkvClient): LeaseSource {
  return {
    list: async () => (await client.leases()).leases.map((lease) => lease.id),
    grantedTtl: async (id) => {
      const answer = await client.leaseTimeToLive(id);
      return answer.ttl === -1 ? undefined : answer.grantedTtl;
    },
  };
}

/** Checks a file whole and returns what it holds, with the state hash a member reports at its revision. */
export async function snapshotStatus(path: string): Promise<SnapshotSummary & { hash: string }> {
  const reader = await SnapshotReader.open(path);
  try {
    const records = reader.records();
    const hash = await hashState({ scan: () => records, scanKeys: () => { throw new Error('unused'); } }, reader.header.revision);
    return { ...(await reader.finish()), hash };
  } finally {
    await reader.close();
  }
}

/** The snapshot files a continuous backup keeps in `dir`, oldest first. */
export function backupFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^snapshot-\d{8}T\d{6}\d{3}Z-rev\d+\.qkvsnap$/.test(name))
    .sort();
}

/**
 * One round of a continuous backup: a snapshot into `dir` (named by time and revision), then all
 * but the newest `keep` deleted. Returns the new file's path and what it holds.
 */
export async function backupOnce(client: QuorumkvClient, dir: string, keep: number, now = new Date()): Promise<{ path: string; summary: SnapshotSummary; removed: string[] }> {
  mkdirSync(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  const staging = join(dir, `.snapshot-${stamp}.partial`);
  const summary = await saveSnapshot(client, staging);
  const path = join(dir, `snapshot-${stamp}-rev${summary.revision}.qkvsnap`);
  renameSync(staging, path);
  const files = backupFiles(dir);
  const removed = files.slice(0, Math.max(0, files.length - keep));
  for (const name of removed) rmSync(join(dir, name));
  return { path, summary, removed };
}
