import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../src/observability/log-format.js';
import { requestIdOf } from '../../src/observability/log.js';
import { parseLogLevel, parseSlowRequestMs } from '../../src/observability/log-options.js';

describe('the readable form of log lines that quorumkv up prints', () => {
  it('shows time, level, message and the fields that are not the process identity', () => {
    const line = JSON.stringify({ level: 'warn', time: '2026-12-01T20:15:03.456Z', pid: 1, role: 'writer', id: 'w1', cluster: 'local', method: 'KV/Put', requestId: 'r-1', msg: 'slow request: KV/Put took 1200 ms' });
    expect(formatLogLine(line)).toBe('20:15:03.456 WARN  slow request: KV/Put took 1200 ms  method=KV/Put requestId=r-1');
    expect(formatLogLine(line, { color: true })).toContain('\x1b[33mWARN \x1b[0m');
  });

  it('leaves lines that are not log objects as they are', () => {
    for (const line of ['plain text', '{not json', '{"a":1}']) expect(formatLogLine(line)).toBe(line);
  });
});

describe('logging options', () => {
  it('accepts pino levels and refuses others with a message naming them', () => {
    expect(parseLogLevel('debug', '--log-level')).toBe('debug');
    expect(parseLogLevel(undefined, '--log-level')).toBeUndefined();
    expect(() => parseLogLevel('verbose', '--log-level')).toThrow(/--log-level must be one of fatal, error, warn, info, debug, trace, silent/);
    expect(parseSlowRequestMs('0', '--slow-request-ms')).toBe(0);
    expect(() => parseSlowRequestMs('-5', '--slow-request-ms')).toThrow(/non-negative integer/);
  });

  it("takes a request's id from its request_id field, else from x-request-id", () => {
    const metadata = (value?: string) => ({ get: (key: string) => (key === 'x-request-id' && value ? [value] : []) });
    expect(requestIdOf({ requestId: 'field' }, metadata('header'))).toBe('field');
    expect(requestIdOf({ requestId: '' }, metadata('header'))).toBe('header');
    expect(requestIdOf({}, metadata())).toBeUndefined();
  });
});
