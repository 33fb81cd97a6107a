import { pino, type Logger } from 'pino';
import { DEFAULT_LOG_LEVEL, DEFAULT_SLOW_REQUEST_MS, parseLogLevel, parseSlowRequestMs, type LogLevel } from './log-options.js';

// The process's logger: one JSON object a line on stdout (level, time, role, id, cluster, msg and
// fields). `quorumkv up` shows the lines of its children in a readable form (log-format.ts).

export const log: Logger = pino(
  {
    level: parseLogLevel(process.env.QUORUMKV_LOG_LEVEL, 'QUORUMKV_LOG_LEVEL') ?? DEFAULT_LOG_LEVEL,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  // Synchronous, so the line that explains a fatal exit is written before the process ends.
  pino.destination({ fd: 1, sync: true }),
);

export interface LogIdentity {
  role: string;
  id: string;
  cluster: string;
  level?: LogLevel;
}

/** Called once when a server starts: from then on every line carries its role, id and cluster. */
export function configureLog({ role, id, cluster, level }: LogIdentity): Logger {
  log.setBindings({ role, id, cluster });
  if (level) log.level = level;
  return log;
}

export interface RequestRecord {
  method: string;
  /** gRPC status name: OK, INVALID_ARGUMENT, … */
  code: string;
  durationSeconds: number;
  requestId?: string;
  message?: string;
}

let slowRequestSeconds = (parseSlowRequestMs(process.env.QUORUMKV_SLOW_REQUEST_MS, 'QUORUMKV_SLOW_REQUEST_MS') ?? DEFAULT_SLOW_REQUEST_MS) / 1000;

export function setSlowRequestMs(ms: number): void {
  if (!(Number.isInteger(ms) && ms >= 0)) throw new Error(`the slow request threshold must be a non-negative integer, got ${ms} ms`);
  slowRequestSeconds = ms / 1000;
}

/** Server-side failures: a caller can do nothing about them but retry or page someone. */
const SERVER_FAILURES = new Set(['UNKNOWN', 'INTERNAL', 'UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED', 'DATA_LOSS', 'UNIMPLEMENTED']);

/** Logs a failed request (warn when the server failed, info when the request was refused) or a slow one (warn). */
export function logRequest(record: RequestRecord): void {
  const failed = record.code !== 'OK';
  const slow = record.durationSeconds >= slowRequestSeconds;
  if (!failed && !slow) return;
  const level = slow || SERVER_FAILURES.has(record.code) ? 'warn' : 'info';
  const fields = { method: record.method, code: record.code, durationSeconds: Number(record.durationSeconds.toFixed(6)), requestId: record.requestId || undefined, error: record.message };
  log[level](fields, failed ? `request failed: ${record.method} ${record.code}` : `slow request: ${record.method} took ${(record.durationSeconds * 1000).toFixed(0)} ms`);
}

/** A request's id: the request_id field of a write, else an `x-request-id` header, else none. */
export function requestIdOf(request: unknown, metadata?: { get(key: string): Array<string | Buffer> }): string | undefined {
  const field = (request as { requestId?: unknown } | undefined)?.requestId;
  if (typeof field === 'string' && field !== '') return field;
  const header = metadata?.get('x-request-id')[0];
  return header === undefined ? undefined : String(header);
}
