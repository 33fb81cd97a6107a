// Numeric ids for response headers (etcd's cluster_id and member_id are uint64), derived from
// names so that every process computes the same id without coordination.

/** FNV-1a over the UTF-8 bytes, folded to 52 bits so it survives a JavaScript number. */
export function numericId(name: string): number {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(name, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return Number(hash & 0xfffffffffffffn);
}
