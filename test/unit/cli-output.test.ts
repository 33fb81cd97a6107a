import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/usage-error.js';
import { formatBytes } from '../../src/cli/format-bytes.js';
import { OUTPUT_OPTIONS } from '../../src/cli/output.js';
import { COMMANDS, parseCommandLine } from '../../src/cli/parse.js';
import { txnOutcomeText } from '../../src/cli/txn-json.js';

// `--output table|json|yaml` is one option, parsed one way, on every command that prints a result.

const CLIENT_COMMAND_LINES: string[][] = [
  ['put', 'k', 'v'],
  ['get', 'k'],
  ['del', 'k'],
  ['add', 'k', '1'],
  ['txn'],
  ['watch', 'k'],
  ['status'],
  ['members', 'list'],
  ['snapshot', 'status', 'file.snap'],
  ['bench', 'get'],
];

describe('--output on every client command', () => {
  it('every client command takes the same --output (-o) and --json options and shows them in its usage', () => {
    for (const [name] of CLIENT_COMMAND_LINES) {
      const command = COMMANDS.find((c) => c.name === name)!;
      expect(command.options.output, name).toEqual(OUTPUT_OPTIONS.output);
      expect(command.options.json, name).toEqual(OUTPUT_OPTIONS.json);
      expect(command.usage, name).toMatch(/--output table\|json\|yaml/);
    }
  });

  it('accepts table, json and yaml, as --output, -o or --json, and refuses anything else before connecting', () => {
    for (const line of CLIENT_COMMAND_LINES) {
      for (const flags of [['--output', 'table'], ['--output=json'], ['-o', 'yaml'], ['--json'], ['--json', '--output', 'json']]) {
        expect(() => parseCommandLine([...line, ...flags]), [...line, ...flags].join(' ')).not.toThrow();
      }
      expect(() => parseCommandLine([...line, '--output', 'xml'])).toThrow(/--output must be one of table, json, yaml, got "xml"/);
      expect(() => parseCommandLine([...line, '--json', '--output', 'yaml'])).toThrow(UsageError);
    }
  });

  it('formats sizes for people in powers of 1000', () => {
    expect([0, 999, 1_000, 1_234, 56_789, 1_500_000, 3e12].map(formatBytes)).toEqual(['0 B', '999 B', '1.0 kB', '1.2 kB', '57 kB', '1.5 MB', '3.0 TB']);
    expect(() => formatBytes(-1)).toThrow(/non-negative/);
  });

  it('prints a transaction outcome as lines for people', () => {
    const text = txnOutcomeText({
      outcome: 'committed',
      succeeded: true,
      revision: 7,
      responses: [{ put: 'ok' }, { get: [{ key: 'a', value: '1', modRevision: 3, version: 1 }] }, { deleted: 2 }, { value: 5 }],
    });
    expect(text.split('\n')).toEqual(['committed at revision 7', 'put: ok', 'get: a=1 (mod 3)', 'deleted: 2', 'value: 5']);
    expect(txnOutcomeText({ outcome: 'conflict', key: 'x', revision: 9, message: 'm' })).toBe('conflict on "x", written at revision 9: m');
  });
});
