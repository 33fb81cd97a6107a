/**
 * History workload: versions of a few keys, some of them large (up to near the value limit), read
 * back at the revisions they were written at: by plain ranges from every endpoint, and by
 * transactions that read at the old revision while they write, so every member must decide alike
 * a transaction that reads below or near its compact revision (the replica hash check then sees a
 * member that did not). A read at revision R of a key written at R must return exactly that
 * version, or refuse R as compacted.
 */
import { createHash } from 'node:crypto';
import { MAX_VALUE_BYTES } from '../../api/limits.js';
import type { OpRecord } from '../history.js';
import type { SeededRandom } from '../random.js';
import { loop, writeEndpoints, type CheckVerdict, type Workload, type WorkloadContext } from './workload.js';

const KEYS = 4;
/** One put in this many is large: 256 KiB up to the value limit, less room for the request's other fields. */
const LARGE_EVERY = 25;
const LARGE_MIN_BYTES = 256 * 1024;
const LARGE_MAX_BYTES = MAX_VALUE_BYTES - 4 * 1024;
/** The versions a worker may read back: the newest acknowledged ones of every worker. */
const KNOWN_VERSIONS = 256;

interface Version {
  key: string;
  revision: number;
  digest: string;
}

/** Acknowledged versions, shared by the workers of one run. */
const versionsOf = new WeakMap<WorkloadContext, Version[]>();

function digest(value: Buffer): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

function valueFor(worker: string, sequence: number, random: SeededRandom): Buffer {
  const size = sequence % LARGE_EVERY === 0 ? random.int(LARGE_MIN_BYTES, LARGE_MAX_BYTES) : random.int(16, 512);
  const value = Buffer.alloc(size, sequence % 251);
  value.write(`${worker}.${sequence}:`);
  return value;
}

export const historyWorkload: Workload = {
  name: 'history',
  workers: 2,
  setup: async (ctx) => {
    versionsOf.set(ctx, []);
  },
  async worker(ctx, index, random) {
    const worker = `history-${index}`;
    const known = versionsOf.get(ctx)!;
    let sequence = 0;
    await loop(ctx, async () => {
      const roll = random.next();
      if (roll < 0.5 || known.length === 0) {
        const endpoint = random.pick(writeEndpoints(ctx));
        const key = `${ctx.prefix}k${random.int(0, KEYS - 1)}`;
        const value = valueFor(worker, ++sequence, random);
        const op = ctx.history.begin({ workload: 'history', worker, endpoint: endpoint.name, f: 'put', key, args: { bytes: value.length, digest: digest(value) } });
        try {
          const revision = (await endpoint.client.put(key, value)).header!.revision;
          op.ok({ revision });
          known.push({ key, revision, digest: digest(value) });
          if (known.length > KNOWN_VERSIONS) known.shift();
        } catch (error) {
          op.error(error, true);
        }
        return;
      }
      const version = random.pick(known);
      if (roll < 0.75) {
        const endpoint = random.pick(ctx.endpoints);
        const op = ctx.history.begin({ workload: 'history', worker, endpoint: endpoint.name, f: 'read-at', key: version.key, args: { revision: version.revision } });
        try {
          const kv = (await endpoint.client.range(version.key, { revision: version.revision })).kvs[0];
          op.ok(kv === undefined ? { found: false } : { found: true, modRevision: kv.modRevision, digest: digest(kv.value) });
        } catch (error) {
          op.error(error, false);
        }
        return;
      }
      const endpoint = random.pick(writeEndpoints(ctx));
      const marker = `${ctx.prefix}txn/${worker}`;
      const op = ctx.history.begin({ workload: 'history', worker, endpoint: endpoint.name, f: 'txn-read-at', key: version.key, args: { revision: version.revision } });
      try {
        const response = await endpoint.client.txn({
          success: [
            { requestRange: { key: Buffer.from(version.key), revision: version.revision } },
            { requestPut: { key: Buffer.from(marker), value: Buffer.from(String(++sequence)) } },
          ],
        });
        const kv = response.responses[0]?.responseRange?.kvs[0];
        op.ok(kv === undefined ? { found: false } : { found: true, modRevision: kv.modRevision, digest: digest(kv.value) });
      } catch (error) {
        op.error(error, true);
      }
    });
  },
  async check(ctx): Promise<CheckVerdict> {
    const written = new Map<string, string>();
    let large = 0;
    for (const op of ctx.history.ops) {
      if (op.workload !== 'history' || op.f !== 'put' || op.outcome !== 'ok') continue;
      written.set(`${op.key}@${(op.output as { revision: number }).revision}`, String(op.args!.digest));
      if (Number(op.args!.bytes) >= LARGE_MIN_BYTES) large++;
    }
    const wrong: Array<Pick<OpRecord, 'id' | 'f' | 'key' | 'endpoint' | 'args' | 'output'>> = [];
    let checked = 0;
    let refused = 0;
    for (const op of ctx.history.ops) {
      if (op.workload !== 'history' || op.f === 'put') continue;
      if (op.outcome !== 'ok') {
        if (op.outcome === 'fail') refused++;
        continue;
      }
      checked++;
      const revision = Number(op.args!.revision);
      const output = op.output as { found: boolean; modRevision?: number; digest?: string };
      if (!output.found || output.modRevision !== revision || output.digest !== written.get(`${op.key}@${revision}`)) {
        wrong.push({ id: op.id, f: op.f, key: op.key, endpoint: op.endpoint, args: op.args, output: op.output });
      }
    }
    return {
      ok: wrong.length === 0,
      summary: `${written.size} versions acknowledged (${large} large); ${checked} reads at old revisions returned exactly the version written there${wrong.length > 0 ? `, ${wrong.length} did not` : ''}; ${refused} refused (compacted or failed)`,
      detail: { versions: written.size, large, checked, refused, wrong: wrong.slice(0, 20) },
    };
  },
};
