import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedRoles, callRefusal, refusal, roleInterceptor } from '../../src/security/call-policy.js';
import { caPaths, createCa, createClientCertificate, createNodeCertificate, type CertificatePaths } from '../../src/security/certificates.js';
import { channelCredentials, serverCredentials } from '../../src/security/tls.js';
import { checkTlsFiles } from '../../src/security/tls-flags.js';
import { eventually } from '../support/local-cluster.js';

// The cluster CA, the certificates it issues, mTLS on a grpc-js server, the role check, and a
// certificate rotated under a running server.

const APPEND = '/quorumkv.internal.v1.Storage/Append';
const STEP = '/quorumkv.internal.v1.Raft/StepStream';
const identity = (b: Buffer): Buffer => b;
const unaryMethod = (path: string): grpc.MethodDefinition<Buffer, Buffer> => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: identity,
  requestDeserialize: identity,
  responseSerialize: identity,
  responseDeserialize: identity,
});
const SERVICE = { append: unaryMethod(APPEND), read: unaryMethod('/quorumkv.internal.v1.Storage/Read') };
const Client = grpc.makeGenericClientConstructor(SERVICE, 'Storage');

let dir: string;
let otherDir: string;
let server: grpc.Server;
let port: number;
const certs: Record<string, CertificatePaths> = {};

function tlsFor(paths: CertificatePaths, caDir = dir) {
  return { ...paths, trustedCaFile: caPaths(caDir).certFile };
}

function call(credentials: grpc.ChannelCredentials, method: 'append' | 'read' = 'append'): Promise<string> {
  const client = new Client(`localhost:${port}`, credentials);
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, (req: Buffer, opts: grpc.CallOptions, done: (e: grpc.ServiceError | null, r?: Buffer) => void) => void>)[method];
    fn.call(client, Buffer.from('ping'), { deadline: Date.now() + 5_000 }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response!.toString());
    });
  });
}

async function codeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return grpc.status.OK;
  } catch (error) {
    return (error as grpc.ServiceError).code;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quorumkv-certs-'));
  otherDir = mkdtempSync(join(tmpdir(), 'quorumkv-other-ca-'));
  createCa(dir);
  createCa(otherDir);
  certs.storage = createNodeCertificate(dir, { role: 'storage', id: 's1', hosts: ['localhost', '127.0.0.1'] });
  certs.writer = createNodeCertificate(dir, { role: 'writer', id: 'w1', hosts: ['127.0.0.1'] });
  certs.client = createClientCertificate(dir, 'alice');
  certs.foreign = createNodeCertificate(otherDir, { role: 'writer', id: 'w9', hosts: ['127.0.0.1'] });

  server = new grpc.Server({ interceptors: [roleInterceptor] });
  const echo: grpc.handleUnaryCall<Buffer, Buffer> = (c, done) => done(null, Buffer.from(`echo ${c.request.toString()}`));
  server.addService(SERVICE, { append: echo, read: echo });
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', serverCredentials({ ...tlsFor(certs.storage), clientCertAuth: true }, 100), (e, p) => (e ? reject(e) : resolve(p))),
  );
}, 120_000);

afterAll(() => {
  server?.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
  rmSync(otherDir, { recursive: true, force: true });
});

