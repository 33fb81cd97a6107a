// The cost of MvccStore.apply per transaction, by transactions per log entry and kind of
// transaction. A script, not part of `npm test`:
//
//   npx tsc -p tsconfig.json && node dist/test/mvcc/apply-cost.bench.js [rounds] [store module ...]
//
// Each store module (default: this build's mvcc-store.js) gets its own fresh LevelDB; for every
// workload they take turns, `rounds` times, so two builds can be compared in the same run on a
// noisy machine. Prints the median over the rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Level } from 'level';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import type { MvccStore } from '../../src/mvcc/mvcc-store.js';

type StoreClass = typeof MvccStore;
type Workload = 'put' | 'add' | 'readSet';

const ENTRIES = 200;
/** Entries applied per workload before measuring, so the JIT has warmed up. */
const WARMUP_ENTRIES = 200;
const KEYS = 1_000;
const PER_ENTRY = [1, 4, 16] as const;
const WORKLOADS: readonly Workload[] = ['put', 'add', 'readSet'];
/** How far behind the store revision a read-set transaction read (runTransaction style). */
const READ_LAG_REVISIONS = 3;

const key = (prefix: string, i: number): Buffer => Buffer.from(`${prefix}-${i % KEYS}`);

function txnFor(workload: Workload, i: number, revision: number): TxnRequest__Output {
  const base = { compare: [], failure: [], requestId: `id-${i}`, readRevision: 0, readSet: [] };
  const put = { request: 'requestPut' as const, requestPut: { key: key('key', i), value: Buffer.alloc(256), prevKv: false, requestId: '', lease: 0, ignoreLease: false } };
  switch (workload) {
    case 'put':
      return { ...base, success: [put] };
    case 'add':
      return { ...base, success: [{ request: 'requestAdd' as const, requestAdd: { key: key('ctr', i), delta: 1 } }] };
    case 'readSet':
      return {
        ...base,
        success: [put],
        readRevision: Math.max(0, revision - READ_LAG_REVISIONS),
        readSet: [
          { key: key('key', i + 7), rangeEnd: Buffer.alloc(0) },
          { key: key('other', i), rangeEnd: Buffer.alloc(0) },
        ],
      };
  }
}

/** A store on a fresh LevelDB, with the workload counter its transactions are numbered by. */
interface Subject {
  name: string;
  store: MvccStore;
  next: number;
  close(): Promise<void>;
}

async function openSubject(name: string, Store: StoreClass): Promise<Subject> {
  const dir = mkdtempSync(join(tmpdir(), 'quorumkv-apply-cost-'));
  const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const store = await Store.open(db.sublevel<Buffer, Buffer>('state', { keyEncoding: 'buffer', valueEncoding: 'buffer' }));
  const close = async (): Promise<void> => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { name, store, next: 0, close };
}

/** Applies `entries` entries of `perEntry` txns each; returns microseconds per txn. */
async function run(subject: Subject, workload: Workload, perEntry: number, entries: number): Promise<number> {
  const { store } = subject;
  const start = performance.now();
  for (let e = 0; e < entries; e++) {
    const txns = Array.from({ length: perEntry }, () => txnFor(workload, subject.next++, store.revision));
    await store.apply([{ index: store.appliedIndex + 1, term: 1, txns }]);
  }
  return ((performance.now() - start) / (entries * perEntry)) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const modules = process.argv.length > 3 ? process.argv.slice(3) : [new URL('../../src/mvcc/mvcc-store.js', import.meta.url).href];
  const subjects: Subject[] = [];
  for (const module of modules) {
    const url = module.startsWith('file:') ? module : pathToFileURL(resolve(module)).href;
    subjects.push(await openSubject(module, ((await import(url)) as { MvccStore: StoreClass }).MvccStore));
  }
  try {
    for (const subject of subjects) for (const workload of WORKLOADS) await run(subject, workload, 4, WARMUP_ENTRIES);
    console.log(`median µs per txn over ${rounds} rounds of ${ENTRIES} entries (subjects take turns each round)`);
    console.log(['workload'.padEnd(18), ...subjects.map((_, i) => `#${i + 1}`.padStart(7))].join(''));
    for (const workload of WORKLOADS) {
      for (const perEntry of PER_ENTRY) {
        const samples: number[][] = subjects.map(() => []);
        for (let round = 0; round < rounds; round++) {
          for (const [i, subject] of subjects.entries()) samples[i].push(await run(subject, workload, perEntry, ENTRIES));
        }
        const label = `${workload} ${perEntry}/entry`.padEnd(18);
        console.log([label, ...samples.map((values) => median(values).toFixed(0).padStart(7))].join(''));
      }
    }
    for (const [i, subject] of subjects.entries()) console.log(`#${i + 1} ${subject.name}`);
  } finally {
    for (const subject of subjects) await subject.close();
  }
}

await main();
