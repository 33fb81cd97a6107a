import { join, resolve } from 'node:path';
import type { SnapshotSummary } from '../backup/snapshot-format.js';
import { PACKAGE_ROOT } from '../proto/root.js';
import { loadTopology } from '../up/topology.js';
import { parseAddressList } from './address-list.js';
import { UsageError } from './usage-error.js';
import type { Command, ParsedArgs } from './command.js';
import { endpointsOf } from './client-commands.js';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, outputFormat, printResult } from './output.js';
import { renderTable } from './table.js';

// `quorumkv snapshot`: backup and restore (docs in the README's "Backup and restore").

const DEFAULT_TOPOLOGY = join(PACKAGE_ROOT, 'deploy', 'local.yaml');
const DEFAULT_KEEP = 24;
const ACTIONS = ['save', 'restore', 'status', 'backup'];

export const snapshotCommand: Command = {
  name: 'snapshot',
  summary: 'back up and restore: save FILE | status FILE | restore FILE --data-dir DIR | backup DIR --every 5m --keep K',
  usage: [
    'quorumkv snapshot save FILE [--revision N] [--endpoint HOST:PORT] ' + OUTPUT_USAGE,
    '     every key at one revision (the current one, or N from the retained history), with its checksum',
    'quorumkv snapshot status FILE ' + OUTPUT_USAGE,
    '     checks the file and shows its revision, keys, leases, size, checksum and state hash',
    'quorumkv snapshot restore FILE --data-dir DIR [--members ID=HOST:PORT,... | --topology FILE] [--cluster NAME] ' + OUTPUT_USAGE,
    '     writes DIR/ID for every storage member of a new cluster (default members: deploy/local.yaml; default name: fresh)',
    'quorumkv snapshot backup DIR [--every 5m] [--keep 24] [--endpoint HOST:PORT]',
    '     a snapshot into DIR every interval, keeping the newest K, until stopped',
  ].join('\n'),
  options: {
    ...OUTPUT_OPTIONS,
    endpoint: { type: 'string' },
    revision: { type: 'string' },
    'data-dir': { type: 'string' },
    members: { type: 'string' },
    topology: { type: 'string' },
    cluster: { type: 'string' },
    every: { type: 'string' },
    keep: { type: 'string' },
  },
  positionals: { min: 2, max: 2 },
  completions: { first: ACTIONS },
  prepare: ({ values, positionals: [action, path] }) => {
    if (!ACTIONS.includes(action)) throw new UsageError(`snapshot: unknown action ${JSON.stringify(action)}; use ${ACTIONS.join(', ')}`);
    const format = outputFormat(values);
    const file = resolve(path);
    if (action === 'status') {
      return async () => {
        const { snapshotStatus } = await import('../backup/save.js');
        const status = await snapshotStatus(file);
        await printResult(format, { file, ...status }, () => summaryTable(file, status));
        return 0;
      };
    }
    if (action === 'restore') {
      const dataDir = values['data-dir'] as string | undefined;
      if (!dataDir) throw new UsageError('snapshot restore: --data-dir DIR is required');
      if (values.members && values.topology) throw new UsageError('snapshot restore: give --members or --topology, not both');
      const members = values.members
        ? parseAddressList('--members', values.members as string)
        : new Map(loadTopology((values.topology as string | undefined) ?? DEFAULT_TOPOLOGY).storage.map((s) => [s.id, s.listen]));
      const cluster = values.cluster as string | undefined;
      return async () => {
        const { restoreSnapshot } = await import('../backup/restore.js');
        const result = await restoreSnapshot({ file, dataDir: resolve(dataDir), members, cluster });
        const peers = [...members].map(([id, address]) => `${id}=${address}`).join(',');
        const commands = [...result.dirs].map(([id, dir]) => `quorumkv storage --id ${id} --cluster ${result.cluster} --listen ${members.get(id)} --peers ${peers} --data-dir ${dir}`);
        await printResult(format, { cluster: result.cluster, revision: result.snapshot.revision, keys: result.snapshot.keys, leases: result.snapshot.leases, hash: result.hash, dataDirs: Object.fromEntries(result.dirs), commands }, () =>
          [
            `restored revision ${result.snapshot.revision} (${result.snapshot.keys} keys, ${result.snapshot.leases ?? 'no recorded'} leases, hash ${result.hash}) as cluster ${result.cluster}`,
            'start its storage members with:',
            ...commands.map((c) => `  ${c}`),
          ].join('\n'),
        );
        return 0;
      };
    }
    const revision = nonNegative(values.revision, '--revision');
    const connect = clientFor(values);
    if (action === 'save') {
      return async () => {
        const client = await connect();
        try {
          const { saveSnapshot } = await import('../backup/save.js');
          const summary = await saveSnapshot(client, file, { revision });
          await printResult(format, { file, ...summary }, () => summaryTable(file, summary));
          return 0;
        } finally {
          client.close();
        }
      };
    }
    const everyMs = durationMs((values.every as string | undefined) ?? '5m', '--every');
    const keep = nonNegative(values.keep, '--keep') ?? DEFAULT_KEEP;
    if (keep < 1) throw new UsageError('--keep must be at least 1');
    return async () => {
      const client = await connect();
      const { backupOnce } = await import('../backup/save.js');
      const { log, configureLog } = await import('../observability/log.js');
      configureLog({ role: 'backup', id: 'snapshot', cluster: '' });
      let stop: () => void = () => {};
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      process.once('SIGINT', () => stop());
      process.once('SIGTERM', () => stop());
      try {
        for (;;) {
          try {
            const { path: written, summary, removed } = await backupOnce(client, file, keep);
            log.info({ file: written, revision: summary.revision, keys: summary.keys, leases: summary.leases, bytes: summary.bytes, sha256: summary.sha256, removed }, 'snapshot saved');
          } catch (error) {
            log.error({ err: error }, 'snapshot failed; trying again at the next interval');
          }
          let timer: NodeJS.Timeout | undefined;
          const next = await Promise.race([stopped.then(() => 'stop'), new Promise((resolve) => (timer = setTimeout(resolve, everyMs, 'next')))]);
          clearTimeout(timer);
          if (next === 'stop') return 0;
        }
      } finally {
        client.close();
      }
    };
  },
};

function summaryTable(file: string, s: SnapshotSummary & { hash?: string }): string {
  const rows = [
    ['file', file],
    ['revision', String(s.revision)],
    ['keys', String(s.keys)],
    ['leases', s.leases === null ? 'not recorded (a version 1 file: keys restore without their leases)' : String(s.leases)],
    ['bytes', String(s.bytes)],
    ['sha256', s.sha256],
    ...(s.hash ? [['hash', s.hash]] : []),
  ];
  return renderTable(['FIELD', 'VALUE'], rows);
}

function clientFor(values: ParsedArgs['values']) {
  const endpoints = endpointsOf(values);
  return async () => (await import('../client/client.js')).connect({ endpoints, timeoutMs: 30_000 });
}

function nonNegative(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^[0-9]+$/.test(String(value)) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

/** "90s", "5m", "1h", "500ms". */
export function durationMs(text: string, flag: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  const ms = match ? Number(match[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'] : NaN;
  if (!(ms > 0)) throw new UsageError(`${flag} must be a duration such as 90s, 5m or 1h, got ${JSON.stringify(text)}`);
  return ms;
}
