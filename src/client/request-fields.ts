import { randomBytes } from 'node:crypto';
import type { RangeOptions } from './client.js';
import { bytes, rangeEndFor, type Bytes } from './bytes.js';

// Fields every client fills the same way, whichever transport carries the call: the client
// library (client.ts, on grpc-js) and the CLI's one-shot client (one-shot-client.ts).

/** The deadline of each call, unless the caller gives one. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The request fields for a read's consistency; read-your-writes without a revision is linearizable. */
export function consistencyFields(options: Pick<RangeOptions, 'consistency' | 'minRevision' | 'maxStalenessMs' | 'serializable'>) {
  const consistency = options.consistency ?? (options.serializable ? 'stale' : 'linearizable');
  const minRevision = options.minRevision ?? 0;
  if (consistency === 'read-your-writes' && minRevision > 0) return { serializable: true, minRevision, maxStalenessMs: 0 };
  if (consistency === 'stale') return { serializable: true, minRevision, maxStalenessMs: options.maxStalenessMs ?? 0 };
  return { serializable: false, minRevision: 0, maxStalenessMs: 0 };
}

/** A RangeRequest for `key` with the caller's options. */
export function rangeRequest(key: Bytes, options: RangeOptions) {
  const keyBytes = bytes(key);
  return {
    key: keyBytes,
    rangeEnd: rangeEndFor(keyBytes, options),
    limit: options.limit ?? 0,
    revision: options.revision ?? 0,
    ...consistencyFields(options),
    keysOnly: options.keysOnly ?? false,
    countOnly: options.countOnly ?? false,
  };
}

export interface PutOptions {
  prevKv?: boolean;
  requestId?: string;
  /** Attaches the key to a lease (a put without one detaches it). */
  lease?: number;
  /** Keeps the key's lease. */
  ignoreLease?: boolean;
}

/** A PutRequest with the caller's options; a request id from `ids` unless the caller gave one. */
export function putRequest(key: Bytes, value: Bytes, options: PutOptions, ids: ClientRequestIds) {
  return {
    key: bytes(key),
    value: bytes(value),
    prevKv: options.prevKv ?? false,
    requestId: options.requestId ?? ids.next(),
    lease: options.lease ?? 0,
    ignoreLease: options.ignoreLease ?? false,
  };
}

/** Request ids unique to this client: a random client id and a sequence number. */
export class ClientRequestIds {
  private readonly prefix = `c.${randomBytes(9).toString('base64url')}.`;
  private sequence = 0;

  next(): string {
    this.sequence++;
    return this.prefix + this.sequence.toString(36);
  }
}
