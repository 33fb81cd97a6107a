import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { caPaths, nodeCertificatePaths } from './cert-files.js';
import { type Role, roleOf } from './roles.js';

// The one place a server process's TLS flags become credentials. The flags are etcd's
// (--cert-file, --key-file, --trusted-ca-file and --client-cert-auth for the client-facing
// listener, --peer-* for the links between processes), plus --certs-dir, which finds them by the
// names `quorumkv cert` writes. TLS is on unless --insecure says otherwise; the files are checked
// at start-up with messages that name the flag to fix.
//
// Internal links are always mutual TLS: every listener that processes of the cluster call
// requires a certificate from the cluster CA and checks the caller's role against the call
// policy, and every dial checks the server's role. Client-facing listeners (writer and reader
// nodes, the gateway's endpoints) require client certificates with --client-cert-auth.

/** How often certificate files are read again, so a rotation is picked up. */
export const DEFAULT_CERT_REFRESH_MS = 5_000;

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  trustedCaFile: string;
}

export interface ServerTls extends TlsFiles {
  /** Require a client certificate signed by the trusted CA (mTLS). */
  clientCertAuth: boolean;
}

/** What a client trusts and, for mTLS, presents: a CA, and optionally its own certificate and key. */
export interface ClientTls {
  trustedCaFile: string;
  certFile?: string;
  keyFile?: string;
}

/** Checks the files exist, with a message that says which flag names the missing one. */
export function checkTlsFiles(files: TlsFiles, flagPrefix = ''): void {
  const named: [string, string][] = [
    [`--${flagPrefix}cert-file`, files.certFile],
    [`--${flagPrefix}key-file`, files.keyFile],
    [`--${flagPrefix}trusted-ca-file`, files.trustedCaFile],
  ];
  for (const [flag, file] of named) {
    if (!file) throw new Error(`${flag} is required with TLS on (or pass --insecure)`);
    if (!existsSync(file)) throw new Error(`${flag} ${file}: no such file`);
  }
}

export interface TlsFlags {
  certsDir?: string;
  certFile?: string;
  keyFile?: string;
  trustedCaFile?: string;
  clientCertAuth?: boolean;
  peerCertFile?: string;
  peerKeyFile?: string;
  peerTrustedCaFile?: string;
  /** Serve /metrics, /healthz and /readyz over HTTPS too (off by default: kubelet HTTP probes). */
  metricsTls?: boolean;
  insecure?: boolean;
}

/** The resolved choice the rest of the process trusts. */
export type TransportSecurity =
  | { mode: 'insecure' }
  | {
      mode: 'tls';
      /** The client-facing listener. */
      client: ServerTls;
      /** The certificate this process presents to, and the CA it trusts in, other processes. */
      peer: TlsFiles;
      /** The metrics listener speaks HTTPS with the client-facing certificate. */
      metricsTls: boolean;
      refreshIntervalMs: number;
    };

export const TLS_FLAG_OPTIONS = {
  'certs-dir': { type: 'string' },
  'cert-file': { type: 'string' },
  'key-file': { type: 'string' },
  'trusted-ca-file': { type: 'string' },
  'client-cert-auth': { type: 'boolean' },
  'peer-cert-file': { type: 'string' },
  'peer-key-file': { type: 'string' },
  'peer-trusted-ca-file': { type: 'string' },
  'metrics-tls': { type: 'boolean' },
  insecure: { type: 'boolean' },
} as const;

export const TLS_USAGE = '(--certs-dir DIR | --cert-file F --key-file F --trusted-ca-file F [--peer-cert-file F --peer-key-file F --peer-trusted-ca-file F]) [--client-cert-auth] [--metrics-tls] | --insecure';

/** The flags of TLS_FLAG_OPTIONS as parsed from a command line. */
export function tlsFlagsFrom(values: Record<string, unknown>): TlsFlags {
  const text = (name: string) => (values[name] as string | undefined) || undefined;
  return {
    certsDir: text('certs-dir'),
    certFile: text('cert-file'),
    keyFile: text('key-file'),
    trustedCaFile: text('trusted-ca-file'),
    clientCertAuth: Boolean(values['client-cert-auth']),
    peerCertFile: text('peer-cert-file'),
    peerKeyFile: text('peer-key-file'),
    peerTrustedCaFile: text('peer-trusted-ca-file'),
    metricsTls: Boolean(values['metrics-tls']),
    insecure: Boolean(values.insecure),
  };
}

