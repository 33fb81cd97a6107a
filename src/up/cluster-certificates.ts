import { existsSync } from 'node:fs';
import { caPaths, clientCertificatePaths, createCa, createClientCertificate, createNodeCertificate, nodeCertificatePaths } from '../security/certificates.js';
import { DEFAULT_CLIENT_USER } from '../security/client-tls.js';
import type { Role } from './topology.js';

// The certificates of a local cluster, made on its first start and kept for the next ones: a CA,
// one certificate per process (ROLE.ID, for loopback and the host it listens on) and one for the
// root user, the names `quorumkv cert` uses. EC keys make this a few milliseconds a certificate.

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

/** Creates the CA and the root user's certificate in `dir` unless they are there. */
export function ensureClusterCa(dir: string): void {
  if (!existsSync(caPaths(dir).certFile)) createCa(dir);
  const root = clientCertificatePaths(dir, DEFAULT_CLIENT_USER);
  if (!existsSync(root.certFile) || !existsSync(root.keyFile)) createClientCertificate(dir, DEFAULT_CLIENT_USER, { overwrite: true });
}

/** Creates the certificate of process `id` in `dir` unless it is there. */
export function ensureProcessCertificate(dir: string, role: Role, id: string, hosts: string[]): void {
  const paths = nodeCertificatePaths(dir, role, id);
  if (existsSync(paths.certFile) && existsSync(paths.keyFile)) return;
  const all = [...new Set([...LOOPBACK_HOSTS, ...hosts.filter((h) => h && h !== '0.0.0.0' && h !== '::')])];
  createNodeCertificate(dir, { role, id, hosts: all, overwrite: true });
}
