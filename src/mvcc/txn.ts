import type { AddRequest__Output } from '../gen/quorumkv/v1/AddRequest.js';
import type { DeleteRangeRequest__Output } from '../gen/quorumkv/v1/DeleteRangeRequest.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { LeaseGrantRequest__Output } from '../gen/quorumkv/v1/LeaseGrantRequest.js';
import type { LeaseRevokeRequest__Output } from '../gen/quorumkv/v1/LeaseRevokeRequest.js';
import type { PutRequest__Output } from '../gen/quorumkv/v1/PutRequest.js';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RequestOp__Output } from '../gen/quorumkv/v1/RequestOp.js';
import type { ResponseOp__Output } from '../gen/quorumkv/v1/ResponseOp.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import type { ApplyView } from './apply-view.js';
import { assert } from './assert.js';
import { deletionOf, type Change } from './change-log.js';
import { compareHolds } from './compare.js';
import { addToStored } from './integer-add.js';
import { resolveRange } from './key-range.js';
import { LEASE_ID_PROBES, MAX_LEASE_TTL_SECONDS, MIN_LEASE_TTL_SECONDS, type LeaseRecord } from './lease-table.js';
import { executeRange } from './range.js';

/** What a transaction did to leases, for the storage leader's clock (src/lease/). */
export interface LeaseEffects {
  granted: LeaseRecord[];
  revoked: number[];
}

export type TxnExecution =
  | {
      response: TxnResponse__Output;
      /** Every write, in the order made; empty if the transaction changed nothing. */
      changes: Change[];
      leases: LeaseEffects;
      rejected?: undefined;
    }
  | { rejected: string; leaseNotFound?: number; leaseExists?: number };

/**
 * Picks the id of a lease granted without one: a function of the op's place in the log and of the
 * attempt, so every member picks the same one.
 */
export type LeaseIdPicker = (op: number, attempt: number) => number;

/** An op that cannot apply to the state it meets (an add to a non-integer, or one that overflows). */
class OpRejection extends Error {
  constructor(
    message: string,
    readonly lease?: { notFound?: number; exists?: number },
  ) {
    super(message);
  }
}

/** What every op of one transaction shares. */
interface OpContext {
  writeRevision: number;
  changes: Change[];
  leases: LeaseEffects;
  pickLeaseId: LeaseIdPicker;
}

/**
 * Runs one checked transaction against the view. Its writes all carry `writeRevision` (the store
 * revision + 1); the caller keeps that revision only if `changes` is non-empty, as etcd does.
 * If an op cannot apply to the state it meets, the transaction's writes are undone from the
 * overlay and it is rejected whole.
 */
export async function executeTxn(
  view: ApplyView,
  txn: TxnRequest__Output,
  writeRevision: number,
  pickLeaseId: LeaseIdPicker,
): Promise<TxnExecution> {
  view.checkpoint();
  const succeeded = await allComparesHold(view, txn);
  const ops = succeeded ? txn.success : txn.failure;
  const context: OpContext = { writeRevision, changes: [], leases: { granted: [], revoked: [] }, pickLeaseId };
  const responses: ResponseOp__Output[] = [];
  try {
    for (const [i, op] of ops.entries()) responses.push(await executeOp(view, op, i, context));
  } catch (error) {
    if (!(error instanceof OpRejection)) throw error;
    view.rollback();
    return { rejected: error.message, ...(error.lease?.notFound ? { leaseNotFound: error.lease.notFound } : {}), ...(error.lease?.exists ? { leaseExists: error.lease.exists } : {}) };
  }
  view.checkpoint();
  assert(responses.length === ops.length, 'one response per op');
  return { response: { header: null, succeeded, responses }, changes: context.changes, leases: context.leases };
}

async function allComparesHold(view: ApplyView, txn: TxnRequest__Output): Promise<boolean> {
  for (const compare of txn.compare) if (!(await compareHolds(view, compare))) return false;
  return true;
}

async function executeOp(view: ApplyView, op: RequestOp__Output, index: number, context: OpContext): Promise<ResponseOp__Output> {
  const { writeRevision, changes } = context;
  switch (op.request) {
    case 'requestRange':
      return { response: 'responseRange', responseRange: await range(view, op.requestRange!) };
    case 'requestPut':
      return { response: 'responsePut', responsePut: await put(view, op.requestPut!, writeRevision, changes) };
    case 'requestDeleteRange': {
      const result = await deleteRange(view, op.requestDeleteRange!, writeRevision, changes);
      return { response: 'responseDeleteRange', responseDeleteRange: result };
    }
    case 'requestAdd': {
      const result = await add(view, op.requestAdd!, writeRevision, changes);
      return { response: 'responseAdd', responseAdd: result };
    }
    case 'requestLeaseGrant':
      return { response: 'responseLeaseGrant', responseLeaseGrant: await grantLease(view, op.requestLeaseGrant!, index, context) };
    case 'requestLeaseRevoke':
      return { response: 'responseLeaseRevoke', responseLeaseRevoke: await revokeLease(view, op.requestLeaseRevoke!, context) };
    default:
      // checkTxn rejects ops without a request before any op runs.
      assert(false, 'unchecked op reached executeOp');
  }
}

