import type { Consistency, QuorumkvClient } from '../client/client.js';
import type { OneShotCalls } from '../client/one-shot-client.js';
import { DEFAULT_TIMEOUT_MS } from '../client/request-fields.js';
import type { ClientTls } from '../security/tls-flags.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { MemberStatus__Output } from '../gen/quorumkv/v1/MemberStatus.js';
import type { PrintedOutcome } from './txn-json.js';
import { readFileSync } from 'node:fs';
import { UsageError } from './usage-error.js';
import type { Command, ParsedArgs } from './command.js';
import { formatBytes } from './format-bytes.js';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, outputFormat, printResult } from './output.js';
import { CLIENT_TLS_OPTIONS, CLIENT_TLS_USAGE, clientTlsFlagsFrom, findClientTls } from '../security/client-tls.js';
import { renderTable } from './table.js';
import { leaseIdText, parseLeaseId } from './lease-id.js';

// Client subcommands talk to a gateway (or any node) at --endpoint, QUORUMKV_ENDPOINT, or
// 127.0.0.1:7000, over TLS with the certificates client-tls.ts finds (those `quorumkv up` made,
// with no flags). They print text and tables (--output table, the default), or the same result as
// one JSON object (--output json, or --json) or one YAML document (--output yaml). Every command
// but watch makes its calls with the one-shot client (node:http2, no gRPC library: quick to
// start); watch streams with the client library, loaded only when it runs.

const DEFAULT_ENDPOINT = '127.0.0.1:7000';

export const endpointOption = { endpoint: { type: 'string' }, 'timeout-ms': { type: 'string' }, ...OUTPUT_OPTIONS, ...CLIENT_TLS_OPTIONS } as const;
export const CLIENT_USAGE = `${OUTPUT_USAGE} [--endpoint HOST:PORT] ${CLIENT_TLS_USAGE}`;

/** The endpoints a client command talks to: --endpoint, QUORUMKV_ENDPOINT or the default, comma-separated. */
export function endpointsOf(values: ParsedArgs['values']): string[] {
  const endpoint = (values.endpoint as string | undefined) || process.env.QUORUMKV_ENDPOINT || DEFAULT_ENDPOINT;
  return endpoint.split(',').map((e) => e.trim()).filter(Boolean);
}

interface ConnectionFlags {
  endpoints: string[];
  timeoutMs: number | undefined;
  tls: ClientTls | false;
}

/** Checks the connection flags when the command line is parsed. */
function connectionFlags(values: ParsedArgs['values']): ConnectionFlags {
  const timeoutText = values['timeout-ms'] as string | undefined;
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutMs !== undefined && !(/^[0-9]+$/.test(timeoutText!) && timeoutMs > 0)) {
    throw new UsageError(`--timeout-ms must be a positive integer, got ${JSON.stringify(timeoutText)}`);
  }
  const endpoints = endpointsOf(values);
  let tls: ClientTls | false;
  try {
    tls = findClientTls(clientTlsFlagsFrom(values)) ?? false;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { endpoints, timeoutMs, tls };
}

/** Runs `use` with a one-shot client, closed after. */
export function withClient(values: ParsedArgs['values'], use: (client: OneShotCalls) => Promise<number>): () => Promise<number> {
  const flags = connectionFlags(values);
  return async () => {
    const { OneShotClient } = await import('../client/one-shot-client.js');
    const client = new OneShotClient({ endpoints: flags.endpoints, timeoutMs: flags.timeoutMs ?? DEFAULT_TIMEOUT_MS, tls: flags.tls || undefined });
    try {
      return await use(client);
    } finally {
      client.close();
    }
  };
}

/** Runs `use` with the client library (for streams), closed after. */
export function withLibraryClient(values: ParsedArgs['values'], use: (client: QuorumkvClient) => Promise<number>): () => Promise<number> {
  const flags = connectionFlags(values);
  return async () => {
    const client = (await import('../client/client.js')).connect(flags);
    try {
      return await use(client);
    } finally {
      client.close();
    }
  };
}

function kvJson(kv: KeyValue__Output) {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value.toString('utf8'),
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    ...(kv.lease !== 0 ? { lease: leaseIdText(kv.lease) } : {}),
  };
}


