import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as http2 from 'node:http2';
import { connect as netConnect, createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import { caPaths, clientCertificatePaths, createCa, createClientCertificate, createNodeCertificate, nodeCertificatePaths, type CertificatePaths } from '../../src/security/certificates.js';
import { NODE_ROLES, type Role } from '../../src/security/roles.js';
import { channelCredentials } from '../../src/security/tls.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, processLogs, startTestCluster, stopTestCluster, testCertsDir } from '../support/local-cluster.js';

// A cluster with TLS on, as every test cluster runs, attacked from outside: processes without
// the cluster's certificate, with the wrong role's, and bytes that are not TLS at all, on every
// kind of listener (storage, writer node, gateway relay); then every certificate of the cluster
// rotated under a write load.

const identity = (b: Buffer): Buffer => b;
/** A raw unary call on any path: the server's refusal comes before it would decode anything. */
function rawMethod(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  return { path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
}

const STORAGE_CALLS = {
  step: '/quorumkv.internal.v1.Raft/StepStream',
  snapshot: '/quorumkv.internal.v1.Raft/InstallSnapshot',
  append: '/quorumkv.internal.v1.Storage/Append',
  register: '/quorumkv.internal.v1.Storage/RegisterNode',
  join: '/quorumkv.internal.v1.Storage/ChangeMembers',
};

/** The gRPC status `credentials` get for a call on `path` at `address`. */
function statusOf(address: string, path: string, credentials: grpc.ChannelCredentials): Promise<{ code: number; details: string }> {
  const Client = grpc.makeGenericClientConstructor({ call: rawMethod(path) }, 'Raw');
  const client = new Client(address, credentials, { 'grpc.ssl_target_name_override': 'quorumkv' });
  return new Promise((resolve) => {
    (client as unknown as { call: (r: Buffer, o: grpc.CallOptions, d: (e: grpc.ServiceError | null) => void) => void }).call(Buffer.alloc(0), { deadline: Date.now() + 5_000 }, (error) => {
      client.close();
      resolve({ code: error ? error.code : grpc.status.OK, details: error?.details ?? '' });
    });
  });
}

/** Sends `bytes` on a raw TCP connection and resolves once the server has closed it. */
function sendAndAwaitClose(address: string, bytes: Buffer, endAfter: boolean): Promise<{ closed: true; answer: Buffer }> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(port), host, () => {
      socket.write(bytes);
      if (endAfter) socket.end();
    });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${address} kept the connection open for 10 s after ${bytes.length} bad bytes`));
    }, 10_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, answer: Buffer.concat(chunks) });
    });
  });
}

/** The first bytes a TLS client sends (its ClientHello), caught by a listener that answers nothing. */
function clientHello(): Promise<Buffer> {
  return new Promise((resolve) => {
    const server = netServer((socket) => {
      socket.once('data', (chunk) => {
        socket.destroy();
        server.close();
        resolve(chunk);
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }).on('error', () => {});
    });
  });
}

/** The serial number of the certificate `address` serves now, over a fresh connection with `own`'s certificate. */
function servedSerial(address: string, ca: string, own: CertificatePaths): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port: Number(port), ca: readFileSync(ca), cert: readFileSync(own.certFile), key: readFileSync(own.keyFile), ALPNProtocols: ['h2'], checkServerIdentity: () => undefined }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      resolve(serial);
    });
    socket.on('error', reject);
  });
}

describe('TLS on every listener', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;
  let certs: string;
  let foreignDir: string;
  const ca = () => caPaths(certs).certFile;
  // Each server is checked by its role, as the processes check each other, so a refusal is the server's doing.
  const asRole = (role: Role, id: string, dir = certs) => channelCredentials({ trustedCaFile: ca(), ...nodeCertificatePaths(dir, role, id) }, undefined, NODE_ROLES);

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1 });
    certs = testCertsDir();
    // Certificates a test holds: a reader's and a user's from the cluster CA, and a storage
    // member's from another CA.
    createNodeCertificate(certs, { role: 'reader', id: 'intruder', hosts: ['127.0.0.1'], overwrite: true });
    createClientCertificate(certs, 'mallory', { overwrite: true });
    foreignDir = mkdtempSync(join(tmpdir(), 'quorumkv-foreign-ca-'));
    createCa(foreignDir);
    createNodeCertificate(foreignDir, { role: 'storage', id: 's1', hosts: ['127.0.0.1'] });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000 });
  }, 90_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
    if (foreignDir) rmSync(foreignDir, { recursive: true, force: true });
  }, 30_000);

  it('refuses at the handshake whoever has no certificate of the cluster CA: no step, append, join, register or snapshot', async () => {
    const storage = cluster.topology.storage[0].listen;
    const strangers: Record<string, grpc.ChannelCredentials> = {
      plaintext: grpc.credentials.createInsecure(),
      'TLS without a certificate': grpc.credentials.createSsl(readFileSync(ca()), null, null, { checkServerIdentity: () => undefined }),
      'a storage certificate of another CA': asRole('storage', 's1', foreignDir),
    };
    for (const [who, credentials] of Object.entries(strangers)) {
      for (const [what, path] of Object.entries(STORAGE_CALLS)) {
        const { code } = await statusOf(storage, path, credentials);
        expect(code, `${who} calling ${what}`).toBe(grpc.status.UNAVAILABLE);
      }
    }
    // The client endpoints too: a writer node and the gateway want a client certificate.
    for (const address of [cluster.topology.writers[0].listen, cluster.topology.gateway.listen]) {
      expect((await statusOf(address, '/quorumkv.v1.KV/Put', strangers['TLS without a certificate'])).code).toBe(grpc.status.UNAVAILABLE);
    }
  }, 60_000);

  it('refuses a certificate of the wrong role with PERMISSION_DENIED, naming the role it needs', async () => {
    const storage = cluster.topology.storage[0].listen;
    const step = await statusOf(storage, STORAGE_CALLS.step, asRole('writer', 'w1'));
    expect(step.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(step.details).toMatch(/Raft\/StepStream refused for a writer certificate: it needs storage/);
    const user = channelCredentials({ trustedCaFile: ca(), ...clientCertificatePaths(certs, 'mallory') }, undefined, NODE_ROLES);
    for (const path of [STORAGE_CALLS.append, STORAGE_CALLS.register, STORAGE_CALLS.snapshot]) {
      expect((await statusOf(storage, path, user)).code, path).toBe(grpc.status.PERMISSION_DENIED);
    }
    const reader = await statusOf(storage, STORAGE_CALLS.append, asRole('reader', 'intruder'));
    expect(reader).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringMatching(/needs writer/) });
    // A storage member's certificate is not a user's: not at a node, not through the gateway's relay.
    for (const address of [cluster.topology.writers[0].listen, cluster.topology.gateway.listen]) {
      const put = await statusOf(address, '/quorumkv.v1.KV/Put', asRole('storage', 's1'));
      expect(put, address).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringMatching(/KV\/Put refused for a storage certificate: it needs client or gateway/) });
    }
    // A user is served.
    expect((await client.put('tls/user', 'ok')).header).toBeDefined();
  }, 60_000);

  it('answers plaintext, garbage and a truncated handshake on every TLS listener by closing, and nothing crashes', async () => {
    const hello = await clientHello();
    const h2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    const inputs: Array<[string, Buffer, boolean]> = [
      ['an HTTP/2 preface in plaintext', h2Preface, false],
      ['an HTTP/1 request', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), false],
      ['garbage', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256)), false],
      ['a TLS record header that claims 16 KiB and stops', Buffer.from([0x16, 0x03, 0x01, 0x40, 0x00, 0x01]), true],
      ['a ClientHello cut in half', hello.subarray(0, Math.floor(hello.length / 2)), true],
    ];
    const listeners = [cluster.topology.storage[0].listen, cluster.topology.writers[0].listen, cluster.topology.gateway.listen];
    for (const address of listeners) {
      for (const [what, bytes, endAfter] of inputs) {
        const { closed, answer } = await sendAndAwaitClose(address, bytes, endAfter);
        expect(closed, `${address}: ${what}`).toBe(true);
        // Whatever came back is a TLS alert or nothing, never an HTTP answer.
        expect(answer.toString('latin1'), `${address}: ${what}`).not.toMatch(/HTTP|grpc/);
      }
    }
    for (const name of cluster.names) expect(cluster.isRunning(name), `${name} is running\n${processLogs(cluster)}`).toBe(true);
    expect((await client.put('tls/after-garbage', 'ok')).header).toBeDefined();
    // A real h2c client is refused too.
    const session = http2.connect(`http://${cluster.topology.gateway.listen}`);
    const failed = await new Promise<boolean>((resolve) => {
      session.on('error', () => resolve(true));
      session.on('close', () => resolve(true));
      const stream = session.request({ ':method': 'POST', ':path': '/quorumkv.v1.KV/Range', 'content-type': 'application/grpc' });
      stream.on('error', () => resolve(true));
      stream.on('close', () => resolve(true));
      stream.on('response', () => resolve(false));
      stream.end();
    });
    session.destroy();
    expect(failed).toBe(true);
  }, 90_000);

  it('rotates every certificate of the cluster under a write load with no failed request', async () => {
    const processes = cluster.specs.map((s) => ({ role: s.role, id: s.name, address: s.args.find((a) => a.startsWith('--listen='))!.slice('--listen='.length) }));
    const before = new Map<string, string>();
    const root = clientCertificatePaths(certs, 'root');
    for (const p of processes) before.set(p.id, await servedSerial(p.address, ca(), root));

    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const load = (async () => {
      for (let i = 0; !stop && i < 100_000; i++) {
        try {
          await client.put(`rotate/${i % 50}`, String(i));
          ok++;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    })();
    await eventually(10_000, async () => {
      if (ok < 20) throw new Error(`only ${ok} writes so far`);
    });

    // New certificates from the same CA, moved over the old files (key, then certificate), as a
    // renewal by cert-manager or `quorumkv cert create-node --overwrite` into a staging folder does.
    const staging = mkdtempSync(join(tmpdir(), 'quorumkv-rotate-'));
    const fresh = new Map<string, string>();
    try {
      // The same CA issues them; its certificate is not replaced.
      copyFileSync(caPaths(certs).certFile, caPaths(staging).certFile);
      for (const p of processes) {
        const paths = createNodeCertificate(staging, { role: p.role, id: p.id, hosts: ['127.0.0.1', 'localhost'], caKeyFile: caPaths(certs).keyFile });
        const target = nodeCertificatePaths(certs, p.role, p.id);
        renameSync(paths.keyFile, target.keyFile);
        renameSync(paths.certFile, target.certFile);
        fresh.set(p.id, new X509Certificate(readFileSync(target.certFile)).serialNumber);
      }
      for (const p of processes) {
        await eventually(20_000, async () => {
          const serial = await servedSerial(p.address, ca(), root);
          if (serial === before.get(p.id)) throw new Error(`${p.id} still serves its old certificate`);
          expect(serial).toBe(fresh.get(p.id));
        });
      }
      // Connections made after the rotation, both ways, with the new certificates.
      const late = connect({ endpoints: [cluster.topology.gateway.listen, cluster.topology.writers[0].listen], timeoutMs: 10_000 });
      try {
        expect((await late.put('rotate/late', 'ok')).header).toBeDefined();
      } finally {
        late.close();
      }
    } finally {
      stop = true;
      await load;
      rmSync(staging, { recursive: true, force: true });
    }
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
  }, 120_000);
});
