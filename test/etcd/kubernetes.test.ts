import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchResponse__Output } from '../../src/gen/etcd/etcdserverpb/WatchResponse.js';
import { EtcdKV, EtcdWatch, type EtcdKVClient, type EtcdWatchClient } from '../../src/proto/etcd-services.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster, testClientCredentials } from '../support/local-cluster.js';

// The requests kube-apiserver's etcd3 store (staging/src/k8s.io/apiserver/pkg/storage/etcd3) and
// kine issue, as raw etcdserverpb calls: creates, updates and deletes guarded by mod revision
// compares, paged lists pinned to the first page's revision, count_only, and watches with
// progress notifications and previous values.

const PROGRESS_NOTIFY_MS = 300;
const b = (s: string) => Buffer.from(s);
const prefixEnd = (prefix: string) => {
  const end = b(prefix);
  end[end.length - 1]++;
  return end;
};

let cluster: LocalCluster;

beforeAll(async () => {
  process.env.QUORUMKV_WATCH_PROGRESS_NOTIFY_MS = String(PROGRESS_NOTIFY_MS);
  cluster = await startTestCluster({ storage: 3, writers: 1 });
}, 120_000);

afterAll(async () => {
  delete process.env.QUORUMKV_WATCH_PROGRESS_NOTIFY_MS;
  if (cluster) await stopTestCluster(cluster);
}, 30_000);

function unary<Req, Res>(client: grpc.Client, method: string, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as unknown as Record<string, (r: Req, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Res) => void) => void>)[method](
      request, { deadline: Date.now() + 15_000 }, (error, response) => (error ? reject(error) : resolve(response as Res)));
  });
}

