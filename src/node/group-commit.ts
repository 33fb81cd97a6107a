import { OverloadedError, UnavailableError } from '../errors.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';

// Group commit at the writer: concurrent transactions are queued and sent to the storage tier
// as one append (one log entry, one fsync on each member). Several appends may be in flight at
// once so that the next batch fills while the previous one commits.

export interface GroupCommitLimits {
  /** Transactions in one append. */
  maxBatchTxns: number;
  /** Approximate encoded bytes in one append (keys plus values). */
  maxBatchBytes: number;
  /** Appends awaiting their commit at once. */
  maxInFlightAppends: number;
  /** Transactions waiting for a batch; more are refused with RESOURCE_EXHAUSTED. */
  maxQueuedTxns: number;
}

export const DEFAULT_GROUP_COMMIT_LIMITS: GroupCommitLimits = {
  maxBatchTxns: 256,
  maxBatchBytes: 1024 * 1024,
  maxInFlightAppends: 2,
  maxQueuedTxns: 10_000,
};

/** Each transaction's response, or the error that refused it alone (the rest of the batch stands). */
export type AppendFn = (txns: TxnRequest__Output[]) => Promise<Array<TxnResponse__Output | Error>>;


interface Queued {
  txn: TxnRequest__Output;
  bytes: number;
  resolve(response: TxnResponse__Output): void;
  reject(error: unknown): void;
}

export class GroupCommitter {
  private queue: Queued[] = [];
  private inFlight = 0;

  constructor(
    private readonly append: AppendFn,
    private readonly limits: GroupCommitLimits = DEFAULT_GROUP_COMMIT_LIMITS,
    private readonly onBatch: (size: number) => void = () => {},
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  commit(txn: TxnRequest__Output): Promise<TxnResponse__Output> {
    if (this.queue.length >= this.limits.maxQueuedTxns) {
      return Promise.reject(new OverloadedError(`${this.queue.length} writes are queued on this writer; retry later`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ txn, bytes: approximateBytes(txn), resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.limits.maxInFlightAppends) {
      const batch = this.takeBatch();
      this.inFlight++;
      this.onBatch(batch.length);
      this.append(batch.map((q) => q.txn)).then(
        (responses) =>
          batch.forEach((q, i) => {
            const response = responses[i] ?? new UnavailableError('the storage tier returned fewer outcomes than writes; retry');
            if (response instanceof Error) q.reject(response);
            else q.resolve(response);
          }),
        (error: unknown) => batch.forEach((q) => q.reject(error)),
      ).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private takeBatch(): Queued[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < this.limits.maxBatchTxns) {
      const next = this.queue[count].bytes;
      if (count > 0 && bytes + next > this.limits.maxBatchBytes) break;
      bytes += next;
      count++;
    }
    return this.queue.splice(0, count);
  }
}

/**
 * About the encoded size of a transaction in an append: a fixed overhead per txn, op and compare,
 * plus every variable-length field — keys, values, range ends, add keys, compare values, the read
 * set and the request ids — so a batch under maxBatchBytes stays under the message limit.
 */
export function approximateBytes(txn: TxnRequest__Output): number {
  let bytes = 16 + Buffer.byteLength(txn.requestId);
  for (const op of [...txn.success, ...txn.failure]) {
    bytes += 16;
    if (op.requestPut) bytes += op.requestPut.key.length + op.requestPut.value.length + Buffer.byteLength(op.requestPut.requestId);
    if (op.requestDeleteRange) bytes += op.requestDeleteRange.key.length + op.requestDeleteRange.rangeEnd.length + Buffer.byteLength(op.requestDeleteRange.requestId);
    if (op.requestRange) bytes += op.requestRange.key.length + op.requestRange.rangeEnd.length;
    if (op.requestAdd) bytes += op.requestAdd.key.length;
  }
  for (const compare of txn.compare) bytes += 16 + compare.key.length + compare.rangeEnd.length + (compare.value?.length ?? 0);
  for (const read of txn.readSet) bytes += 16 + read.key.length + read.rangeEnd.length;
  return bytes;
}
