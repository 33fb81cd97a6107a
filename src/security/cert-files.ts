import { join } from 'node:path';
import type { Role } from './roles.js';

// Where the certificates of a cluster live in one directory (CockroachDB's `cockroach cert`
// layout): ca.crt and ca.key, ROLE.ID.crt and .key for each process, client.USER.crt and .key
// for each user. Kept apart from the code that makes them, so finding them loads nothing heavy.

export const CA_CERT_FILE = 'ca.crt';
export const CA_KEY_FILE = 'ca.key';

export interface CertificatePaths {
  certFile: string;
  keyFile: string;
}

export function nodeCertificatePaths(dir: string, role: Role, id: string): CertificatePaths {
  return { certFile: join(dir, `${role}.${id}.crt`), keyFile: join(dir, `${role}.${id}.key`) };
}

export function clientCertificatePaths(dir: string, user: string): CertificatePaths {
  return { certFile: join(dir, `client.${user}.crt`), keyFile: join(dir, `client.${user}.key`) };
}

export function caPaths(dir: string): CertificatePaths {
  return { certFile: join(dir, CA_CERT_FILE), keyFile: join(dir, CA_KEY_FILE) };
}
