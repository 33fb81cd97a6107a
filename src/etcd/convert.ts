import type { KeyValue as EtcdKeyValue } from '../gen/etcd/mvccpb/KeyValue.js';
import type { ResponseHeader as EtcdHeader } from '../gen/etcd/etcdserverpb/ResponseHeader.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { ResponseHeader__Output } from '../gen/quorumkv/v1/ResponseHeader.js';
import { invalid } from './errors.js';

// Between etcd's messages (64-bit integers as decimal strings) and quorumkv's (numbers).

/**
 * A 64-bit field of an etcd request as a number; one a JavaScript number cannot hold exactly is
 * refused rather than rounded, since every revision and id quorumkv hands out fits in 53 bits.
 */
export function int64(value: string | number | undefined, field: string): number {
  if (value === undefined || value === '') return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw invalid(`${field} ${value} is out of range: quorumkv's revisions and ids fit in 53 bits`);
  return n;
}

export function etcdKv(kv: KeyValue__Output, keysOnly = false): EtcdKeyValue {
  return {
    key: kv.key,
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    value: keysOnly ? Buffer.alloc(0) : kv.value,
    lease: kv.lease,
  };
}

export function etcdHeader(header: ResponseHeader__Output | null | undefined): EtcdHeader {
  return {
    clusterId: header?.clusterId ?? 0,
    memberId: header?.memberId ?? 0,
    revision: header?.revision ?? 0,
    raftTerm: header?.raftTerm ?? 0,
  };
}
