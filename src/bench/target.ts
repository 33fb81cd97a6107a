import type { TargetKind } from './options.js';

// What the load generator needs from a store. One implementation per store (target-quorumkv.ts,
// target-etcd.ts), both over the store's own gRPC API, one request per operation and no hidden
// retries: a failed request is counted as an error under its gRPC status name. `connection`
// picks one of the target's channels (0 to connections - 1); each channel is its own HTTP/2
// connection.

export interface IncrementOutcome {
  /** How many times the read-modify-write ran; every attempt but the last lost to a conflict. */
  attempts: number;
  /** False when every attempt lost (the attempt limit was reached); nothing was written. */
  committed: boolean;
}

export interface BenchTarget {
  readonly kind: TargetKind;
  /** A blind write. */
  put(connection: number, key: Buffer, value: Buffer): Promise<void>;
  /** Reads one key; resolves false if it does not exist. */
  get(connection: number, key: Buffer, serializable: boolean): Promise<boolean>;
  /** Reads up to `limit` keys from `key` on, in key order; resolves with how many came back. */
  scan(connection: number, key: Buffer, limit: number): Promise<number>;
  /** Reads the integer at `key`, adds one and writes it back only if the key did not change in between. */
  increment(connection: number, key: Buffer): Promise<IncrementOutcome>;
  /** Writes several keys in one transaction (pre-population). */
  putMany(connection: number, pairs: Array<[Buffer, Buffer]>): Promise<void>;
  /** Reads the integer at `key` (0 if missing), linearizably. */
  readInteger(connection: number, key: Buffer): Promise<number>;
  /**
   * Resolves once every replica that may serve a serializable read holds every write so far, so
   * a serializable read of a pre-populated key finds it. Without it, targets serve such reads
   * from one member only (etcd's client pins to its endpoint, which took the writes).
   */
  replicated?(): Promise<void>;
  close(): void;
}

/** The name of an error for the result's `errors`: its gRPC status name, or what else it is. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return STATUS_NAMES[code] ?? `STATUS_${code}`;
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
  return (error as Error | null)?.name || 'ERROR';
}

const STATUS_NAMES: Record<number, string> = {
  0: 'OK',
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

/** A promise that settles with a gRPC callback's outcome. */
export function unary<Res>(invoke: (done: (error: Error | null, response?: Res) => void) => void): Promise<Res> {
  return new Promise<Res>((resolve, reject) => invoke((error, response) => (error ? reject(error) : resolve(response as Res))));
}

/** Parses a stored counter; a missing or non-numeric value counts as 0. */
export function counterValue(value: Buffer | undefined): number {
  if (!value || value.length === 0) return 0;
  const n = Number(value.toString('utf8'));
  return Number.isSafeInteger(n) ? n : 0;
}
