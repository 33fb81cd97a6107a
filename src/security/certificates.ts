import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';
import { type Role } from './roles.js';

// A cluster CA and the certificates it signs, as files in one directory (CockroachDB's
// `cockroach cert` layout): ca.crt and ca.key, ROLE.ID.crt and .key for each process, and
// client.USER.crt and .key for each user. Keys are RSA-2048, made by Node's own crypto (fast,
// native); node-forge builds and signs the X.509 structures.

export const CA_CERT_FILE = 'ca.crt';
export const CA_KEY_FILE = 'ca.key';
export const DEFAULT_CA_VALID_DAYS = 3_650;
export const DEFAULT_CERT_VALID_DAYS = 730;
const KEY_BITS = 2_048;
const DAY_MS = 86_400_000;

export interface CertificatePaths {
  certFile: string;
  keyFile: string;
}

export interface CaOptions {
  /** Replace a CA that is already there; without it an existing CA is an error, never overwritten. */
  overwrite?: boolean;
  validDays?: number;
  /** Fixed "now", for tests of expiry. */
  now?: Date;
}

export interface IssueOptions {
  /** The CA's key; by default ca.key in the same directory. */
  caKeyFile?: string;
  validDays?: number;
  overwrite?: boolean;
  now?: Date;
}

export interface NodeCertificateOptions extends IssueOptions {
  role: Exclude<Role, 'client'>;
  /** The process id (for example s1, w2, gw): the subject's common name. */
  id: string;
  /** Host names and IP addresses the process is reached at; each becomes a subject alternative name. */
  hosts: string[];
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

/** Creates a self-signed cluster CA in `dir`. */
export function createCa(dir: string, options: CaOptions = {}): CertificatePaths {
  const paths = caPaths(dir);
  refuseOverwrite(paths, options.overwrite);
  const keys = newKeyPair();
  const subject = [{ name: 'commonName', value: 'quorumkv CA' }, { name: 'organizationName', value: 'quorumkv' }];
  const cert = newCertificate(keys.publicKey, subject, options.now, options.validDays ?? DEFAULT_CA_VALID_DAYS);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  write(dir, paths, cert, keys.pem);
  return paths;
}

/** Issues a certificate for one process of the cluster: it may serve and dial (server and client auth). */
export function createNodeCertificate(dir: string, options: NodeCertificateOptions): CertificatePaths {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(options.id)) throw new Error(`process id ${JSON.stringify(options.id)} must be 1-64 letters, digits, '.', '_' or '-'`);
  if (options.hosts.length === 0) throw new Error('a node certificate needs at least one host name or IP address');
  const paths = nodeCertificatePaths(dir, options.role, options.id);
  const altNames = options.hosts.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }));
  issue(dir, paths, [{ name: 'commonName', value: options.id }, { name: 'organizationalUnitName', value: options.role }], options, [
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
  return paths;
}

/** Issues a certificate for a user: the common name is the user name, the role `client`. */
export function createClientCertificate(dir: string, user: string, options: IssueOptions = {}): CertificatePaths {
  if (!/^[A-Za-z0-9._@-]{1,128}$/.test(user)) throw new Error(`user ${JSON.stringify(user)} must be 1-128 letters, digits, '.', '_', '@' or '-'`);
  const paths = clientCertificatePaths(dir, user);
  issue(dir, paths, [{ name: 'commonName', value: user }, { name: 'organizationalUnitName', value: 'client' }], options, [
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  return paths;
}

function issue(dir: string, paths: CertificatePaths, subject: forge.pki.CertificateField[], options: IssueOptions, extensions: object[]): void {
  refuseOverwrite(paths, options.overwrite);
  const ca = loadCa(dir, options.caKeyFile);
  const keys = newKeyPair();
  const cert = newCertificate(keys.publicKey, subject, options.now, options.validDays ?? DEFAULT_CERT_VALID_DAYS);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    ...extensions,
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  write(dir, paths, cert, keys.pem);
}

function loadCa(dir: string, caKeyFile?: string): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const paths = caPaths(dir);
  const keyFile = caKeyFile ?? paths.keyFile;
  if (!existsSync(paths.certFile)) throw new Error(`no CA certificate at ${paths.certFile}: run \`quorumkv cert create-ca --certs-dir ${dir}\` first`);
  if (!existsSync(keyFile)) throw new Error(`no CA key at ${keyFile}: pass --ca-key with the CA's key file`);
  const cert = forge.pki.certificateFromPem(readFileSync(paths.certFile, 'utf8'));
  const key = forge.pki.privateKeyFromPem(readFileSync(keyFile, 'utf8')) as forge.pki.rsa.PrivateKey;
  const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
  if (publicKey.n.compareTo(key.n) !== 0) throw new Error(`${keyFile} is not the key of ${paths.certFile}`);
  return { cert, key };
}

function newKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; pem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: KEY_BITS, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem: privateKey };
}

function newCertificate(publicKey: forge.pki.PublicKey, subject: forge.pki.CertificateField[], now: Date | undefined, validDays: number): forge.pki.Certificate {
  if (!Number.isInteger(validDays) || validDays < 1) throw new Error(`validity must be a whole number of days ≥ 1, got ${validDays}`);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: the top bit cleared, as RFC 5280 asks.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  const start = now ?? new Date();
  // A minute of slack for clocks that are a little behind.
  cert.validity.notBefore = new Date(start.getTime() - 60_000);
  cert.validity.notAfter = new Date(start.getTime() + validDays * DAY_MS);
  cert.setSubject(subject);
  return cert;
}

function refuseOverwrite(paths: CertificatePaths, overwrite: boolean | undefined): void {
  if (overwrite) return;
  for (const file of [paths.certFile, paths.keyFile]) {
    if (existsSync(file)) throw new Error(`${file} already exists; pass --overwrite to replace it`);
  }
}

function write(dir: string, paths: CertificatePaths, cert: forge.pki.Certificate, keyPem: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The key first: a certificate without its key would be useless, a key without a certificate is reissued.
  writeFileSync(paths.keyFile, keyPem, { mode: 0o600 });
  writeFileSync(paths.certFile, forge.pki.certificateToPem(cert), { mode: 0o644 });
}
