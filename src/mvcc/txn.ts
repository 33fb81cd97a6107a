import type { AddRequest__Output } from '../gen/quorumkv/v1/AddRequest.js';
import type { DeleteRangeRequest__Output } from '../gen/quorumkv/v1/DeleteRangeRequest.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
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
import { executeRange } from './range.js';

export type TxnExecution =
  | {
      response: TxnResponse__Output;
      /** Every write, in the order made; empty if the transaction changed nothing. */
      changes: Change[];
      rejected?: undefined;
    }
  | { rejected: string };

/** An op that cannot apply to the state it meets (an add to a non-integer, or one that overflows). */
class OpRejection extends Error {}

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
): Promise<TxnExecution> {
  view.overlay.checkpoint();
  const succeeded = await allComparesHold(view, txn);
  const ops = succeeded ? txn.success : txn.failure;
  const changes: Change[] = [];
  const responses: ResponseOp__Output[] = [];
  try {
    for (const op of ops) responses.push(await executeOp(view, op, writeRevision, changes));
  } catch (error) {
    if (!(error instanceof OpRejection)) throw error;
    view.overlay.rollback();
    return { rejected: error.message };
  }
  view.overlay.checkpoint();
  assert(responses.length === ops.length, 'one response per op');
  return { response: { header: null, succeeded, responses }, changes };
}

async function allComparesHold(view: ApplyView, txn: TxnRequest__Output): Promise<boolean> {
  for (const compare of txn.compare) if (!(await compareHolds(view, compare))) return false;
  return true;
}

async function executeOp(
  view: ApplyView,
  op: RequestOp__Output,
  writeRevision: number,
  changes: Change[],
): Promise<ResponseOp__Output> {
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
  writeValue(view, request.key, request.value, previous, writeRevision, changes);
  return { header: null, prevKv: request.prevKv ? previous : null };
}

/** Adds to the decimal integer at the key (missing: 0) and writes the sum as a put would. */
async function add(view: ApplyView, request: AddRequest__Output, writeRevision: number, changes: Change[]) {
  const previous = await view.get(request.key);
  const result = addToStored(request.key, previous === null ? null : previous.value, request.delta);
  if (!result.ok) throw new OpRejection(result.problem);
  writeValue(view, request.key, result.text, previous, writeRevision, changes);
  return { header: null, value: result.value };
}

function writeValue(
  view: ApplyView,
  key: Buffer,
  value: Buffer,
  previous: KeyValue__Output | null,
  writeRevision: number,
  changes: Change[],
): void {
  const kv: KeyValue__Output = {
    key,
    createRevision: previous === null ? writeRevision : previous.createRevision,
    modRevision: writeRevision,
    version: previous === null ? 1 : previous.version + 1,
    value,
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
    view.overlay.write(kv.key, null, writeRevision);
    changes.push(deletionOf(kv.key, writeRevision));
  }
  return { header: null, deleted: doomed.length, prevKvs: request.prevKv ? doomed : [] };
}
