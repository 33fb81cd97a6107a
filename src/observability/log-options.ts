// Logging options, checked without loading the logger (the command line parses them first).

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

/** A request slower than this is logged at warn with its method, request id and duration (0: every request). */
export const DEFAULT_SLOW_REQUEST_MS = 1_000;

export function parseLogLevel(text: string | undefined, where: string): LogLevel | undefined {
  if (text === undefined || text === '') return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(text)) throw new Error(`${where} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(text)}`);
  return text as LogLevel;
}

export function parseSlowRequestMs(text: string | undefined, where: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^[0-9]+$/.test(text)) throw new Error(`${where} must be a non-negative integer (milliseconds), got ${JSON.stringify(text)}`);
  return Number(text);
}
