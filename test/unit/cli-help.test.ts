import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, PACKAGE_ROOT } from '../../src/proto/root.js';

const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_BIN, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('help and version', () => {
  it('--help, -h and help list the commands on stdout and exit 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const { code, stdout } = await cli(flag);
      expect(code, flag).toBe(0);
      expect(stdout, flag).toMatch(/^usage: quorumkv COMMAND/);
      expect(stdout, flag).toMatch(/^ {2}snapshot +back up and restore/m);
    }
  });

  it('help COMMAND shows that command, and an unknown one is a usage error', async () => {
    const { code, stdout } = await cli('help', 'get');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: quorumkv get KEY/);
    const unknown = await cli('help', 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('--version prints the package version', async () => {
    const version = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;
    expect((await cli('--version')).stdout.trim()).toBe(`quorumkv ${version}`);
  });

  it('--output must be table, json or yaml', async () => {
    const bad = await cli('snapshot', 'status', 'x', '--output', 'xml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--output must be one of table, json, yaml/);
  });
});
