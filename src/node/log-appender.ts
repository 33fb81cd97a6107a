import { ConflictError, DeadlineError, InvalidArgumentError, LeaseExistsError, LeaseNotFoundError, NotLeaderError, TooOldError, UnavailableError } from '../errors.js';
import type { AppendResponse__Output } from '../gen/quorumkv/internal/v1/AppendResponse.js';
import type { TxnOutcome__Output } from '../gen/quorumkv/internal/v1/TxnOutcome.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import type { Metrics } from '../observability/metrics.js';
import { Storage } from '../proto/services.js';
import { encodedCall, type StorageRouter } from './storage-router.js';

// Appends a batch of transactions to the shared log and turns each outcome into a response or
// a typed error. Every transaction carries a request id by now, so a batch whose outcome is
// unknown (the storage leader died or changed under it) is sent again: the storage tier applies
// each id at most once and answers a repeat with the outcome it recorded.

const RETRY_PAUSE_MS = [10, 25, 50, 100, 200, 300];

export class LogAppender {
  constructor(
    private readonly storage: StorageRouter,
    private readonly metrics: Metrics,
    private readonly timeoutMs: number,
    /** False while this writer reaches too few storage members to commit anything. */
    private readonly reachesStorage: () => boolean = () => true,
  ) {}

  async append(txns: TxnRequest__Output[]): Promise<Array<TxnResponse__Output | Error>> {
    const deadline = Date.now() + this.timeoutMs;
    // Cut off, nothing sent yet: refused at once, and safe for anyone to send elsewhere. Once an
    // append is out, its outcome is unknown until the storage tier answers, so it is not given up
    // early: a client without request ids (etcd's) that retried it could apply it twice.
    if (!this.reachesStorage()) throw new CutOffError();
    const request = Storage.service.Append.requestSerialize({ txns });
    for (let attempt = 0; ; attempt++) {
      try {
        const encoded = await this.storage.toLeader(deadline, encodedCall(Storage.service.Append, request));
        const response = Storage.service.Append.responseDeserialize(encoded) as AppendResponse__Output;
        return response.results.map((outcome) => this.toResult(outcome));
      } catch (error) {
        const unknownOutcome = error instanceof UnavailableError || error instanceof NotLeaderError;
        const pause = RETRY_PAUSE_MS[Math.min(attempt, RETRY_PAUSE_MS.length - 1)];
        if (!unknownOutcome) throw error;
        if (Date.now() + pause >= deadline) throw new DeadlineError(`the storage tier did not commit this write within ${this.timeoutMs} ms: ${(error as Error).message}`);
        this.metrics.appendRetries.inc();
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  private toResult(outcome: TxnOutcome__Output): TxnResponse__Output | Error {
    if (outcome.deduplicated) this.metrics.txns.inc({ outcome: 'deduplicated' });
    if (outcome.rejected) {
      this.metrics.txns.inc({ outcome: 'rejected' });
      if (outcome.leaseNotFound) return new LeaseNotFoundError(`${outcome.rejected}; nothing applied`);
      if (outcome.leaseExists) return new LeaseExistsError(`${outcome.rejected}; nothing applied`);
      return new InvalidArgumentError(`transaction refused, nothing applied: ${outcome.rejected}`);
    }
    if (outcome.conflict) {
      this.metrics.txns.inc({ outcome: 'conflict' });
      const { key, revision } = outcome.conflict;
      return new ConflictError(`conflict: key ${JSON.stringify(key.toString('utf8'))} was written at revision ${revision}, after this transaction read it; nothing applied`, key, revision);
    }
    if (outcome.tooOld) {
      this.metrics.txns.inc({ outcome: 'too_old' });
      const { readRevision, oldestRevision } = outcome.tooOld;
      return new TooOldError(`read revision ${readRevision} is too old: conflicts are checked from revision ${oldestRevision} on; read again and retry`);
    }
    if (!outcome.response) return new UnavailableError('the storage tier returned no outcome for this write; retry');
    this.metrics.txns.inc({ outcome: outcome.response.succeeded ? 'committed' : 'compare_failed' });
    return outcome.response;
  }
}

/** This writer reaches too few storage members to commit; another writer may not. */
class CutOffError extends UnavailableError {
  constructor() {
    super('this writer cannot reach a majority of the storage members; send the write to another writer');
  }
}
