import { randomBytes } from 'node:crypto';
import type { RangeOptions } from './client.js';

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

/** Request ids unique to this client: a random client id and a sequence number. */
export class ClientRequestIds {
  private readonly prefix = `c.${randomBytes(9).toString('base64url')}.`;
  private sequence = 0;

  next(): string {
    this.sequence++;
    return this.prefix + this.sequence.toString(36);
  }
}
