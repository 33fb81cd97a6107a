import { validateGatewayOptions } from '../gateway/options.js';
import { resolveNodeOptions } from '../node/options.js';
import { parseLogLevel, parseSlowRequestMs } from '../observability/log-options.js';
import { parseAutoCompaction, type AutoCompactionPolicy } from '../storage/auto-compaction.js';
import { resolveStorageOptions } from '../storage/options.js';
import { testDefectFrom } from '../storage/test-defects.js';
import type { Role } from '../security/roles.js';
import { resolveTransportSecurity, TLS_FLAG_OPTIONS, TLS_USAGE, tlsFlagsFrom } from '../security/tls-flags.js';
import { parseAddressList } from './address-list.js';
import { UsageError } from './usage-error.js';
import type { Command } from './command.js';

const DEFAULT_CLUSTER = 'local';

/** Flags every server takes: how much it logs, when a request counts as slow, and its TLS. */
const LOG_OPTIONS = { 'log-level': { type: 'string' }, 'slow-request-ms': { type: 'string' }, ...TLS_FLAG_OPTIONS } as const;
const LOG_USAGE = `[--log-level fatal|error|warn|info|debug|trace|silent] [--slow-request-ms N] ${TLS_USAGE}`;

/** Checks the logging flags now; the returned call sets up the process's logger when the server starts. */
function logSetup(values: Record<string, unknown>, role: Role, id: string, cluster: string): () => Promise<void> {
  let level;
  let slowRequestMs: number | undefined;
  let security;
  try {
    level = parseLogLevel(values['log-level'] as string | undefined, '--log-level');
    slowRequestMs = parseSlowRequestMs(values['slow-request-ms'] as string | undefined, '--slow-request-ms');
    security = resolveTransportSecurity(tlsFlagsFrom(values), { role, id });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return async () => {
    const { configureLog, log, setSlowRequestMs } = await import('../observability/log.js');
    configureLog({ role, id, cluster, level });
    if (slowRequestMs !== undefined) setSlowRequestMs(slowRequestMs);
    (await import('../security/transport-security.js')).useTransportSecurity(security);
    if (security.mode === 'insecure') log.warn('RUNNING WITHOUT TLS (--insecure): every listener and link is plaintext, and anyone who reaches a port can call it');
    else log.info({ certFile: security.peer.certFile, trustedCaFile: security.peer.trustedCaFile, clientCertAuth: security.client.clientCertAuth }, 'TLS on: mutual TLS between processes');
  };
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function integer(values: Record<string, unknown>, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

function autoCompactionFlags(values: Record<string, unknown>): AutoCompactionPolicy {
  try {
    return parseAutoCompaction(values['auto-compaction-mode'] as string | undefined, values['auto-compaction-retention'] as string | undefined);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export const storageCommand: Command = {
  name: 'storage',
  summary: 'run a storage member (one voter of the raft group that holds the shared log)',
  usage: 'quorumkv storage --id ID --listen HOST:PORT --peers ID=HOST:PORT,... [--join] --data-dir DIR [--metrics-listen HOST:PORT] [--zone ZONE] [--cluster NAME] [--tick-ms N] [--election-ticks N] [--snapshot-entries N] [--log-tail-entries N] [--auto-compaction-mode revision|periodic] [--auto-compaction-retention N|DURATION (history kept: revisions, or a period such as 1h; 0 turns it off; default revision 100000)] ' + LOG_USAGE,
  options: {
    id: { type: 'string' },
    cluster: { type: 'string' },
    listen: { type: 'string' },
    peers: { type: 'string' },
    'data-dir': { type: 'string' },
    'metrics-listen': { type: 'string' },
    zone: { type: 'string' },
    'tick-ms': { type: 'string' },
    'election-ticks': { type: 'string' },
    join: { type: 'boolean' },
    'snapshot-entries': { type: 'string' },
    'log-tail-entries': { type: 'string' },
    'auto-compaction-mode': { type: 'string' },
    'auto-compaction-retention': { type: 'string' },
    ...LOG_OPTIONS,
  },
  prepare: ({ values }) => {
    const options = {
      id: required(values, 'id'),
      cluster: (values.cluster as string | undefined) ?? DEFAULT_CLUSTER,
      listen: required(values, 'listen'),
      peers: parseAddressList('--peers', required(values, 'peers')),
      dataDir: required(values, 'data-dir'),
      metricsListen: values['metrics-listen'] as string | undefined,
      zone: values.zone as string | undefined,
      tickMs: integer(values, 'tick-ms'),
      electionTicks: integer(values, 'election-ticks'),
      join: Boolean(values.join),
      snapshotEntries: integer(values, 'snapshot-entries'),
      logTailEntries: integer(values, 'log-tail-entries'),
      autoCompaction: autoCompactionFlags(values),
      testDefect: testDefectFrom(process.env.QUORUMKV_TEST_DEFECT),
    };
    const config = resolveStorageOptions(options);
    const setUpLog = logSetup(values, 'storage', config.id, config.cluster);
    return async () => (await setUpLog(), (await import('../storage/run-storage.js')).runStorage(config));
  },
};

export const nodeCommand: Command = {
  name: 'node',
  summary: 'run a compute node: --mode writer (reads and writes) or --mode reader (reads and watches)',
  usage: 'quorumkv node --mode writer|reader --id ID --listen HOST:PORT [--advertise HOST:PORT] --storage ID=HOST:PORT,... [--metrics-listen HOST:PORT] [--zone ZONE] [--cluster NAME] [--watch-progress-notify-ms MS (etcd watches; default 600000 or $QUORUMKV_WATCH_PROGRESS_NOTIFY_MS)] [--auth-token-ttl SECONDS (tokens from Authenticate; default 300)] [--read-cache-keys N (keys cached for one-key reads; default 100000, 0 turns the cache off)] [--read-cache-follow-at N (one-key reads in a second that start following the log for the cache; default 50, 0 follows always)] ' + LOG_USAGE,
  options: {
    ...LOG_OPTIONS,
    mode: { type: 'string' },
    'read-cache-keys': { type: 'string' },
    'read-cache-follow-at': { type: 'string' },
    'watch-progress-notify-ms': { type: 'string' },
    'auth-token-ttl': { type: 'string' },
    id: { type: 'string' },
    cluster: { type: 'string' },
    listen: { type: 'string' },
    advertise: { type: 'string' },
    storage: { type: 'string' },
    'metrics-listen': { type: 'string' },
    zone: { type: 'string' },
  },
  prepare: ({ values }) => {
    const mode = (values.mode as string | undefined) ?? 'writer';
    const options = {
      mode,
      id: required(values, 'id'),
      cluster: (values.cluster as string | undefined) ?? DEFAULT_CLUSTER,
      listen: required(values, 'listen'),
      advertise: values.advertise as string | undefined,
      storage: parseAddressList('--storage', required(values, 'storage')),
      metricsListen: values['metrics-listen'] as string | undefined,
      zone: values.zone as string | undefined,
      watchProgressNotifyMs: integer({ 'watch-progress-notify-ms': values['watch-progress-notify-ms'] ?? process.env.QUORUMKV_WATCH_PROGRESS_NOTIFY_MS }, 'watch-progress-notify-ms'),
      authTokenTtlMs: secondsAsMs(integer({ 'auth-token-ttl': values['auth-token-ttl'] }, 'auth-token-ttl')),
      // 0 is allowed (no cache): resolveNodeOptions checks the range.
      readCacheKeys: values['read-cache-keys'] === undefined ? undefined : Number(values['read-cache-keys']),
      readCacheFollowAt: values['read-cache-follow-at'] === undefined ? undefined : Number(values['read-cache-follow-at']),
    };
    const config = resolveNodeOptions(options);
    const setUpLog = logSetup(values, config.mode, config.id, options.cluster);
    return async () => (await setUpLog(), (await import('../node/run-node.js')).runNode(config));
  },
};

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'run a gateway: the cluster endpoint (reads and writes) and the reader endpoint (reads)',
  usage:
    'quorumkv gateway --listen HOST:PORT [--reader-listen HOST:PORT] (--storage ID=HOST:PORT,... | --writers ID=HOST:PORT,...) [--readers ID=HOST:PORT,...] [--id ID] [--cluster NAME] [--metrics-listen HOST:PORT] [--max-in-flight N] ' + LOG_USAGE,
  options: {
    ...LOG_OPTIONS,
    id: { type: 'string' },
    cluster: { type: 'string' },
    listen: { type: 'string' },
    'reader-listen': { type: 'string' },
    'max-in-flight': { type: 'string' },
    storage: { type: 'string' },
    writers: { type: 'string' },
    readers: { type: 'string' },
    'metrics-listen': { type: 'string' },
  },
  prepare: ({ values }) => {
    const optionalList = (flag: string) => (values[flag] === undefined ? new Map<string, string>() : parseAddressList(`--${flag}`, values[flag] as string));
    const options = validateGatewayOptions({
      id: (values.id as string | undefined) ?? 'gateway',
      listen: required(values, 'listen'),
      readerListen: values['reader-listen'] as string | undefined,
      storage: optionalList('storage'),
      writers: optionalList('writers'),
      readers: optionalList('readers'),
      metricsListen: values['metrics-listen'] as string | undefined,
      maxInFlight: values['max-in-flight'] === undefined ? undefined : Number(values['max-in-flight']),
    });
    const setUpLog = logSetup(values, 'gateway', options.id, (values.cluster as string | undefined) ?? DEFAULT_CLUSTER);
    return async () => (await setUpLog(), (await import('../gateway/run-gateway.js')).runGateway(options));
  },
};

function secondsAsMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}
