import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../src/up/loopback-topology.js';
import { startHttpServer } from '../../src/observability/http-server.js';
import { Metrics } from '../../src/observability/metrics.js';
import { caPaths, clientCertificatePaths, createCa, createClientCertificate, createNodeCertificate } from '../../src/security/certificates.js';
import { resolveTransportSecurity } from '../../src/security/tls-flags.js';
import { useTransportSecurity } from '../../src/security/transport-security.js';

// The metrics listener is plain HTTP unless --metrics-tls: then HTTPS with the process's
// certificate, and with --client-cert-auth a client certificate is required as well.

let dir: string;
const probes = { alive: () => true, ready: () => ({ ready: true, reason: 'ok' }) };

function status(get: typeof httpsGet | typeof httpGet, url: string, options: object = {}): Promise<number | string> {
  return new Promise((resolve) => {
    const request = (get as typeof httpsGet)(url, options, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorumkv-metrics-tls-'));
  createCa(dir);
  createNodeCertificate(dir, { role: 'writer', id: 'w1', hosts: ['127.0.0.1'] });
  createClientCertificate(dir, 'root');
});
afterAll(() => {
  useTransportSecurity({ mode: 'insecure' });
  rmSync(dir, { recursive: true, force: true });
});

describe('the metrics listener', () => {
  it('stays plain HTTP with TLS on elsewhere, for the kubelet', async () => {
    useTransportSecurity(resolveTransportSecurity({ certsDir: dir, clientCertAuth: true }, { role: 'writer', id: 'w1' }, {}));
    const server = await startHttpServer(`127.0.0.1:${(await freePorts(1))[0]}`, new Metrics('writer', 'w1'), probes);
    try {
      expect(await status(httpGet, `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`)).toBe(200);
    } finally {
      server.close();
    }
  });

  it('with --metrics-tls serves HTTPS only, and wants a client certificate with --client-cert-auth', async () => {
    useTransportSecurity(resolveTransportSecurity({ certsDir: dir, clientCertAuth: true, metricsTls: true }, { role: 'writer', id: 'w1' }, {}));
    const server = await startHttpServer(`127.0.0.1:${(await freePorts(1))[0]}`, new Metrics('writer', 'w1'), probes);
    const port = (server.address() as AddressInfo).port;
    const ca = readFileSync(caPaths(dir).certFile);
    const root = clientCertificatePaths(dir, 'root');
    const tls = { ca, checkServerIdentity: () => undefined };
    try {
      expect(await status(httpGet, `http://127.0.0.1:${port}/readyz`)).toBe('ECONNRESET');
      expect(await status(httpsGet, `https://127.0.0.1:${port}/readyz`, tls)).not.toBe(200);
      expect(await status(httpsGet, `https://127.0.0.1:${port}/metrics`, { ...tls, cert: readFileSync(root.certFile), key: readFileSync(root.keyFile) })).toBe(200);
    } finally {
      server.close();
    }
  });

  it('refuses --metrics-tls beside --insecure', () => {
    expect(() => resolveTransportSecurity({ insecure: true, metricsTls: true }, { role: 'writer', id: 'w1' }, {})).toThrow(/--insecure turns TLS off/);
  });
});