describe('certificates', () => {
  it('issues node and client certificates that verify against the CA and carry their role', () => {
    const ca = new X509Certificate(readFileSync(caPaths(dir).certFile));
    expect(ca.ca).toBe(true);
    const node = new X509Certificate(readFileSync(certs.storage.certFile));
    expect(node.verify(ca.publicKey)).toBe(true);
    expect(node.subject).toContain('OU=storage');
    expect(node.subject).toContain('CN=s1');
    expect(node.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(node.subjectAltName).toContain('DNS:localhost');
    const client = new X509Certificate(readFileSync(certs.client.certFile));
    expect(client.subject).toContain('OU=client');
    expect(client.subject).toContain('CN=alice');
    expect(client.verify(new X509Certificate(readFileSync(caPaths(otherDir).certFile)).publicKey)).toBe(false);
  });

  it('never overwrites a CA or a certificate unless asked, and names a missing CA', () => {
    expect(() => createCa(dir)).toThrow(/already exists; pass --overwrite/);
    expect(() => createClientCertificate(dir, 'alice')).toThrow(/already exists/);
    const empty = mkdtempSync(join(tmpdir(), 'quorumkv-no-ca-'));
    try {
      expect(() => createClientCertificate(empty, 'bob')).toThrow(/no CA certificate at .*create-ca/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(() => createNodeCertificate(dir, { role: 'writer', id: 'bad id', hosts: ['x'] })).toThrow(/process id/);
    expect(() => createNodeCertificate(dir, { role: 'writer', id: 'w5', hosts: [] })).toThrow(/at least one host/);
  });

  it('refuses a CA key that does not belong to the CA certificate', () => {
    expect(() => createClientCertificate(dir, 'mallory', { caKeyFile: caPaths(otherDir).keyFile })).toThrow(/is not the key of/);
  });

  it('says which flag names a missing TLS file', () => {
    expect(() => checkTlsFiles({ certFile: '', keyFile: 'k', trustedCaFile: 'c' }, 'peer-')).toThrow(/--peer-cert-file is required/);
    expect(() => checkTlsFiles({ ...certs.writer, trustedCaFile: join(dir, 'nope.crt') })).toThrow(/--trusted-ca-file .*no such file/);
  });
});

describe('the call policy', () => {
  it('gives raft to storage members only and the log to writers only', () => {
    expect(allowedRoles(STEP)).toEqual(['storage']);
    expect(refusal(STEP, 'writer')).toMatch(/refused for a writer certificate: it needs storage/);
    expect(refusal(APPEND, 'writer')).toBeUndefined();
    expect(refusal(APPEND, 'client')).toMatch(/needs writer/);
    expect(refusal(APPEND, 'reader')).toMatch(/needs writer/);
    expect(refusal('/quorumkv.v1.KV/Put', 'client')).toBeUndefined();
    expect(refusal('/grpc.health.v1.Health/Check', undefined)).toBeUndefined();
    expect(refusal('/unknown.Service/Call', 'storage')).toMatch(/no role may call it/);
  });

  it('refuses, without throwing, a call whose connection closed before its certificate could be read', () => {
    const closed = { getAuthContext: () => { throw new TypeError("Cannot read properties of null (reading 'raw')"); } };
    expect(callRefusal(APPEND, closed)).toMatchObject({ code: grpc.status.UNAVAILABLE, details: expect.stringContaining('connection closed') });
    const writer = { getAuthContext: () => ({ sslPeerCertificate: { subject: { OU: 'writer' } } }) } as unknown as Parameters<typeof callRefusal>[1];
    expect(callRefusal(APPEND, writer)).toBeUndefined();
    expect(callRefusal(STEP, writer)).toMatchObject({ code: grpc.status.PERMISSION_DENIED });
  });
});

describe('mTLS on a grpc-js server', () => {
  it('serves a peer whose role may make the call', async () => {
    expect(await call(channelCredentials(tlsFor(certs.writer)))).toBe('echo ping');
  });

  it('refuses a peer whose role may not make the call, with PERMISSION_DENIED', async () => {
    const error = await call(channelCredentials(tlsFor(certs.client))).catch((e: grpc.ServiceError) => e);
    expect((error as grpc.ServiceError).code).toBe(grpc.status.PERMISSION_DENIED);
    expect((error as grpc.ServiceError).details).toMatch(/refused for a client certificate/);
  });

  it('refuses at the handshake a peer without a certificate, with another CA, or in plaintext', async () => {
    const noCert = grpc.credentials.createSsl(readFileSync(caPaths(dir).certFile));
    expect(await codeOf(call(noCert))).toBe(grpc.status.UNAVAILABLE);
    expect(await codeOf(call(channelCredentials(tlsFor(certs.foreign, otherDir))))).toBe(grpc.status.UNAVAILABLE);
    expect(await codeOf(call(grpc.credentials.createInsecure()))).toBe(grpc.status.UNAVAILABLE);
    // The server is still there for a good peer.
    expect(await call(channelCredentials(tlsFor(certs.writer)))).toBe('echo ping');
  });

  it('serves a rotated certificate to new connections without a restart', async () => {
    const serialServed = () =>
      new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(caPaths(dir).certFile), cert: readFileSync(certs.writer.certFile), key: readFileSync(certs.writer.keyFile), servername: 'localhost', ALPNProtocols: ['h2'] }, () => {
          const serial = socket.getPeerCertificate().serialNumber;
          socket.destroy();
          resolve(serial);
        });
        socket.on('error', reject);
      });
    const before = await serialServed();
    // Rotate: issue a new storage certificate elsewhere and copy it over the served files.
    const staging = mkdtempSync(join(tmpdir(), 'quorumkv-rotate-'));
    try {
      copyFileSync(caPaths(dir).certFile, caPaths(staging).certFile);
      copyFileSync(caPaths(dir).keyFile, caPaths(staging).keyFile);
      const fresh = createNodeCertificate(staging, { role: 'storage', id: 's1', hosts: ['localhost', '127.0.0.1'] });
      copyFileSync(fresh.keyFile, certs.storage.keyFile);
      copyFileSync(fresh.certFile, certs.storage.certFile);
      const after = await eventually(5_000, async () => {
        const serial = await serialServed();
        if (serial === before) throw new Error('still serving the old certificate');
        return serial;
      });
      expect(after.value).toBe(new X509Certificate(readFileSync(fresh.certFile)).serialNumber);
      expect(await call(channelCredentials(tlsFor(certs.writer)))).toBe('echo ping');
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }, 60_000);
});
