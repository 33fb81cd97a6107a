import { CompactedRevisionError, InvalidArgumentError } from '../errors.js';
import type { QuorumkvClient } from '../client/client.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { KeyDetail, KeyListing, KeyVersion } from './web/model.js';

// The console's read-only key browser: keys by prefix, and one key's value with its history,
// walked back one revision at a time (each version's mod revision minus one holds the version
// before it) until the key's creation, a compacted revision or the bound.

export const MAX_LIST_KEYS = 500;
export const DEFAULT_LIST_KEYS = 100;
export const MAX_HISTORY_VERSIONS = 50;
const MAX_KEY_BYTES = 4_096;
/** Values are shown up to this many characters (a value may be 1 MiB). */
export const MAX_SHOWN_VALUE_BYTES = 16_384;

export class KeyBrowser {
  constructor(private readonly kv: QuorumkvClient) {}

  async list(prefix: string, limit = DEFAULT_LIST_KEYS): Promise<KeyListing> {
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIST_KEYS)) throw new InvalidArgumentError(`limit must be 1 to ${MAX_LIST_KEYS}, got ${limit}`);
    checkKey(prefix, true);
    // An empty prefix lists every key: from the smallest key on.
    const response = prefix === '' ? await this.kv.range('\0', { rangeEnd: '\0', keysOnly: true, limit }) : await this.kv.range(prefix, { prefix: true, keysOnly: true, limit });
    return {
      prefix,
      revision: response.header?.revision ?? 0,
      keys: response.kvs.map((kv) => ({ key: kv.key.toString('utf8'), modRevision: kv.modRevision, version: kv.version })),
      more: response.more,
    };
  }

  async detail(key: string): Promise<KeyDetail> {
    checkKey(key, false);
    const current = await this.kv.range(key);
    const revision = current.header?.revision ?? 0;
    const latest = current.kvs[0];
    if (!latest) return { key, found: false, revision, createRevision: 0, history: [], truncated: '' };
    const history: KeyVersion[] = [version(latest)];
    let truncated: KeyDetail['truncated'] = '';
    for (let kv = latest; kv.version > 1; ) {
      if (history.length >= MAX_HISTORY_VERSIONS) {
        truncated = 'limit';
        break;
      }
      let before: KeyValue__Output | undefined;
      try {
        before = (await this.kv.range(key, { revision: kv.modRevision - 1 })).kvs[0];
      } catch (error) {
        if (!(error instanceof CompactedRevisionError)) throw error;
        truncated = 'compacted';
        break;
      }
      if (!before) break;
      history.push(version(before));
      kv = before;
    }
    return { key, found: true, revision, createRevision: latest.createRevision, history, truncated };
  }
}

function checkKey(key: string, emptyAllowed: boolean): void {
  const size = Buffer.byteLength(key);
  if (size > MAX_KEY_BYTES) throw new InvalidArgumentError(`a key is at most ${MAX_KEY_BYTES} bytes, got ${size}`);
  if (!emptyAllowed && size === 0) throw new InvalidArgumentError('give a key');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function version(kv: KeyValue__Output): KeyVersion {
  const base = { revision: kv.modRevision, version: kv.version, sizeBytes: kv.value.length };
  try {
    return { ...base, value: utf8.decode(kv.value).slice(0, MAX_SHOWN_VALUE_BYTES), binary: false };
  } catch {
    return { ...base, value: kv.value.subarray(0, MAX_SHOWN_VALUE_BYTES / 2).toString('hex'), binary: true };
  }
}
