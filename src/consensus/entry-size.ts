// How entries are measured against byte limits (maxBytesPerMsg, maxUncommittedBytes): by payload.

import type { Entry } from './types.js';

export function entryBytes(entry: Entry): number {
  return entry.data.byteLength;
}

/** The longest prefix of `entries` whose size stays within maxBytes, but at least one entry. */
export function limitEntriesBytes(entries: Entry[], maxBytes: number): Entry[] {
  let totalBytes = 0;
  for (let i = 0; i < entries.length; i++) {
    totalBytes += entryBytes(entries[i]!);
    if (i > 0 && totalBytes > maxBytes) return entries.slice(0, i);
  }
  return entries;
}
