import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLI_ENTRY } from '../../src/proto/root.js';
import { ensureClusterCa, ensureProcessCertificate } from '../../src/up/cluster-certificates.js';
import { loopbackTopology } from '../../src/up/loopback-topology.js';
import type { Topology } from '../../src/up/topology.js';

// `npm start`, then `npx quorumkv put a 1` in the same folder, with no flags: `quorumkv up` makes
// a CA and certificates under ./data/certs and starts every process with TLS, and the CLI finds
// them there. Run on free ports in a fresh folder, with no certificate folder in the environment.

const run = promisify(execFile);

describe('quorumkv up, secure by default', () => {
  let folder: string;
  let topology: Topology;
  let up: ChildProcess;
  let output = '';
  const env = () => {
    const copy: NodeJS.ProcessEnv = { ...process.env, QUORUMKV_ENDPOINT: topology.gateway.listen };
    delete copy.QUORUMKV_CERTS_DIR;
    return copy;
  };
  const cli = (...args: string[]) => run(process.execPath, [CLI_ENTRY, ...args], { cwd: folder, env: env(), timeout: 30_000 });

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'quorumkv-up-'));
    topology = await loopbackTopology({ storage: 3, writers: 1 }, 'up-test');
    writeFileSync(join(folder, 'topology.yaml'), stringify(topology));
    up = spawn(process.execPath, [CLI_ENTRY, 'up', '--topology', join(folder, 'topology.yaml')], { cwd: folder, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    up.stdout!.on('data', (chunk) => (output += chunk));
    up.stderr!.on('data', (chunk) => (output += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`quorumkv up was not up within 60 s:\n${output.slice(-3000)}`)), 60_000);
      const check = () => {
        if (output.includes('quorumkv is up.')) {
          clearTimeout(timer);
          resolve();
        }
      };
      up.stdout!.on('data', check);
      up.once('exit', (code) => reject(new Error(`quorumkv up exited (${code}):\n${output.slice(-3000)}`)));
    });
  }, 90_000);

  afterAll(async () => {
    if (up && up.exitCode === null) {
      const exited = new Promise((resolve) => up.once('exit', resolve));
      up.kill('SIGINT');
      await exited;
    }
    if (folder) rmSync(folder, { recursive: true, force: true });
  }, 30_000);

  it('says TLS is on and where the certificates are', () => {
    expect(output).toMatch(/TLS on: mutual TLS between processes, client certificates required; CA and certificates in .*data\/certs/);
    expect(output).not.toMatch(/RUNNING WITHOUT TLS/);
  });

  it('puts and gets with no flags from the folder it was started in', async () => {
    expect((await cli('put', 'a', '1')).stdout.trim()).toBe('OK');
    expect((await cli('get', 'a')).stdout.trim()).toBe('1');
  }, 60_000);

  it('refuses a client in plaintext', async () => {
    const failed = await cli('put', 'b', '2', '--insecure', '--timeout-ms', '3000').then(
      () => false,
      () => true,
    );
    expect(failed).toBe(true);
  }, 60_000);

  it('keeps certificates that are there on the next start', () => {
    const dir = join(folder, 'data', 'certs');
    const serial = (file: string) => new X509Certificate(readFileSync(join(dir, file))).serialNumber;
    const before = [serial('ca.crt'), serial('storage.s1.crt')];
    ensureClusterCa(dir);
    ensureProcessCertificate(dir, 'storage', 's1', ['127.0.0.1']);
    expect([serial('ca.crt'), serial('storage.s1.crt')]).toEqual(before);
  });
});