/**
 * Resolves and checks the flags of process `self`. Each --peer-* file defaults to its client-facing
 * twin and the other way round, and both to --certs-dir (or $QUORUMKV_CERTS_DIR): ca.crt and
 * ROLE.ID.crt/.key, so one cluster CA and one certificate per process is the whole set-up.
 */
export function resolveTransportSecurity(flags: TlsFlags, self: { role: Role; id: string }, env: NodeJS.ProcessEnv = process.env): TransportSecurity {
  const fileFlags = [flags.certFile, flags.keyFile, flags.trustedCaFile, flags.peerCertFile, flags.peerKeyFile, flags.peerTrustedCaFile];
  if (flags.insecure) {
    if (flags.certsDir || fileFlags.some(Boolean) || flags.clientCertAuth || flags.metricsTls) throw new Error('--insecure turns TLS off: give it without --certs-dir, --*-file, --client-cert-auth or --metrics-tls');
    return { mode: 'insecure' };
  }
  const dir = flags.certsDir ?? (fileFlags.some(Boolean) ? undefined : env.QUORUMKV_CERTS_DIR || undefined);
  if (!dir && !fileFlags.some(Boolean)) {
    throw new Error(
      `TLS is on by default: give --certs-dir DIR (where \`quorumkv cert\` wrote ca.crt and ${self.role}.${self.id}.crt/.key), or --cert-file, --key-file and --trusted-ca-file; or --insecure to run in plaintext`,
    );
  }
  const own = dir ? nodeCertificatePaths(dir, self.role, self.id) : undefined;
  const ca = dir ? caPaths(dir).certFile : undefined;
  const pick = (...choices: Array<string | undefined>) => choices.find(Boolean) ?? '';
  const client: ServerTls = {
    certFile: pick(flags.certFile, flags.peerCertFile, own?.certFile),
    keyFile: pick(flags.keyFile, flags.peerKeyFile, own?.keyFile),
    trustedCaFile: pick(flags.trustedCaFile, flags.peerTrustedCaFile, ca),
    clientCertAuth: Boolean(flags.clientCertAuth),
  };
  const peer: TlsFiles = {
    certFile: pick(flags.peerCertFile, flags.certFile, own?.certFile),
    keyFile: pick(flags.peerKeyFile, flags.keyFile, own?.keyFile),
    trustedCaFile: pick(flags.peerTrustedCaFile, flags.trustedCaFile, ca),
  };
  checkTlsFiles(peer, 'peer-');
  checkTlsFiles(client);
  checkCertificate(peer, 'peer-', self.role);
  if (client.certFile !== peer.certFile || client.trustedCaFile !== peer.trustedCaFile) checkCertificate(client, '', self.role);
  return { mode: 'tls', client, peer, metricsTls: Boolean(flags.metricsTls), refreshIntervalMs: DEFAULT_CERT_REFRESH_MS };
}

/** The certificate parses, matches its key, is signed by the trusted CA, is current, and carries this process's role. */
function checkCertificate(files: TlsFiles, flagPrefix: string, role: Role): void {
  const parse = <T>(flag: string, file: string, read: (bytes: Buffer) => T): T => {
    try {
      return read(readFileSync(file));
    } catch (error) {
      throw new Error(`--${flagPrefix}${flag} ${file}: ${(error as Error).message}`);
    }
  };
  const cert = parse('cert-file', files.certFile, (b) => new X509Certificate(b));
  const key = parse('key-file', files.keyFile, (b) => createPrivateKey(b));
  const ca = parse('trusted-ca-file', files.trustedCaFile, (b) => new X509Certificate(b));
  if (!cert.checkPrivateKey(key)) throw new Error(`--${flagPrefix}key-file ${files.keyFile} is not the key of --${flagPrefix}cert-file ${files.certFile}`);
  if (!cert.verify(ca.publicKey)) throw new Error(`--${flagPrefix}cert-file ${files.certFile} is not signed by the CA in --${flagPrefix}trusted-ca-file ${files.trustedCaFile}`);
  const now = Date.now();
  if (now > Date.parse(cert.validTo)) throw new Error(`--${flagPrefix}cert-file ${files.certFile} expired on ${cert.validTo}`);
  if (now < Date.parse(cert.validFrom)) throw new Error(`--${flagPrefix}cert-file ${files.certFile} is not valid before ${cert.validFrom}`);
  const carried = roleOf(cert.toLegacyObject());
  if (carried !== role) {
    throw new Error(`--${flagPrefix}cert-file ${files.certFile} carries ${carried ? `the ${carried} role` : 'no quorumkv role (OU)'}, but this is a ${role} process: issue one with \`quorumkv cert create-node ${role} ID HOST…\``);
  }
}

