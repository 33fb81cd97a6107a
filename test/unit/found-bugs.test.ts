import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/usage-error.js';
import { parseCommandLine } from '../../src/cli/parse.js';
import { UnavailableError } from '../../src/errors.js';
import { ReadIndexBatcher } from '../../src/storage/read-index-batcher.js';
import { validateTopology } from '../../src/up/topology.js';

describe('ReadIndexBatcher.failAll', () => {
  it('rejects the reads waiting for the next round with the given error, and starts no new round', async () => {
    const rounds: Buffer[] = [];
    const batcher = new ReadIndexBatcher({ requestReadIndex: (c) => (rounds.push(Buffer.from(c)), { ok: true }) }, 60_000, 100);
    const outcomes: Record<string, unknown> = {};
    batcher.readIndex().then((i) => (outcomes.inFlight = i), (e) => (outcomes.inFlight = e));
    batcher.readIndex().then((i) => (outcomes.waiting = i), (e) => (outcomes.waiting = e));
    expect(rounds).toHaveLength(1);
    const error = new UnavailableError('this storage member is shutting down');
    batcher.failAll(error);
    await new Promise((r) => setImmediate(r));
    expect(outcomes.inFlight).toBe(error);
    expect(outcomes.waiting).toBe(error);
    expect(rounds).toHaveLength(1);
  });
});

function refusedWithUsageError(argv: string[]): void {
  let thrown: unknown;
  try {
    parseCommandLine(argv);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, argv.join(' ')).toBeInstanceOf(UsageError);
}

describe('parseCommandLine vets what the server would refuse at start', () => {
  const base = ['--listen=127.0.0.1:7101', '--data-dir=/tmp/x/s1'];
  it('refuses --peers addresses that are not HOST:PORT', () => {
    refusedWithUsageError(['storage', '--id=s1', ...base, '--peers=s1=localhost']);
    refusedWithUsageError(['storage', '--id=s1', ...base, '--peers=s1=127.0.0.1:99999']);
  });
  it('refuses a storage --id that is not among --peers', () => {
    refusedWithUsageError(['storage', '--id=s9', ...base, '--peers=s1=127.0.0.1:7101']);
  });
  it('refuses a --listen that is not HOST:PORT', () => {
    refusedWithUsageError(['storage', '--id=s1', '--listen=nonsense', '--data-dir=/tmp/x', '--peers=s1=127.0.0.1:7101']);
    refusedWithUsageError(['gateway', '--listen=127.0.0.1:', '--writers=w1=127.0.0.1:7201']);
  });
  it('refuses --timeout-ms=0 for client commands', () => {
    refusedWithUsageError(['put', 'k', 'v', '--timeout-ms=0']);
  });
});

describe('validateTopology HOST:PORT', () => {
  const proc = (id: string, listen: string) => ({ id, listen, metrics: '127.0.0.1:9000' });
  it('refuses an address with an empty or malformed port', () => {
    for (const listen of ['127.0.0.1:', ':', '127.0.0.1:0x50', '127.0.0.1: 80']) {
      expect(() => validateTopology({ storage: [proc('s1', listen)], writers: [proc('w1', '127.0.0.1:2')], gateway: proc('g1', '127.0.0.1:3') }, 't'), listen).toThrow(/is not HOST:PORT/);
    }
  });
});
