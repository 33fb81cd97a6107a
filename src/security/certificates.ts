import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { caPaths, type CertificatePaths, clientCertificatePaths, nodeCertificatePaths } from './cert-files.js';
import type { Role } from './roles.js';

export * from './cert-files.js';

// A cluster CA and the certificates it issues, as files in one directory (CockroachDB's
// `cockroach cert` layout): ca.crt and ca.key, ROLE.ID.crt and .key for each process, and
// client.USER.crt and .key for each user. Keys are ECDSA P-256, made and used by Node's own
// crypto (a key in about a millisecond, where RSA-2048 takes a tenth of a second or more);
// node-forge encodes the X.509 structures, which it cannot sign with EC keys itself, so Node
// signs the DER that forge builds.

export const DEFAULT_CA_VALID_DAYS = 3_650;
export const DEFAULT_CERT_VALID_DAYS = 730;
const CURVE = 'prime256v1';
const DAY_MS = 86_400_000;
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const X509_V3 = 2;

const { asn1 } = forge;
const UNIVERSAL = asn1.Class.UNIVERSAL;

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

/** Creates a self-signed cluster CA in `dir`. */
export function createCa(dir: string, options: CaOptions = {}): CertificatePaths {
  const paths = caPaths(dir);
  refuseOverwrite(paths, options.overwrite);
  const keys = newKeyPair();
  const pem = signCertificate({
    subject: [{ name: 'commonName', value: 'quorumkv CA' }, { name: 'organizationName', value: 'quorumkv' }],
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    now: options.now,
    validDays: options.validDays ?? DEFAULT_CA_VALID_DAYS,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier', value: asn1.create(UNIVERSAL, asn1.Type.OCTETSTRING, false, keyIdentifier(keys.publicKey)) },
    ],
  });
  write(dir, paths, pem, keys.privateKey);
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
  const pem = signCertificate({
    subject,
    issuer: ca.subjectName,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    now: options.now,
    validDays: options.validDays ?? DEFAULT_CERT_VALID_DAYS,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      ...extensions,
      { name: 'authorityKeyIdentifier', keyIdentifier: keyIdentifier(ca.cert.publicKey) },
    ],
  });
  write(dir, paths, pem, keys.privateKey);
}

interface LoadedCa {
  cert: X509Certificate;
  key: KeyObject;
  /** The CA's subject name, DER-encoded as it stands in its certificate: the issuer of what it signs. */
  subjectName: forge.asn1.Asn1;
}

function loadCa(dir: string, caKeyFile?: string): LoadedCa {
  const paths = caPaths(dir);
  const keyFile = caKeyFile ?? paths.keyFile;
  if (!existsSync(paths.certFile)) throw new Error(`no CA certificate at ${paths.certFile}: run \`quorumkv cert create-ca --certs-dir ${dir}\` first`);
  if (!existsSync(keyFile)) throw new Error(`no CA key at ${keyFile}: pass --ca-key with the CA's key file`);
  const cert = new X509Certificate(readFileSync(paths.certFile));
  const key = createPrivateKey(readFileSync(keyFile));
  if (!cert.ca) throw new Error(`${paths.certFile} is not a CA certificate`);
  if (!cert.checkPrivateKey(key)) throw new Error(`${keyFile} is not the key of ${paths.certFile}`);
  const tbs = fromDer(cert.raw).value[0] as forge.asn1.Asn1;
  const fields = tbs.value as forge.asn1.Asn1[];
  // The version field is optional in DER ([0] EXPLICIT, absent for v1).
  const first = fields[0].tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return { cert, key, subjectName: fields[first + 4] };
}

interface Draft {
  subject: forge.pki.CertificateField[];
  /** The issuer's name; a self-signed certificate's is its subject. */
  issuer?: forge.asn1.Asn1;
  publicKey: KeyObject;
  signingKey: KeyObject;
  now: Date | undefined;
  validDays: number;
  extensions: object[];
}

