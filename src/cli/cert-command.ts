import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './usage-error.js';
import type { Command, ParsedArgs } from './command.js';
import { DEFAULT_CERTS_DIR } from '../security/client-tls.js';
import { renderTable } from './table.js';

// `quorumkv cert`: the cluster CA and the certificates it issues, as CockroachDB's `cockroach
// cert`. The certificate library is loaded only when the command runs.

const NODE_ROLES = ['storage', 'writer', 'reader', 'gateway'];
const ACTIONS: Record<string, string> = {
  'create-ca': 'create-ca',
  'create-node': 'create-node ROLE ID HOST [HOST…]   (ROLE: storage, writer, reader or gateway)',
  'create-client': 'create-client USER',
  list: 'list',
};

function numberOption(values: ParsedArgs['values'], name: string): number | undefined {
  const text = values[name] as string | undefined;
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(text)) throw new UsageError(`--${name} must be a positive whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

export const certCommand: Command = {
  name: 'cert',
  summary: 'create the cluster CA and certificates for processes and users, or list them',
  usage: [
    'quorumkv cert ACTION [--certs-dir DIR] [--ca-key FILE] [--valid-days N] [--overwrite]',
    ...Object.values(ACTIONS).map((a) => `  quorumkv cert ${a}`),
    `Files go to --certs-dir, QUORUMKV_CERTS_DIR or ${DEFAULT_CERTS_DIR}: ca.crt/ca.key, ROLE.ID.crt/.key, client.USER.crt/.key.`,
  ].join('\n'),
  options: { 'certs-dir': { type: 'string' }, 'ca-key': { type: 'string' }, 'valid-days': { type: 'string' }, overwrite: { type: 'boolean' } },
  positionals: { min: 1, max: 66 },
  prepare: ({ values, positionals: [action, ...rest] }) => {
    if (!(action in ACTIONS)) throw new UsageError(`cert: unknown action ${JSON.stringify(action)}; use ${Object.keys(ACTIONS).join(', ')}`);
    const dir = (values['certs-dir'] as string | undefined) || process.env.QUORUMKV_CERTS_DIR || DEFAULT_CERTS_DIR;
    const common = { caKeyFile: values['ca-key'] as string | undefined, validDays: numberOption(values, 'valid-days'), overwrite: Boolean(values.overwrite) };
    const expect = (count: number | 'many') => {
      const ok = count === 'many' ? rest.length >= 3 : rest.length === count;
      if (!ok) throw new UsageError(`cert: usage: quorumkv cert ${ACTIONS[action]}`);
    };
    if (action === 'create-ca' || action === 'list') expect(0);
    if (action === 'create-client') expect(1);
    if (action === 'create-node') {
      expect('many');
      if (!NODE_ROLES.includes(rest[0])) throw new UsageError(`cert create-node: ROLE must be one of ${NODE_ROLES.join(', ')}, got ${JSON.stringify(rest[0])}`);
    }
    return async () => {
      if (action === 'list') return listCertificates(dir);
      const certs = await import('../security/certificates.js');
      const written =
        action === 'create-ca'
          ? certs.createCa(dir, common)
          : action === 'create-client'
            ? certs.createClientCertificate(dir, rest[0], common)
            : certs.createNodeCertificate(dir, { ...common, role: rest[0] as 'storage', id: rest[1], hosts: rest.slice(2) });
      process.stdout.write(`wrote ${written.certFile} and ${written.keyFile}\n`);
      return 0;
    };
  },
};

function listCertificates(dir: string): number {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.crt')).sort();
  } catch {
    throw new UsageError(`cert list: no directory ${dir}`);
  }
  const rows = files.map((file) => {
    const cert = new X509Certificate(readFileSync(join(dir, file)));
    const field = (name: string) => cert.subject.split('\n').find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1) ?? '';
    return [file, cert.ca ? 'ca' : field('OU'), field('CN'), cert.validTo, cert.subjectAltName ?? ''];
  });
  process.stdout.write(`${renderTable(['FILE', 'ROLE', 'NAME', 'EXPIRES', 'HOSTS'], rows)}\n`);
  return 0;
}