async function range(view: ApplyView, request: RangeRequest__Output) {
  const source = request.revision > 0 ? view.at(request.revision) : view;
  return { header: null, ...(await executeRange(source, request)) };
}

async function put(view: ApplyView, request: PutRequest__Output, writeRevision: number, changes: Change[]) {
  const previous = await view.get(request.key);
  let lease = request.lease;
  if (request.ignoreLease) {
    if (previous === null) throw new OpRejection(`key ${JSON.stringify(request.key.toString('utf8'))} not found: ignore_lease needs a key to keep the lease of`);
    lease = previous.lease;
  } else if (lease !== 0 && (await view.leases.get(lease)) === null) {
    throw new OpRejection(leaseNotFound(lease), { notFound: lease });
  }
  writeValue(view, request.key, request.value, previous, writeRevision, changes, lease);
  return { header: null, prevKv: request.prevKv ? previous : null };
}

/** Grants a lease: the id asked for (refused if taken), or one picked from the op's place in the log. */
async function grantLease(view: ApplyView, request: LeaseGrantRequest__Output, index: number, context: OpContext) {
  const ttl = Math.max(request.ttl, MIN_LEASE_TTL_SECONDS);
  assert(ttl <= MAX_LEASE_TTL_SECONDS, 'checkTxn bounds lease TTLs');
  let id = request.id;
  if (id !== 0) {
    if ((await view.leases.get(id)) !== null) throw new OpRejection(`lease ${id.toString(16)} already exists`, { exists: id });
  } else {
    for (let attempt = 0; id === 0 && attempt < LEASE_ID_PROBES; attempt++) {
      const candidate = context.pickLeaseId(index, attempt);
      if ((await view.leases.get(candidate)) === null) id = candidate;
    }
    if (id === 0) throw new OpRejection(`no free lease id found in ${LEASE_ID_PROBES} tries; grant again`);
  }
  view.leases.grant({ id, ttl });
  context.leases.granted.push({ id, ttl });
  return { header: null, id, ttl };
}

/** Revokes a lease: it and every key attached to it are deleted, all at the transaction's revision. */
async function revokeLease(view: ApplyView, request: LeaseRevokeRequest__Output, context: OpContext) {
  if ((await view.leases.get(request.id)) === null) throw new OpRejection(leaseNotFound(request.id), { notFound: request.id });
  const doomed = await view.keysOfLease(request.id);
  for (const kv of doomed) {
    view.overlay.write(kv.key, null, context.writeRevision);
    context.changes.push(deletionOf(kv.key, context.writeRevision));
  }
  view.leases.revoke(request.id);
  context.leases.revoked.push(request.id);
  return { header: null, deleted: doomed.length };
}

function leaseNotFound(id: number): string {
  return `requested lease ${id.toString(16)} not found`;
}

/** Adds to the decimal integer at the key (missing: 0) and writes the sum as a put would. */
async function add(view: ApplyView, request: AddRequest__Output, writeRevision: number, changes: Change[]) {
  const previous = await view.get(request.key);
  const result = addToStored(request.key, previous === null ? null : previous.value, request.delta);
  if (!result.ok) throw new OpRejection(result.problem);
  // An add keeps the key's lease: it changes the value, not what keeps the key alive.
  writeValue(view, request.key, result.text, previous, writeRevision, changes, previous?.lease ?? 0);
  return { header: null, value: result.value };
}

function writeValue(
  view: ApplyView,
  key: Buffer,
  value: Buffer,
  previous: KeyValue__Output | null,
  writeRevision: number,
  changes: Change[],
  lease: number,
): void {
  const kv: KeyValue__Output = {
    key,
    createRevision: previous === null ? writeRevision : previous.createRevision,
    modRevision: writeRevision,
    version: previous === null ? 1 : previous.version + 1,
    value,
    lease,
  };
  assert(previous === null || previous.modRevision <= writeRevision, 'write goes back in revision');
  view.overlay.write(key, kv, writeRevision);
  changes.push({ kind: 'put', kv });
}

/**
 * Deletes every live key in the range. The matching keys are collected before any is deleted,
 * because the scan reads the very overlay the deletes write to.
 */
async function deleteRange(
  view: ApplyView,
  request: DeleteRangeRequest__Output,
  writeRevision: number,
  changes: Change[],
) {
  const range = resolveRange(request.key, request.rangeEnd);
  const doomed: KeyValue__Output[] = [];
  if (range !== null) for await (const kv of view.scan(range)) doomed.push(kv);
  for (const kv of doomed) {
    view.overlay.noteCommitted(kv);
    view.overlay.write(kv.key, null, writeRevision);
    changes.push(deletionOf(kv.key, writeRevision));
  }
  return { header: null, deleted: doomed.length, prevKvs: request.prevKv ? doomed : [] };
}
