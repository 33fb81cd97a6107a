import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { caPaths, clientCertificatePaths } from './cert-files.js';
import type { ClientTls } from './tls-flags.js';

// Where a client (the CLI, the client library, the bench) finds its TLS files: flags shaped like
// etcdctl's (--cacert, --cert, --key), else a certificates folder (--certs-dir,
// $QUORUMKV_CERTS_DIR, or data/certs under the working directory, where `quorumkv up` makes
// them): its ca.crt, and client.USER.crt/.key for USER (--user, $QUORUMKV_USER, or root) when
// that certificate is there. With none of them, plaintext.

/** Where `quorumkv up` keeps the certificates, under its data directory. */
export const CERTS_SUBDIR = 'certs';
export const DEFAULT_CERTS_DIR = join('data', CERTS_SUBDIR);
export const DEFAULT_CLIENT_USER = 'root';

export interface ClientTlsFlags {
  certsDir?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  user?: string;
  insecure?: boolean;
}

export const CLIENT_TLS_OPTIONS = {
  'certs-dir': { type: 'string' },
  cacert: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  user: { type: 'string' },
  insecure: { type: 'boolean' },
} as const;

export const CLIENT_TLS_USAGE = '[--certs-dir DIR | --cacert FILE [--cert FILE --key FILE]] [--user NAME] [--insecure]';

export function clientTlsFlagsFrom(values: Record<string, unknown>): ClientTlsFlags {
  const text = (name: string) => (values[name] as string | undefined) || undefined;
  return { certsDir: text('certs-dir'), caFile: text('cacert'), certFile: text('cert'), keyFile: text('key'), user: text('user'), insecure: Boolean(values.insecure) };
}

/** The TLS files a client uses, or undefined for plaintext. Throws with the flag to fix when a named file is missing. */
export function findClientTls(flags: ClientTlsFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ClientTls | undefined {
  const explicit = flags.certsDir || flags.caFile || flags.certFile || flags.keyFile;
  if (flags.insecure) {
    if (explicit) throw new Error('--insecure turns TLS off: give it without --certs-dir, --cacert, --cert or --key');
    return undefined;
  }
  if (Boolean(flags.certFile) !== Boolean(flags.keyFile)) throw new Error('--cert and --key go together');
  const must = (flag: string, file: string) => {
    if (!existsSync(file)) throw new Error(`${flag} ${file}: no such file`);
    return file;
  };
  if (flags.caFile) {
    return { trustedCaFile: must('--cacert', flags.caFile), ...(flags.certFile ? { certFile: must('--cert', flags.certFile), keyFile: must('--key', flags.keyFile!) } : {}) };
  }
  if (flags.certFile) throw new Error('--cert and --key need --cacert (or --certs-dir)');
  const named = flags.certsDir ?? (env.QUORUMKV_CERTS_DIR || undefined);
  const dir = named ?? (existsSync(caPaths(join(cwd, DEFAULT_CERTS_DIR)).certFile) ? join(cwd, DEFAULT_CERTS_DIR) : undefined);
  if (!dir) return undefined;
  const ca = caPaths(dir).certFile;
  if (!existsSync(ca)) throw new Error(`${flags.certsDir ? '--certs-dir' : '$QUORUMKV_CERTS_DIR'} ${dir} has no ca.crt`);
  const user = flags.user ?? (env.QUORUMKV_USER || DEFAULT_CLIENT_USER);
  const own = clientCertificatePaths(dir, user);
  if (existsSync(own.certFile) && existsSync(own.keyFile)) return { trustedCaFile: ca, ...own };
  if (flags.user) throw new Error(`no certificate for user ${user} in ${dir}: run \`quorumkv cert create-client ${user} --certs-dir ${dir}\``);
  return { trustedCaFile: ca };
}