/** An X.509 v3 certificate in PEM: forge encodes the fields, Node's crypto signs them. */
function signCertificate(draft: Draft): string {
  if (!Number.isInteger(draft.validDays) || draft.validDays < 1) throw new Error(`validity must be a whole number of days ≥ 1, got ${draft.validDays}`);
  // forge fills in the subject's and the extensions' encodings.
  const fields = forge.pki.createCertificate();
  fields.setSubject(draft.subject);
  fields.setExtensions(draft.extensions);
  const subjectName = forge.pki.distinguishedNameToAsn1(fields.subject);
  const start = draft.now ?? new Date();
  // A minute of slack for clocks that are a little behind.
  const notBefore = new Date(start.getTime() - 60_000);
  const notAfter = new Date(start.getTime() + draft.validDays * DAY_MS);
  const algorithm = signatureAlgorithm(draft.signingKey);
  const tbs = asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(X509_V3).getBytes())]),
    asn1.create(UNIVERSAL, asn1.Type.INTEGER, false, serialNumber()),
    algorithm,
    draft.issuer ?? subjectName,
    asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [time(notBefore), time(notAfter)]),
    subjectName,
    fromDer(draft.publicKey.export({ type: 'spki', format: 'der' })),
    (forge.pki as unknown as { certificateExtensionsToAsn1(e: unknown): forge.asn1.Asn1 }).certificateExtensionsToAsn1(fields.extensions),
  ]);
  const tbsDer = asn1.toDer(tbs).getBytes();
  const signature = sign('sha256', Buffer.from(tbsDer, 'binary'), draft.signingKey);
  const certificate = asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithm,
    asn1.create(UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${signature.toString('binary')}`),
  ]);
  return forge.pem.encode({ type: 'CERTIFICATE', body: asn1.toDer(certificate).getBytes() });
}

/** The AlgorithmIdentifier of an ECDSA signature with SHA-256 (which takes no parameters, RFC 5758). */
function signatureAlgorithm(key: KeyObject): forge.asn1.Asn1 {
  if (key.asymmetricKeyType !== 'ec') throw new Error(`the CA key must be an EC key (as \`quorumkv cert create-ca\` makes), got ${key.asymmetricKeyType}`);
  return asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(ECDSA_WITH_SHA256).getBytes())]);
}

/** RFC 5280's key identifier: the SHA-1 of the subject public key's bits. */
function keyIdentifier(publicKey: KeyObject): string {
  const spki = fromDer(publicKey.export({ type: 'spki', format: 'der' }));
  const bits = (spki.value[1] as forge.asn1.Asn1).value as string;
  // The BIT STRING's first byte counts its unused bits; the key starts after it.
  return createHash('sha1').update(Buffer.from(bits.slice(1), 'binary')).digest('binary');
}

/** DER bytes as forge's ASN.1 tree, BIT STRINGs left as bytes so that they encode back unchanged. */
function fromDer(der: Buffer): forge.asn1.Asn1 {
  const parse = asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => forge.asn1.Asn1;
  return parse(der.toString('binary'), { decodeBitStrings: false });
}

/** UTCTime through 2049, GeneralizedTime after, as RFC 5280 asks. */
function time(date: Date): forge.asn1.Asn1 {
  return date.getUTCFullYear() < 2050
    ? asn1.create(UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

/** A random positive serial: the top bit cleared, as RFC 5280 asks. */
function serialNumber(): string {
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  serial[0] |= 0x01;
  return serial.toString('binary');
}

function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: CURVE });
}

function refuseOverwrite(paths: CertificatePaths, overwrite: boolean | undefined): void {
  if (overwrite) return;
  for (const file of [paths.certFile, paths.keyFile]) {
    if (existsSync(file)) throw new Error(`${file} already exists; pass --overwrite to replace it`);
  }
}

function write(dir: string, paths: CertificatePaths, certPem: string, key: KeyObject): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The key first: a certificate without its key would be useless, a key without a certificate is reissued.
  writeFileSync(paths.keyFile, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(paths.certFile, certPem, { mode: 0o644 });
}
