import type { Compare } from '../gen/quorumkv/v1/Compare.js';
import type { RequestOp } from '../gen/quorumkv/v1/RequestOp.js';
import type { ResponseOp__Output } from '../gen/quorumkv/v1/ResponseOp.js';
import type { TxnRequest } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { bytes, rangeEndFor } from '../client/bytes.js';
import { UsageError } from './usage-error.js';

// The JSON form of a transaction for `quorumkv txn` (README "Transactions from the command
// line"). Keys and values are UTF-8 strings; ranges are `"prefix": true` or `"rangeEnd"`.

const TARGETS: Record<string, { target: Compare['target']; field: 'version' | 'createRevision' | 'modRevision' | 'value' }> = {
  version: { target: 'VERSION', field: 'version' },
  create: { target: 'CREATE', field: 'createRevision' },
  mod: { target: 'MOD', field: 'modRevision' },
  value: { target: 'VALUE', field: 'value' },
};
const RESULTS: Record<string, Compare['result']> = { '=': 'EQUAL', '!=': 'NOT_EQUAL', '>': 'GREATER', '<': 'LESS' };

type Json = Record<string, unknown>;

function fail(where: string, message: string): never {
  throw new UsageError(`txn JSON ${where}: ${message}`);
}

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'expected an object');
  return value as Json;
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(where, 'expected a string');
  return value as string;
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(where, 'expected an array');
  return value as unknown[];
}

function range(o: Json, where: string) {
  const key = bytes(string(o.key, `${where}.key`));
  return { key, rangeEnd: rangeEndFor(key, { prefix: o.prefix === true, rangeEnd: o.rangeEnd === undefined ? undefined : string(o.rangeEnd, `${where}.rangeEnd`) }) };
}

function compare(value: unknown, where: string): Compare {
  const o = object(value, where);
  const target = TARGETS[string(o.target, `${where}.target`)] ?? fail(where, `target must be one of ${Object.keys(TARGETS).join(', ')}`);
  const result = RESULTS[string(o.result, `${where}.result`)] ?? fail(where, `result must be one of ${Object.keys(RESULTS).join(' ')}`);
  const operand = target.field === 'value' ? bytes(string(o.value, `${where}.value`)) : Number(o.value);
  if (typeof operand === 'number' && !Number.isSafeInteger(operand)) fail(`${where}.value`, 'expected an integer');
  return { ...range(o, where), target: target.target, result, [target.field]: operand };
}

function op(value: unknown, where: string): RequestOp {
  const o = object(value, where);
  const kinds = Object.keys(o);
  if (kinds.length !== 1) fail(where, 'an op is one of {"get":…}, {"put":…}, {"delete":…}, {"add":…}');
  const body = object(o[kinds[0]], `${where}.${kinds[0]}`);
  switch (kinds[0]) {
    case 'get':
      return { requestRange: range(body, `${where}.get`) };
    case 'put':
      return { requestPut: { key: bytes(string(body.key, `${where}.put.key`)), value: bytes(string(body.value, `${where}.put.value`)) } };
    case 'delete':
      return { requestDeleteRange: range(body, `${where}.delete`) };
    case 'add': {
      const delta = Number(body.delta);
      if (!Number.isSafeInteger(delta)) fail(`${where}.add.delta`, 'expected an integer');
      return { requestAdd: { key: bytes(string(body.key, `${where}.add.key`)), delta } };
    }
    default:
      return fail(where, `unknown op ${JSON.stringify(kinds[0])}; use get, put, delete or add`);
  }
}

export function parseTxnJson(text: string): TxnRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`txn JSON is not valid JSON: ${(error as Error).message}`);
  }
  const o = object(parsed, '(top level)');
  const readRevision = o.readRevision === undefined ? 0 : Number(o.readRevision);
  if (!Number.isSafeInteger(readRevision) || readRevision < 0) fail('readRevision', 'expected a non-negative integer');
  return {
    compare: list(o.compare, 'compare').map((c, i) => compare(c, `compare[${i}]`)),
    success: list(o.success, 'success').map((s, i) => op(s, `success[${i}]`)),
    failure: list(o.failure, 'failure').map((f, i) => op(f, `failure[${i}]`)),
    readRevision,
    readSet: list(o.readSet, 'readSet').map((r, i) => range(object(r, `readSet[${i}]`), `readSet[${i}]`)),
    requestId: o.requestId === undefined ? undefined : string(o.requestId, 'requestId'),
  };
}

/** The outcome of a committed transaction as printed by `quorumkv txn`. */
export function txnOutcomeJson(response: TxnResponse__Output) {
  return {
    outcome: response.succeeded ? ('committed' as const) : ('compare-failed' as const),
    succeeded: response.succeeded,
    revision: response.header?.revision ?? 0,
    responses: response.responses.map(responseJson),
  };
}

function responseJson(r: ResponseOp__Output) {
  if (r.responseRange) {
    return { get: r.responseRange.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString(), modRevision: kv.modRevision, version: kv.version })) };
  }
  if (r.responsePut) return { put: 'ok' };
  if (r.responseDeleteRange) return { deleted: r.responseDeleteRange.deleted };
  if (r.responseAdd) return { value: r.responseAdd.value };
  return {};
}

export type PrintedOutcome = ReturnType<typeof txnOutcomeJson> | { outcome: 'conflict'; key: string; revision: number; message: string } | { outcome: 'too-old'; message: string };

/** The outcome for people (`--output table`): what happened, then one line for each response. */
export function txnOutcomeText(o: PrintedOutcome): string {
  if (o.outcome === 'conflict') return `conflict on ${JSON.stringify(o.key)}, written at revision ${o.revision}: ${o.message}`;
  if (o.outcome === 'too-old') return `too old: ${o.message}`;
  const lines = [`${o.outcome} at revision ${o.revision}`];
  for (const r of o.responses) {
    if (r.get) lines.push(r.get.length === 0 ? 'get: no keys' : `get: ${r.get.map((kv) => `${kv.key}=${kv.value} (mod ${kv.modRevision})`).join(', ')}`);
    else if (r.put) lines.push('put: ok');
    else if (r.deleted !== undefined) lines.push(`deleted: ${r.deleted}`);
    else if (r.value !== undefined) lines.push(`value: ${r.value}`);
  }
  return lines.join('\n');
}
