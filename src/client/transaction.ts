import { ConflictError, TooOldError } from '../errors.js';
import type { KeyRange } from '../gen/quorumkv/v1/KeyRange.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { RequestOp } from '../gen/quorumkv/v1/RequestOp.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { bytes, rangeEndFor, type Bytes } from './bytes.js';
import type { KeyValue, QuorumkvClient, RangeOptions } from './client.js';
import { backoffMs } from './retry-policy.js';

// runTransaction: reads at one snapshot revision, remembers what it read (the read set),
// buffers its writes, and commits them with the read set; the store aborts the commit if any of
// it was written after the snapshot (first committer wins), and the body runs again.

export const DEFAULT_MAX_ATTEMPTS = 20;
const CONFLICT_BACKOFF_BASE_MS = 5;
const CONFLICT_BACKOFF_CAP_MS = 500;

export interface RunTransactionOptions {
  /** Attempts before the last conflict is thrown. */
  maxAttempts?: number;
}

export class Transaction {
  private revision = 0;
  private fixing: Promise<RangeResponse__Output> | undefined;
  private readonly readSet: KeyRange[] = [];
  private readonly ops: RequestOp[] = [];
  private readonly written = new Map<string, Buffer | null>();

  constructor(private readonly client: QuorumkvClient) {}

  /** The snapshot revision, once the first read fixed it (0 before). */
  get readRevision(): number {
    return this.revision;
  }

  /** Reads one key at the snapshot; sees this transaction's own puts and deletes of that key. */
  async get(key: Bytes): Promise<KeyValue | undefined> {
    const keyBytes = bytes(key);
    const own = this.written.get(keyBytes.toString('latin1'));
    if (own !== undefined) return own === null ? undefined : ownValue(keyBytes, own);
    const response = await this.range(keyBytes);
    return response.kvs[0];
  }

  /** Reads a range at the snapshot (not overlaid with this transaction's own writes). */
  async range(key: Bytes, options: Omit<RangeOptions, 'revision' | 'serializable'> = {}): Promise<RangeResponse__Output> {
    const keyBytes = bytes(key);
    this.readSet.push({ key: keyBytes, rangeEnd: rangeEndFor(keyBytes, options) });
    // The first read fixes the snapshot revision; reads issued meanwhile wait for it and then
    // read at exactly that revision, so no read can see a state older than the snapshot.
    if (this.revision === 0 && !this.fixing) {
      this.fixing = this.client.range(keyBytes, options).then((response) => {
        this.revision = response.header?.revision ?? 0;
        return response;
      });
      return this.fixing;
    }
    if (this.revision === 0) await this.fixing!.catch(() => undefined);
    return this.client.range(keyBytes, { ...options, revision: this.revision || undefined });
  }

  put(key: Bytes, value: Bytes): void {
    const keyBytes = bytes(key);
    this.ops.push({ requestPut: { key: keyBytes, value: bytes(value) } });
    this.written.set(keyBytes.toString('latin1'), bytes(value));
  }

  delete(key: Bytes, options: { prefix?: boolean; rangeEnd?: Bytes } = {}): void {
    const keyBytes = bytes(key);
    this.ops.push({ requestDeleteRange: { key: keyBytes, rangeEnd: rangeEndFor(keyBytes, options) } });
    if (!options.prefix && options.rangeEnd === undefined) this.written.set(keyBytes.toString('latin1'), null);
  }

  /** Adds to an integer key when the transaction commits (a merge: never a conflict by itself). */
  add(key: Bytes, delta: number): void {
    this.ops.push({ requestAdd: { key: bytes(key), delta } });
  }

  /** Commits the buffered writes with the read set; ConflictError or TooOldError if it lost. */
  async commit(): Promise<TxnResponse__Output | undefined> {
    if (this.ops.length === 0) return undefined;
    return this.client.txn({
      success: this.ops,
      readRevision: this.readSet.length > 0 ? this.revision : 0,
      readSet: this.readSet,
    });
  }
}

function ownValue(key: Buffer, value: Buffer): KeyValue {
  // Revisions of an uncommitted write are not known yet.
  return { key, value, createRevision: 0, modRevision: 0, version: 0, lease: 0 };
}

export async function runTransaction<T>(
  client: QuorumkvClient,
  body: (tx: Transaction) => Promise<T>,
  options: RunTransactionOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  for (let attempt = 0; ; attempt++) {
    const tx = new Transaction(client);
    const result = await body(tx);
    try {
      await tx.commit();
      return result;
    } catch (error) {
      const lost = error instanceof ConflictError || error instanceof TooOldError;
      if (!lost || attempt + 1 >= maxAttempts) throw error;
      client.stats.conflictRetries++;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, CONFLICT_BACKOFF_BASE_MS, CONFLICT_BACKOFF_CAP_MS)));
    }
  }
}
