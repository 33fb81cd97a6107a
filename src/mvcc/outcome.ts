import type { TxnOutcome as WireTxnOutcome, TxnOutcome__Output } from '../gen/quorumkv/internal/v1/TxnOutcome.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { codecFor } from '../proto/codec.js';
import { assert } from './assert.js';
import type { LeaseEffects } from './txn.js';

/** How one transaction of the log was decided. At most one of rejected, conflict and tooOld is set. */
export interface TxnOutcome {
  /** `header` is left null for the caller to fill in. */
  response: TxnResponse__Output;
  /**
   * The store revision after this transaction (unchanged if it wrote nothing). For a deduplicated
   * transaction, the revision recorded with the original outcome.
   */
  revision: number;
  /**
   * Set when the transaction could not run at all (an unknown compare enum, an op with no request,
   * a range at a future or compacted revision, a read set at a future revision, an add to a value
   * that is not an integer or that would overflow): nothing of it was applied, `response.succeeded`
   * is false and `response.responses` is empty. Every member rejects it the same way.
   */
  rejected?: string;
  /** Set when a key of the read set was written after the read revision: nothing was applied. */
  conflict?: { key: Buffer; revision: number };
  /** Set when the read revision is older than the conflict window: nothing was applied. */
  tooOld?: { readRevision: number; oldestRevision: number };
  /** Set when the request id was seen before: this is the outcome recorded then; nothing was applied now. */
  deduplicated?: boolean;
  /** Set (with `rejected`) when a put or a revoke named a lease that does not exist. */
  leaseNotFound?: number;
  /** Set (with `rejected`) when a grant asked for a lease id that is taken. */
  leaseExists?: number;
  /** What the transaction granted and revoked (not recorded: a repeat of its id changes nothing). */
  leaseEffects?: LeaseEffects;
}

const outcomeCodec = codecFor<WireTxnOutcome, TxnOutcome__Output>('quorumkv.internal.v1.TxnOutcome');

/** The response of a transaction of which nothing was applied. */
export function abortedResponse(): TxnResponse__Output {
  return { header: null, succeeded: false, responses: [] };
}

/** What a request id is recorded with: its outcome, and the digest of the request it answers. */
export interface RecordedOutcome {
  outcome: TxnOutcome;
  /** Empty for a record kept before digests were: it matches any request. */
  digest: Buffer;
}

/** The bytes recorded for a request id: the outcome exactly as it was first returned, and the digest. */
export function encodeOutcome(outcome: TxnOutcome, digest: Buffer): Buffer {
  assert(outcome.deduplicated !== true, 'a deduplicated outcome is never recorded again');
  assert(digest.length > 0, 'an outcome is recorded with the digest of its request');
  return outcomeCodec.encode({
    response: outcome.response,
    revision: outcome.revision,
    rejected: outcome.rejected ?? '',
    conflict: outcome.conflict ?? null,
    tooOld: outcome.tooOld ?? null,
    requestDigest: digest,
    leaseNotFound: outcome.leaseNotFound ?? 0,
    leaseExists: outcome.leaseExists ?? 0,
  });
}

export function decodeOutcome(bytes: Buffer): RecordedOutcome {
  const wire = outcomeCodec.decode(bytes);
  assert(wire.response !== null, 'recorded outcome has no response');
  const outcome: TxnOutcome = { response: wire.response, revision: wire.revision };
  if (wire.rejected !== '') outcome.rejected = wire.rejected;
  if (wire.conflict !== null) outcome.conflict = { key: wire.conflict.key, revision: wire.conflict.revision };
  if (wire.tooOld !== null) {
    outcome.tooOld = { readRevision: wire.tooOld.readRevision, oldestRevision: wire.tooOld.oldestRevision };
  }
  if (wire.leaseNotFound !== 0) outcome.leaseNotFound = wire.leaseNotFound;
  if (wire.leaseExists !== 0) outcome.leaseExists = wire.leaseExists;
  return { outcome, digest: wire.requestDigest };
}
