import type { Compare__Output } from '../../src/gen/quorumkv/v1/Compare.js';
import type { KeyValue__Output } from '../../src/gen/quorumkv/v1/KeyValue.js';
import type { RangeRequest__Output } from '../../src/gen/quorumkv/v1/RangeRequest.js';
import type { ResponseOp__Output } from '../../src/gen/quorumkv/v1/ResponseOp.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../../src/gen/quorumkv/v1/TxnResponse.js';

/**
 * A deliberately naive in-memory reference of etcd v3 MVCC semantics (full copy of the state per
 * revision), written independently of src/mvcc so the two can be checked against each other.
 */
type State = Map<string, KeyValue__Output>;

const hex = (key: Buffer) => key.toString('hex');

export class ReferenceModel {
  /** As etcd's, an empty store is at revision 1 (states[0] stands for nothing before it). */
  revision = 1;
  private states: State[] = [new Map(), new Map()];

  get latest(): State {
    return this.states[this.revision];
  }

  apply(txn: TxnRequest__Output): { response: TxnResponse__Output; revision: number; rejected: boolean } {
    const ops = [...txn.success, ...txn.failure];
    if (ops.some((op) => op.requestRange && op.requestRange.revision > this.revision)) {
      return { response: { header: null, succeeded: false, responses: [] }, revision: this.revision, rejected: true };
    }
    const working: State = new Map(this.latest);
    const succeeded = txn.compare.every((c) => this.holds(working, c));
    const next = this.revision + 1;
    let wrote = false;
    const responses: ResponseOp__Output[] = [];
    for (const op of succeeded ? txn.success : txn.failure) {
      if (op.requestPut) {
        const { key, value, prevKv } = op.requestPut;
        const prev = working.get(hex(key)) ?? null;
        working.set(hex(key), {
          key, value, modRevision: next,
          createRevision: prev ? prev.createRevision : next,
          version: prev ? prev.version + 1 : 1,
          lease: 0,
        });
        wrote = true;
        responses.push({ response: 'responsePut', responsePut: { header: null, prevKv: prevKv ? prev : null } });
      } else if (op.requestDeleteRange) {
        const { key, rangeEnd, prevKv } = op.requestDeleteRange;
        const doomed = select(working, key, rangeEnd);
        for (const kv of doomed) working.delete(hex(kv.key));
        wrote ||= doomed.length > 0;
        responses.push({
          response: 'responseDeleteRange',
          responseDeleteRange: { header: null, deleted: doomed.length, prevKvs: prevKv ? doomed : [] },
        });
      } else {
        const request = op.requestRange!;
        const state = request.revision > 0 ? this.states[request.revision] : working;
        responses.push({ response: 'responseRange', responseRange: { header: null, ...rangeOf(state, request) } });
      }
    }
    if (wrote) {
      this.revision = next;
      this.states.push(working);
    }
    return { response: { header: null, succeeded, responses }, revision: this.revision, rejected: false };
  }

  range(request: RangeRequest__Output) {
    return rangeOf(this.states[request.revision > 0 ? request.revision : this.revision], request);
  }

  private holds(state: State, c: Compare__Output): boolean {
    const kvs = c.rangeEnd.length === 0 ? [state.get(hex(c.key))].filter((kv) => kv !== undefined) : select(state, c.key, c.rangeEnd);
    if (kvs.length === 0) {
      if (c.target === 'VALUE') return false;
      return compareOne(c, { key: c.key, value: Buffer.alloc(0), createRevision: 0, modRevision: 0, version: 0, lease: 0 });
    }
    return kvs.every((kv) => compareOne(c, kv));
  }
}

function compareOne(c: Compare__Output, kv: KeyValue__Output): boolean {
  let d: number;
  if (c.target === 'VALUE') d = Buffer.compare(kv.value, c.targetUnion === 'value' ? c.value! : Buffer.alloc(0));
  else if (c.target === 'VERSION') d = kv.version - (c.targetUnion === 'version' ? c.version! : 0);
  else if (c.target === 'CREATE') d = kv.createRevision - (c.targetUnion === 'createRevision' ? c.createRevision! : 0);
  else d = kv.modRevision - (c.targetUnion === 'modRevision' ? c.modRevision! : 0);
  if (c.result === 'EQUAL') return d === 0;
  if (c.result === 'NOT_EQUAL') return d !== 0;
  if (c.result === 'GREATER') return d > 0;
  return d < 0;
}

function select(state: State, key: Buffer, rangeEnd: Buffer): KeyValue__Output[] {
  const all = [...state.values()].sort((a, b) => Buffer.compare(a.key, b.key));
  if (rangeEnd.length === 0) return all.filter((kv) => kv.key.equals(key));
  if (rangeEnd.equals(Buffer.of(0))) {
    if (key.equals(Buffer.of(0))) return all;
    return all.filter((kv) => Buffer.compare(kv.key, key) >= 0);
  }
  return all.filter((kv) => Buffer.compare(kv.key, key) >= 0 && Buffer.compare(kv.key, rangeEnd) < 0);
}

function rangeOf(state: State, r: RangeRequest__Output) {
  const matched = select(state, r.key, r.rangeEnd);
  if (r.countOnly) return { kvs: [], more: false, count: matched.length };
  const kvs = (r.limit > 0 ? matched.slice(0, r.limit) : matched).map((kv) => (r.keysOnly ? { ...kv, value: Buffer.alloc(0) } : kv));
  return { kvs, more: kvs.length < matched.length, count: matched.length };
}