for (const via of ['writer', 'gateway'] as const) {
  describe(`Kubernetes' storage patterns through the ${via}`, () => {
    let kv: EtcdKVClient;
    let watch: EtcdWatchClient;
    const p = `/registry/${via}/pods/`;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const call = <Res = any>(method: string, request: object) => unary<object, Res>(kv, method, request);

    beforeAll(() => {
      const address = via === 'writer' ? cluster.topology.writers[0].listen : cluster.topology.gateway.listen;
      kv = new EtcdKV(address, testClientCredentials());
      watch = new EtcdWatch(address, testClientCredentials());
    });

    afterAll(() => {
      kv?.close();
      watch?.close();
    });

    const create = (key: string, value: string) =>
      call('txn', {
        compare: [{ key: b(key), target: 'MOD', result: 'EQUAL', modRevision: 0 }],
        success: [{ requestPut: { key: b(key), value: b(value) } }],
      });
    const update = (key: string, value: string, revision: string | number) =>
      call('txn', {
        compare: [{ key: b(key), target: 'MOD', result: 'EQUAL', modRevision: revision }],
        success: [{ requestPut: { key: b(key), value: b(value) } }],
        failure: [{ requestRange: { key: b(key) } }],
      });

    it('create is a Txn on mod revision 0; a second create fails', async () => {
      const first = await create(`${p}a`, 'v1');
      expect(first.succeeded).toBe(true);
      expect(Number(first.header.revision)).toBeGreaterThan(1);
      expect((await create(`${p}a`, 'v2')).succeeded).toBe(false);
    });

    it('update compares the mod revision, and the failure branch returns the current object', async () => {
      const current = (await call('range', { key: b(`${p}a`) })).kvs[0];
      const updated = await update(`${p}a`, 'v2', current.modRevision);
      expect(updated.succeeded).toBe(true);
      const stale = await update(`${p}a`, 'v3', current.modRevision);
      expect(stale.succeeded).toBe(false);
      const latest = stale.responses[0].responseRange.kvs[0];
      expect(latest.value.toString()).toBe('v2');
      expect(latest.modRevision).toBe(updated.header.revision);
    });

    it('delete uses the same compare; the failure branch returns the object', async () => {
      await create(`${p}gone`, 'x');
      const rev = (await call('range', { key: b(`${p}gone`) })).kvs[0].modRevision;
      const missed = await call('txn', {
        compare: [{ key: b(`${p}gone`), target: 'MOD', result: 'EQUAL', modRevision: Number(rev) - 1 }],
        success: [{ requestDeleteRange: { key: b(`${p}gone`), prevKv: true } }],
        failure: [{ requestRange: { key: b(`${p}gone`) } }],
      });
      expect(missed.succeeded).toBe(false);
      const deleted = await call('txn', {
        compare: [{ key: b(`${p}gone`), target: 'MOD', result: 'EQUAL', modRevision: rev }],
        success: [{ requestDeleteRange: { key: b(`${p}gone`), prevKv: true } }],
        failure: [{ requestRange: { key: b(`${p}gone`) } }],
      });
      expect(deleted.succeeded).toBe(true);
      expect(deleted.responses[0].responseDeleteRange.prevKvs[0].value.toString()).toBe('x');
    });

    it('lists in pages pinned to the first page\'s revision, while writes go on; count_only counts', async () => {
      for (let i = 0; i < 25; i++) await create(`${p}list/${String(i).padStart(2, '0')}`, `v${i}`);
      const listPrefix = `${p}list/`;
      const first = await call('range', { key: b(listPrefix), rangeEnd: prefixEnd(listPrefix), limit: 10 });
      expect(first.kvs).toHaveLength(10);
      expect(first.more).toBe(true);
      expect(Number(first.count)).toBe(25);
      const pinned = first.header.revision;
      // Writes after the first page must not show in the later ones.
      await create(`${listPrefix}00a`, 'late');
      await call('deleteRange', { key: b(`${listPrefix}24`) });
      const keys = first.kvs.map((k: { key: Buffer }) => k.key.toString());
      let more = first.more;
      let from = Buffer.concat([first.kvs[first.kvs.length - 1].key, Buffer.of(0)]);
      while (more) {
        const page = await call('range', { key: from, rangeEnd: prefixEnd(listPrefix), limit: 10, revision: pinned });
        keys.push(...page.kvs.map((k: { key: Buffer }) => k.key.toString()));
        more = page.more;
        if (page.kvs.length > 0) from = Buffer.concat([page.kvs[page.kvs.length - 1].key, Buffer.of(0)]);
      }
      expect(keys).toEqual(Array.from({ length: 25 }, (_, i) => `${listPrefix}${String(i).padStart(2, '0')}`));
      const counted = await call('range', { key: b(listPrefix), rangeEnd: prefixEnd(listPrefix), countOnly: true });
      expect(counted.kvs).toEqual([]);
      expect(Number(counted.count)).toBe(25);
      const all = await call('range', { key: b(listPrefix), rangeEnd: prefixEnd(listPrefix), limit: 0 });
      expect(all.kvs).toHaveLength(25);
      expect(all.more).toBe(false);
    });

    it('watches with progress notifications and previous values, and answers a progress request', async () => {
      const key = `${p}watched`;
      await create(key, 'one');
      const start = Number((await call('range', { key: b(key) })).header.revision) + 1;
      const stream = watch.watch();
      const responses: WatchResponse__Output[] = [];
      const waitFor = (test: (r: WatchResponse__Output) => boolean, what: string) =>
        new Promise<WatchResponse__Output>((resolve, reject) => {
          const found = responses.find(test);
          if (found) return resolve(found);
          const timer = setTimeout(() => reject(new Error(`no ${what} within 10 s: ${JSON.stringify(responses)}`)), 10_000);
          const onData = (r: WatchResponse__Output) => {
            if (!test(r)) return;
            clearTimeout(timer);
            stream.off('data', onData);
            resolve(r);
          };
          stream.on('data', onData);
        });
      stream.on('data', (r: WatchResponse__Output) => responses.push(r));
      stream.on('error', () => undefined);
      try {
        stream.write({ createRequest: { key: b(p), rangeEnd: prefixEnd(p), startRevision: start, progressNotify: true, prevKv: true } });
        stream.write({ createRequest: { key: b(key), startRevision: start, filters: ['NOPUT'] } });
        const [created0, created1] = [await waitFor((r) => r.created && r.watchId === '0', 'created 0'), await waitFor((r) => r.created && r.watchId === '1', 'created 1')];
        expect(responses.indexOf(created0)).toBeLessThan(responses.indexOf(created1));
        expect(Number(created0.header!.revision)).toBeGreaterThanOrEqual(start - 1);
        const current = (await call('range', { key: b(key) })).kvs[0];
        await update(key, 'two', current.modRevision);
        await call('deleteRange', { key: b(key) });
        const deletion = await waitFor((r) => r.watchId === '0' && r.events.some((e) => e.type === 'DELETE'), 'delete event');
        const event = deletion.events.find((e) => e.type === 'DELETE')!;
        expect(event.prevKv!.value.toString()).toBe('two');
        const put = responses.find((r) => r.watchId === '0' && r.events.some((e) => e.type === 'PUT'))!.events[0];
        expect(put.prevKv!.value.toString()).toBe('one');
        // The NOPUT watch sees only the delete.
        const filtered = await waitFor((r) => r.watchId === '1' && r.events.length > 0, 'filtered event');
        expect(filtered.events.map((e) => e.type)).toEqual(['DELETE']);
        // An idle watch with progress_notify gets a progress response at the current revision.
        const deletedAt = Number(event.kv!.modRevision);
        const progress = await waitFor((r) => r.watchId === '0' && !r.created && r.events.length === 0 && Number(r.header!.revision) >= deletedAt, 'progress notification');
        expect(progress.canceled).toBe(false);
        stream.write({ progressRequest: {} });
        const answered = await waitFor((r) => r.watchId === '-1', 'progress request answer');
        expect(Number(answered.header!.revision)).toBeGreaterThanOrEqual(deletedAt);
        stream.write({ cancelRequest: { watchId: 1 } });
        await waitFor((r) => r.watchId === '1' && r.canceled, 'cancel');
      } finally {
        stream.cancel();
      }
    });
  });
}
