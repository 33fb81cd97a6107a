import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/parse.js';
import { caPaths, clientCertificatePaths, createCa, createClientCertificate, createNodeCertificate, nodeCertificatePaths } from '../../src/security/certificates.js';
import { findClientTls } from '../../src/security/client-tls.js';
import { resolveTransportSecurity } from '../../src/security/tls-flags.js';

// The one place TLS flags become a resolved choice: what --certs-dir finds, how the etcd-shaped
// flags fall back on each other, and the start-up messages for everything that can be wrong.

let dir: string;
let other: string;
const noEnv = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorumkv-tls-flags-'));
  other = mkdtempSync(join(tmpdir(), 'quorumkv-tls-other-'));
  createCa(dir);
  createCa(other);
  createNodeCertificate(dir, { role: 'storage', id: 's1', hosts: ['127.0.0.1'] });
  createNodeCertificate(dir, { role: 'writer', id: 'w1', hosts: ['127.0.0.1'] });
  createNodeCertificate(other, { role: 'storage', id: 's1', hosts: ['127.0.0.1'] });
  createClientCertificate(dir, 'root');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(other, { recursive: true, force: true });
});

describe('server TLS flags', () => {
  const storage = { role: 'storage' as const, id: 's1' };

  it('is on by default: no flags at all is an error that says what to give', () => {
    expect(() => resolveTransportSecurity({}, storage, noEnv)).toThrow(/TLS is on by default: give --certs-dir DIR .*storage\.s1\.crt.*or --insecure/);
  });

  it('--insecure is plaintext, and refuses certificate flags beside it', () => {
    expect(resolveTransportSecurity({ insecure: true }, storage, noEnv)).toEqual({ mode: 'insecure' });
    expect(() => resolveTransportSecurity({ insecure: true, certsDir: dir }, storage, noEnv)).toThrow(/--insecure turns TLS off/);
  });

  it('--certs-dir (or $QUORUMKV_CERTS_DIR) finds ca.crt and ROLE.ID.crt/.key for both sides', () => {
    const expected = { certFile: nodeCertificatePaths(dir, 'storage', 's1').certFile, keyFile: nodeCertificatePaths(dir, 'storage', 's1').keyFile, trustedCaFile: caPaths(dir).certFile };
    for (const security of [resolveTransportSecurity({ certsDir: dir }, storage, noEnv), resolveTransportSecurity({}, storage, { QUORUMKV_CERTS_DIR: dir })]) {
      expect(security.mode).toBe('tls');
      if (security.mode !== 'tls') return;
      expect(security.peer).toEqual(expected);
      expect(security.client).toEqual({ ...expected, clientCertAuth: false });
    }
  });

  it('takes the etcd flags, each --peer-* falling back on its client-facing twin', () => {
    const w1 = nodeCertificatePaths(dir, 'writer', 'w1');
    const security = resolveTransportSecurity({ certFile: w1.certFile, keyFile: w1.keyFile, trustedCaFile: caPaths(dir).certFile, clientCertAuth: true }, { role: 'writer', id: 'w1' }, noEnv);
    expect(security).toMatchObject({ mode: 'tls', peer: { certFile: w1.certFile, keyFile: w1.keyFile }, client: { certFile: w1.certFile, clientCertAuth: true } });
  });

  it('names the flag and the fix for every file that is missing or wrong', () => {
    const s1 = nodeCertificatePaths(dir, 'storage', 's1');
    const ca = caPaths(dir).certFile;
    const w1 = nodeCertificatePaths(dir, 'writer', 'w1');
    expect(() => resolveTransportSecurity({ certsDir: dir }, { role: 'storage', id: 's9' }, noEnv)).toThrow(/--peer-cert-file .*storage\.s9\.crt: no such file/);
    expect(() => resolveTransportSecurity({ certFile: s1.certFile, keyFile: w1.keyFile, trustedCaFile: ca }, storage, noEnv)).toThrow(/--peer-key-file .*writer\.w1\.key is not the key of/);
    expect(() => resolveTransportSecurity({ certFile: s1.certFile, keyFile: s1.keyFile, trustedCaFile: caPaths(other).certFile }, storage, noEnv)).toThrow(/is not signed by the CA in --peer-trusted-ca-file/);
    expect(() => resolveTransportSecurity({ certFile: w1.certFile, keyFile: w1.keyFile, trustedCaFile: ca }, storage, noEnv)).toThrow(/carries the writer role, but this is a storage process: issue one with `quorumkv cert create-node storage/);
    expect(() => resolveTransportSecurity({ certFile: s1.certFile, trustedCaFile: ca }, storage, noEnv)).toThrow(/--peer-key-file is required/);
    expect(() => resolveTransportSecurity({ certFile: ca, keyFile: caPaths(dir).keyFile, trustedCaFile: ca }, storage, noEnv)).toThrow(/carries no quorumkv role/);
  });

  it('checks the flags when the command line is parsed, before anything starts', () => {
    const base = ['storage', '--id=s1', '--listen=127.0.0.1:1', '--peers=s1=127.0.0.1:1', '--data-dir=/tmp/x/s1'];
    expect(() => parseCommandLine(base)).toThrow(/TLS is on by default/);
    expect(() => parseCommandLine([...base, `--certs-dir=${other}`, '--trusted-ca-file', caPaths(dir).certFile])).toThrow(/is not signed by the CA/);
    expect(parseCommandLine([...base, `--certs-dir=${dir}`]).command.name).toBe('storage');
  });
});

describe('client TLS', () => {
  it('finds data/certs under the working directory with no flags, and presents the root certificate', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'quorumkv-cwd-'));
    try {
      expect(findClientTls({}, noEnv, cwd)).toBeUndefined();
      const certs = join(cwd, 'data', 'certs');
      mkdirSync(certs, { recursive: true });
      for (const file of ['ca.crt', 'client.root.crt', 'client.root.key']) copyFileSync(join(dir, file), join(certs, file));
      expect(findClientTls({}, noEnv, cwd)).toEqual({ trustedCaFile: join(certs, 'ca.crt'), ...clientCertificatePaths(certs, 'root') });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('takes $QUORUMKV_CERTS_DIR, etcdctl-shaped flags, and --insecure', () => {
    expect(findClientTls({}, { QUORUMKV_CERTS_DIR: dir }, '/')).toEqual({ trustedCaFile: caPaths(dir).certFile, ...clientCertificatePaths(dir, 'root') });
    expect(findClientTls({ caFile: caPaths(dir).certFile }, noEnv, '/')).toEqual({ trustedCaFile: caPaths(dir).certFile });
    expect(findClientTls({ insecure: true }, { QUORUMKV_CERTS_DIR: dir }, '/')).toBeUndefined();
    expect(() => findClientTls({ insecure: true, caFile: 'x' })).toThrow(/--insecure turns TLS off/);
    expect(() => findClientTls({ certFile: 'x' })).toThrow(/--cert and --key go together/);
    expect(() => findClientTls({ certsDir: dir, user: 'alice' }, noEnv, '/')).toThrow(/no certificate for user alice .*create-client alice/);
    expect(() => findClientTls({ certsDir: other + '-none' }, noEnv, '/')).toThrow(/--certs-dir .* has no ca\.crt/);
  });
});
