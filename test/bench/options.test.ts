import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/usage-error.js';
import { parseCommandLine } from '../../src/cli/parse.js';
import { BenchOptionError, DEFAULT_CLIENTS, parseDurationMs, resolveBenchOptions } from '../../src/bench/options.js';

function usageError(args: string[]): string {
  try {
    parseCommandLine(['bench', ...args]);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`bench ${args.join(' ')} was accepted`);
}

describe('bench options', () => {
  it('fills in documented defaults', () => {
    const config = resolveBenchOptions({});
    expect(config).toMatchObject({
      workload: 'put',
      target: 'quorumkv',
      clients: DEFAULT_CLIENTS,
      connections: 4,
      keys: 10_000,
      keySizeBytes: 16,
      valueSizeBytes: 256,
      durationMs: 10_000,
      warmupMs: 2_000,
      consistency: 'linearizable',
      readRatio: 0.9,
    });
    expect(config.ops).toBeUndefined();
    expect(config.ratePerS).toBeUndefined();
    expect(resolveBenchOptions({ target: 'etcd' }).endpoints).toEqual(['127.0.0.1:2379']);
  });

  it('parses durations with units', () => {
    expect(parseDurationMs('--duration', '10s')).toBe(10_000);
    expect(parseDurationMs('--duration', '500ms')).toBe(500);
    expect(parseDurationMs('--duration', '1.5s')).toBe(1_500);
    expect(parseDurationMs('--duration', '2m')).toBe(120_000);
  });

  it.each([['10'], ['10x'], ['-1s'], ['s'], ['1e3s'], ['']])('rejects the duration %j', (text) => {
    expect(() => parseDurationMs('--duration', text)).toThrow(BenchOptionError);
    expect(usageError(['--duration', text])).toMatch(/--duration/);
  });

  it('rejects a zero duration but allows no warmup', () => {
    expect(usageError(['--duration', '0s'])).toMatch(/--duration must be more than 0/);
    expect(resolveBenchOptions({ warmup: '0s' }).warmupMs).toBe(0);
  });

  it('rejects unknown workloads, targets and consistencies, naming the choices', () => {
    expect(usageError(['scan'])).toMatch(/workload must be one of put, get, txn, mixed, range; got "scan"/);
    expect(usageError(['--target', 'redis'])).toMatch(/--target must be one of quorumkv, etcd/);
    expect(usageError(['get', '--consistency', 'strong'])).toMatch(/--consistency must be one of linearizable, serializable/);
  });

  it.each([['0'], ['-1'], ['1.5'], ['many'], ['100000']])('rejects --clients %s', (clients) => {
    expect(usageError([`--clients=${clients}`])).toMatch(/--clients must be an integer from 1 to/);
  });

  it.each([['0'], ['-5'], ['abc'], ['1e9']])('rejects --rate %s', (rate) => {
    expect(usageError([`--rate=${rate}`])).toMatch(/--rate must be a number of operations per second above 0/);
  });

  it('rejects contradictions and impossible shapes', () => {
    expect(usageError(['--duration', '1s', '--ops', '10'])).toMatch(/--duration or --ops, not both/);
    expect(usageError(['--clients', '2', '--connections', '3'])).toMatch(/--connections must be an integer from 1 to 2/);
    expect(usageError(['--keys', '100000', '--key-size', '4'])).toMatch(/--key-size must be an integer from 6/);
    expect(usageError(['range', '--keys', '10', '--range-keys', '11'])).toMatch(/--range-keys must be an integer from 1 to 10/);
    expect(usageError(['mixed', '--read-ratio', '1.5'])).toMatch(/--read-ratio must be a number from 0 to 1/);
    expect(usageError(['--endpoint', 'a:1', '--endpoints', 'b:2'])).toMatch(/not both/);
    expect(usageError(['--endpoint', 'nohost'])).toMatch(/HOST:PORT/);
    expect(usageError(['--ops', '0'])).toMatch(/--ops must be an integer from 1/);
    expect(usageError(['--frobnicate'])).toMatch(/Unknown option/);
  });

  it('accepts a full command line without connecting to anything', () => {
    const { command } = parseCommandLine(['bench', 'txn', '--target', 'etcd', '--endpoints', 'h1:1,h2:2', '--clients', '8', '--hot-keys', '4', '--ops', '100', '--rate', '50', '--json']);
    expect(command.name).toBe('bench');
    expect(resolveBenchOptions({ target: 'etcd', endpoints: 'http://h1:1, h2:2' }).endpoints).toEqual(['h1:1', 'h2:2']);
  });
});
