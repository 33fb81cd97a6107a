import { varintField } from './request-id-field.js';

// Which reads need a storage leader. A linearizable read is confirmed with the leader (ReadIndex);
// a serializable one (stale, bounded staleness, read-your-writes) is served by any replica, leader
// or none. The gateway sends the latter to nodes that report ready for such reads only (their
// storage tier has no leader they can reach), so the reader endpoint keeps answering them while
// the tier elects one or while a majority is gone. It reads one top-level field of the request.

/** `serializable` in quorumkv.v1.RangeRequest and in etcdserverpb.RangeRequest. */
const SERIALIZABLE_FIELD = 7;
const RANGE_PATHS: ReadonlySet<string> = new Set(['/quorumkv.v1.KV/Range', '/etcdserverpb.KV/Range']);

/** Whether a unary read of `path` with this (uncompressed) message can be served without a storage leader. */
export function servedWithoutLeader(path: string, message: Buffer): boolean {
  return RANGE_PATHS.has(path) && varintField(message, SERIALIZABLE_FIELD) === 1;
}
