import { DEFAULT_PROGRESS_NOTIFY_MS } from '../etcd/watch-defaults.js';
import { splitHostPort } from '../observability/http-server.js';

export type NodeMode = 'writer' | 'reader';

/** etcd's default --auth-token-ttl: five minutes. */
export const DEFAULT_AUTH_TOKEN_TTL_MS = 300_000;

export interface NodeOptions {
  id: string;
  mode: string;
  cluster: string;
  listen: string;
  /** The address gateways should use to reach this node (default: --listen). */
  advertise?: string;
  /** Storage members: id → HOST:PORT. */
  storage: ReadonlyMap<string, string>;
  metricsListen?: string;
  zone?: string;
  /** etcd Watch: how often a watch that asked for progress notifications gets one while idle. */
  watchProgressNotifyMs?: number;
  /** How long a token from Authenticate stays valid (etcd's --auth-token-ttl, in milliseconds here). */
  authTokenTtlMs?: number;
  /** Keys kept in the latest-value cache that answers one-key reads (0: no cache). */
  readCacheKeys?: number;
  /** One-key reads in a second that start the cache's follow of the log (0: follow from the start, always). */
  readCacheFollowAt?: number;
}

export const DEFAULT_READ_CACHE_KEYS = 100_000;
export const DEFAULT_READ_CACHE_FOLLOW_AT = 50;
const MAX_READ_CACHE_KEYS = 10_000_000;

export interface NodeConfig extends Required<Omit<NodeOptions, 'metricsListen' | 'mode' | 'advertise'>> {
  advertise: string;
  mode: NodeMode;
  metricsListen: string | undefined;
}

export function resolveNodeOptions(options: NodeOptions): NodeConfig {
  if (options.mode !== 'writer' && options.mode !== 'reader') {
    throw new Error(`--mode must be writer or reader, got ${JSON.stringify(options.mode)}`);
  }
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(options.id)) {
    throw new Error(`--id ${JSON.stringify(options.id)}: use 1-63 lowercase letters, digits and dashes`);
  }
  if (options.storage.size === 0) throw new Error('--storage must name at least one storage member (ID=HOST:PORT,...)');
  splitHostPort(options.listen);
  if (options.advertise) splitHostPort(options.advertise);
  if (options.metricsListen) splitHostPort(options.metricsListen);
  for (const address of options.storage.values()) splitHostPort(address);
  const watchProgressNotifyMs = options.watchProgressNotifyMs ?? DEFAULT_PROGRESS_NOTIFY_MS;
  if (!Number.isSafeInteger(watchProgressNotifyMs) || watchProgressNotifyMs < 10) {
    throw new Error(`--watch-progress-notify-ms must be an integer of at least 10, got ${watchProgressNotifyMs}`);
  }
  const authTokenTtlMs = options.authTokenTtlMs ?? DEFAULT_AUTH_TOKEN_TTL_MS;
  if (!Number.isSafeInteger(authTokenTtlMs) || authTokenTtlMs < 1_000) throw new Error(`--auth-token-ttl must be a whole number of seconds, at least 1, got ${authTokenTtlMs / 1000}`);
  const readCacheKeys = options.readCacheKeys ?? DEFAULT_READ_CACHE_KEYS;
  if (!Number.isSafeInteger(readCacheKeys) || readCacheKeys < 0 || readCacheKeys > MAX_READ_CACHE_KEYS) {
    throw new Error(`--read-cache-keys must be an integer from 0 (no cache) to ${MAX_READ_CACHE_KEYS}, got ${readCacheKeys}`);
  }
  const readCacheFollowAt = options.readCacheFollowAt ?? DEFAULT_READ_CACHE_FOLLOW_AT;
  if (!Number.isSafeInteger(readCacheFollowAt) || readCacheFollowAt < 0) throw new Error(`--read-cache-follow-at must be a whole number of reads a second, got ${readCacheFollowAt}`);
  return { ...options, mode: options.mode, advertise: options.advertise ?? options.listen, zone: options.zone ?? '', metricsListen: options.metricsListen, watchProgressNotifyMs, authTokenTtlMs, readCacheKeys, readCacheFollowAt };
}