export const putCommand: Command = {
  name: 'put',
  summary: 'set KEY to VALUE',
  usage: `quorumkv put KEY VALUE [--prev-kv] [--lease ID] ${CLIENT_USAGE}`,
  options: { ...endpointOption, 'prev-kv': { type: 'boolean' }, lease: { type: 'string' } },
  positionals: { min: 2, max: 2 },
  prepare: ({ values, positionals: [key, value] }) => {
    const format = outputFormat(values);
    const lease = values.lease === undefined ? 0 : parseLeaseId(values.lease as string, '--lease');
    return withClient(values, async (client) => {
      const response = await client.put(key, value, { prevKv: Boolean(values['prev-kv']), lease });
      const revision = response.header?.revision ?? 0;
      await printResult(format, { revision, header: response.header, prevKv: response.prevKv ? kvJson(response.prevKv) : null }, () =>
        values['prev-kv'] && response.prevKv ? `OK (revision ${revision}, previous value ${response.prevKv.value.toString()})` : 'OK',
      );
      return 0;
    });
  },
};

export const getCommand: Command = {
  name: 'get',
  summary: 'print the value of KEY (or of every key with --prefix)',
  usage:
    `quorumkv get KEY [--prefix] [--consistency linearizable|read-your-writes|stale] [--min-revision N] [--max-staleness-ms N] [--revision N] [--limit N] ${CLIENT_USAGE}`,
  options: {
    ...endpointOption,
    prefix: { type: 'boolean' },
    consistency: { type: 'string' },
    'min-revision': { type: 'string' },
    'max-staleness-ms': { type: 'string' },
    serializable: { type: 'boolean' },
    revision: { type: 'string' },
    limit: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  completions: { values: { consistency: ['linearizable', 'read-your-writes', 'stale'] } },
  prepare: ({ values, positionals: [key] }) => {
    const format = outputFormat(values);
    const revision = nonNegative(values.revision, '--revision');
    const limit = nonNegative(values.limit, '--limit');
    const consistency = (values.consistency as string | undefined) ?? (values.serializable ? 'stale' : 'linearizable');
    if (!CONSISTENCIES.includes(consistency as Consistency)) {
      throw new UsageError(`--consistency must be one of ${CONSISTENCIES.join(', ')}, got ${JSON.stringify(consistency)}`);
    }
    const minRevision = nonNegative(values['min-revision'], '--min-revision');
    const maxStalenessMs = nonNegative(values['max-staleness-ms'], '--max-staleness-ms');
    return withClient(values, async (client) => {
      const response = await client.range(key, {
        prefix: Boolean(values.prefix),
        consistency: consistency as Consistency,
        minRevision,
        maxStalenessMs,
        revision,
        limit,
      });
      if (format === 'table' && response.kvs.length === 0) {
        process.stderr.write(values.prefix ? `no keys start with ${JSON.stringify(key)}\n` : `key ${JSON.stringify(key)} not found\n`);
        return 1;
      }
      await printResult(format, { header: response.header, count: response.count, more: response.more, kvs: response.kvs.map(kvJson) }, () =>
        values.prefix ? response.kvs.map((kv) => `${kv.key.toString()}\n${kv.value.toString()}`).join('\n') : response.kvs[0].value.toString(),
      );
      return response.kvs.length > 0 ? 0 : 1;
    });
  },
};

const CONSISTENCIES: Consistency[] = ['linearizable', 'read-your-writes', 'stale'];

export const watchCommand: Command = {
  name: 'watch',
  summary: 'print changes to every key that starts with PREFIX as they happen (--key: to KEY only)',
  usage: `quorumkv watch PREFIX [--key] [--from-revision N] [--prev-kv] ${CLIENT_USAGE}   (json: one object a line; yaml: one document an event)`,
  options: { ...endpointOption, key: { type: 'boolean' }, 'from-revision': { type: 'string' }, 'prev-kv': { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  prepare: ({ values, positionals: [prefix] }) => {
    const format = outputFormat(values);
    const fromRevision = nonNegative(values['from-revision'], '--from-revision');
    return withLibraryClient(values, async (client) => {
      const watcher = client.watch(prefix, { prefix: !values.key, fromRevision, prevKv: Boolean(values['prev-kv']) });
      const stop = () => watcher.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      for await (const batch of watcher) {
        for (const event of batch.events) {
          const kv = event.kv!;
          await printResult(format, { type: event.type, revision: kv.modRevision, ...kvJson(kv), ...(event.prevKv ? { prevKv: kvJson(event.prevKv) } : {}) }, () =>
            `${event.type} ${kv.key.toString()} revision ${kv.modRevision}${event.type === 'PUT' ? `\n${kv.value.toString()}` : ''}`,
          );
        }
      }
      return 0;
    });
  },
};

export const delCommand: Command = {
  name: 'del',
  summary: 'delete KEY (or every key with --prefix); prints how many were deleted',
  usage: `quorumkv del KEY [--prefix] ${CLIENT_USAGE}`,
  options: { ...endpointOption, prefix: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  prepare: ({ values, positionals: [key] }) => {
    const format = outputFormat(values);
    return withClient(values, async (client) => {
      const response = await client.delete(key, { prefix: Boolean(values.prefix) });
      await printResult(format, { revision: response.header?.revision ?? 0, deleted: response.deleted, header: response.header }, () => String(response.deleted));
      return 0;
    });
  },
};

export const addCommand: Command = {
  name: 'add',
  summary: 'add DELTA to the integer at KEY (a missing key counts as 0); prints the new value',
  usage: `quorumkv add KEY DELTA ${CLIENT_USAGE}`,
  options: endpointOption,
  positionals: { min: 2, max: 2 },
  prepare: ({ values, positionals: [key, deltaText] }) => {
    const format = outputFormat(values);
    const delta = Number(deltaText);
    if (!/^[-+]?\d+$/.test(deltaText) || !Number.isSafeInteger(delta)) {
      throw new UsageError(`DELTA must be an integer, got ${JSON.stringify(deltaText)}`);
    }
    return withClient(values, async (client) => {
      const { value, revision } = await client.add(key, delta);
      await printResult(format, { value, revision }, () => String(value));
      return 0;
    });
  },
};

export const txnCommand: Command = {
  name: 'txn',
  summary: 'run a transaction given as JSON (from --file or standard input); prints its outcome',
  usage: `quorumkv txn [--file FILE] ${CLIENT_USAGE}   (format: README, "Transactions from the command line")`,
  options: { ...endpointOption, file: { type: 'string' } },
  prepare: ({ values }) => {
    const format = outputFormat(values);
    return withClient(values, async (client) => {
      const text = values.file ? readFileSync(values.file as string, 'utf8') : await readStdin();
      const [{ parseTxnJson, txnOutcomeJson, txnOutcomeText }, { ConflictError, TooOldError }] = await Promise.all([import('./txn-json.js'), import('../errors.js')]);
      const request = parseTxnJson(text);
      let outcome: PrintedOutcome;
      try {
        outcome = txnOutcomeJson(await client.txn(request));
      } catch (error) {
        if (error instanceof ConflictError) outcome = { outcome: 'conflict', key: error.key.toString(), revision: error.revision, message: error.message };
        else if (error instanceof TooOldError) outcome = { outcome: 'too-old', message: error.message };
        else throw error;
      }
      await printResult(format, outcome, () => txnOutcomeText(outcome));
      return outcome.outcome === 'committed' || outcome.outcome === 'compare-failed' ? 0 : 1;
    });
  },
};

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('give the transaction with --file FILE or on standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const membersCommand: Command = {
  name: 'members',
  summary: 'list or change the storage members: list | add ID HOST:PORT | promote ID | remove ID',
  usage: `quorumkv members list | add ID HOST:PORT | promote ID | remove ID  ${CLIENT_USAGE}`,
  options: endpointOption,
  positionals: { min: 1, max: 3 },
  completions: { first: ['list', 'add', 'promote', 'remove'] },
  prepare: ({ values, positionals: [action, id, address] }) => {
    const arity: Record<string, number> = { list: 1, add: 3, promote: 2, remove: 2 };
    if (!(action in arity)) throw new UsageError(`members: unknown action ${JSON.stringify(action)}; use list, add, promote or remove`);
    const given = [action, id, address].filter((p) => p !== undefined).length;
    if (given !== arity[action]) throw new UsageError(`members ${action}: expected ${arity[action] - 1} argument(s)`);
    const format = outputFormat(values);
    return withClient(values, async (client) => {
      const response =
        action === 'add' ? await client.addMember(id, address) : action === 'promote' ? await client.promoteMember(id) : action === 'remove' ? await client.removeMember(id) : await client.members();
      await printResult(format, { leader: response.leader, members: response.members }, () =>
        renderTable(['ID', 'ADDRESS', 'ROLE', 'MATCH', 'LEADER'], response.members.map((m) => [m.id, m.address, m.role, String(m.matchIndex), m.id === response.leader ? 'yes' : ''])),
      );
      return 0;
    });
  },
};

export const statusCommand: Command = {
  name: 'status',
  summary: 'show every process of the cluster: role, id, version, leader, learner, raft index, lag, db size, health',
  usage: `quorumkv status [--hash] ${CLIENT_USAGE}`,
  options: { ...endpointOption, hash: { type: 'boolean' } },
  prepare: ({ values }) => {
    const format = outputFormat(values);
    return withClient(values, async (client) => {
      const { members } = await client.status({ withHashes: Boolean(values.hash) });
      // A storage member's lag is how far its applied index is behind the highest commit index reported.
      const commitIndex = Math.max(0, ...members.filter((m) => m.role === 'storage' && m.healthy).map((m) => m.commitIndex));
      const rows = members.map((m) => memberRow(m, commitIndex));
      await printResult(format, { members: rows }, () => statusTable(rows));
      return members.every((m) => m.healthy) ? 0 : 1;
    });
  },
};

function memberRow(m: MemberStatus__Output, commitIndex: number) {
  return {
    role: m.role,
    id: m.id,
    address: m.address,
    version: m.version,
    pid: m.pid,
    zone: m.zone,
    leader: m.leader,
    term: m.term,
    commitIndex: m.commitIndex,
    appliedIndex: m.appliedIndex,
    healthy: m.healthy,
    ...(m.role === 'storage'
      ? {
          learner: m.learner,
          dbSizeBytes: m.dbSizeBytes,
          lagEntries: m.healthy ? Math.max(0, commitIndex - m.appliedIndex) : null,
          lagMs: m.lagMs,
          hash: m.hash,
          hashRevision: m.hashRevision,
          revision: m.revision,
          firstIndex: m.firstIndex,
          snapshotIndex: m.snapshotIndex,
        }
      : {}),
    ...(m.role === 'reader' ? { revision: m.revision, lagRevisions: m.lagRevisions, lagMs: m.lagMs } : {}),
    ...(m.error ? { error: m.error } : {}),
  };
}

type StatusRow = ReturnType<typeof memberRow>;

const STATUS_HEADER = ['ROLE', 'ID', 'ADDRESS', 'VERSION', 'PID', 'ZONE', 'LEADER', 'LEARNER', 'TERM', 'RAFT INDEX', 'APPLIED', 'LAG', 'DB SIZE', 'HASH@REV', 'HEALTHY'];

function statusTable(rows: StatusRow[]): string {
  return renderTable(STATUS_HEADER, rows.map(statusCells));
}

function statusCells(m: StatusRow): string[] {
  const storage = m.role === 'storage';
  const yesNo = (b: boolean | undefined) => (b ? 'yes' : 'no');
  return [
    m.role,
    m.id,
    m.address,
    m.version || '-',
    m.pid ? String(m.pid) : '-',
    m.zone || '-',
    storage ? yesNo(m.leader) : '-',
    storage ? yesNo(m.learner) : '-',
    storage ? String(m.term) : '-',
    storage ? String(m.commitIndex) : '-',
    storage ? String(m.appliedIndex) : '-',
    lagCell(m),
    storage && m.healthy ? formatBytes(m.dbSizeBytes ?? 0) : '-',
    storage && m.hash ? `${m.hash.slice(0, 12)}@${m.hashRevision}` : '-',
    m.healthy ? 'yes' : `no${m.error ? ` (${m.error})` : ''}`,
  ];
}

/** Storage: entries behind the commit index (and for how long); readers: revisions and milliseconds behind the log. */
function lagCell(m: StatusRow): string {
  if (m.role === 'storage' && m.lagEntries !== null && m.lagEntries !== undefined) return m.lagMs ? `${m.lagEntries} entries, ${m.lagMs} ms` : `${m.lagEntries} entries`;
  if (m.role === 'reader') return `${m.lagRevisions} rev, ${m.lagMs} ms`;
  return '-';
}

function nonNegative(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

/** The client commands, in the order `quorumkv --help` lists them; main.ts finds them by CLIENT_COMMAND_NAMES without loading the rest. */
export const CLIENT_COMMANDS: Command[] = [putCommand, getCommand, delCommand, addCommand, txnCommand, watchCommand, statusCommand, membersCommand];
