import type { RequestOp__Output } from '../gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import { checkCompare } from './compare.js';
import { checkLeaseId, MAX_LEASE_TTL_SECONDS } from './lease-table.js';

/** The store revisions a transaction's reads are checked against, before it runs. */
export interface RevisionBounds {
  revision: number;
  compactRevision: number;
}

/**
 * Finds what would stop a transaction from running to completion, before any of it runs, so a
 * transaction is applied entirely or not at all. Requests are validated before they are proposed;
 * this is the last line of defence that keeps a malformed entry from crashing every member, and it
 * decides the same way on all of them. Both branches are checked, as etcd does.
 */
export function checkTxn(txn: TxnRequest__Output, bounds: RevisionBounds): string | null {
  if (txn.readSet.length > 0 && !(Number.isSafeInteger(txn.readRevision) && txn.readRevision >= 0)) {
    return `read revision ${txn.readRevision} is not a revision`;
  }
  for (const compare of txn.compare) {
    const problem = checkCompare(compare);
    if (problem !== null) return problem;
  }
  for (const op of [...txn.success, ...txn.failure]) {
    const problem = checkOp(op, bounds);
    if (problem !== null) return problem;
  }
  return null;
}

function checkOp(op: RequestOp__Output, bounds: RevisionBounds): string | null {
  switch (op.request) {
    case 'requestPut': {
      const put = op.requestPut;
      if (!put) return 'put op has no request';
      if (put.lease !== 0 && !checkLeaseId(put.lease)) return `put lease ${put.lease} is not a lease id`;
      return put.ignoreLease && put.lease !== 0 ? 'a put with ignore_lease names no lease' : null;
    }
    case 'requestLeaseGrant': {
      const grant = op.requestLeaseGrant;
      if (!grant) return 'lease grant op has no request';
      if (grant.id !== 0 && !checkLeaseId(grant.id)) return `lease id ${grant.id} is not a positive safe integer`;
      if (!Number.isSafeInteger(grant.ttl) || grant.ttl > MAX_LEASE_TTL_SECONDS) return `lease TTL ${grant.ttl} is over the ${MAX_LEASE_TTL_SECONDS} s allowed`;
      return null;
    }
    case 'requestLeaseRevoke': {
      const revoke = op.requestLeaseRevoke;
      if (!revoke) return 'lease revoke op has no request';
      return checkLeaseId(revoke.id) ? null : `lease id ${revoke.id} is not a positive safe integer`;
    }
    case 'requestDeleteRange':
      return op.requestDeleteRange ? null : 'delete-range op has no request';
    case 'requestAdd': {
      const add = op.requestAdd;
      if (!add) return 'add op has no request';
      return Number.isSafeInteger(add.delta) ? null : `add delta ${add.delta} is not a safe integer`;
    }
    case 'requestRange': {
      const range = op.requestRange;
      if (!range) return 'range op has no request';
      if (range.revision > bounds.revision) {
        return `range at revision ${range.revision} is in the future (store at ${bounds.revision})`;
      }
      if (range.revision > 0 && range.revision < bounds.compactRevision) {
        return `range at revision ${range.revision} is compacted (oldest ${bounds.compactRevision})`;
      }
      return null;
    }
    default:
      return 'op has no request set';
  }
}
