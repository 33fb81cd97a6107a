import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/usage-error.js';
import { parseCommandLine } from '../../src/cli/parse.js';

// `quorumkv cert`: every action through the real command-line parser, into a temporary folder.

let dir: string;
const run = (...argv: string[]) => parseCommandLine(['cert', ...argv, '--certs-dir', dir]).run();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorumkv-cert-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quorumkv cert', () => {
  it('creates a CA, node and client certificates, and lists them with role, name and hosts', async () => {
    expect(await run('create-ca')).toBe(0);
    expect(await run('create-node', 'storage', 's1', '127.0.0.1', 'localhost')).toBe(0);
    expect(await run('create-client', 'root', '--valid-days', '30')).toBe(0);
    for (const file of ['ca.crt', 'ca.key', 'storage.s1.crt', 'storage.s1.key', 'client.root.crt', 'client.root.key']) expect(existsSync(join(dir, file))).toBe(true);
    expect(statSync(join(dir, 'ca.key')).mode & 0o077).toBe(0);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      expect(await run('list')).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const text = out.join('');
    expect(text).toMatch(/ca\.crt\s+ca\s+quorumkv CA/);
    expect(text).toMatch(/storage\.s1\.crt\s+storage\s+s1\s+.*IP Address:127\.0\.0\.1/);
    expect(text).toMatch(/client\.root\.crt\s+client\s+root/);
  }, 60_000);

  it('refuses to overwrite a CA unless asked', async () => {
    await expect(run('create-ca')).rejects.toThrow(/already exists; pass --overwrite/);
  });

  it('checks its arguments before touching any file', () => {
    expect(() => parseCommandLine(['cert', 'create-node', 'client', 'c1', 'localhost'])).toThrow(UsageError);
    expect(() => parseCommandLine(['cert', 'create-node', 'storage', 's1'])).toThrow(/create-node ROLE ID HOST/);
    expect(() => parseCommandLine(['cert', 'create-client'])).toThrow(/create-client USER/);
    expect(() => parseCommandLine(['cert', 'make-ca'])).toThrow(/unknown action/);
    expect(() => parseCommandLine(['cert', 'create-ca', '--valid-days', '0'])).toThrow(/--valid-days must be a positive whole number/);
  });
});
