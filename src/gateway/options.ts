import { splitHostPort } from '../observability/http-server.js';

export interface GatewayOptions {
  id: string;
  /** The cluster endpoint: reads and writes. */
  listen: string;
  /** The reader endpoint: reads and watches, balanced over reader nodes. */
  readerListen?: string;
  /** Storage members to discover compute nodes from (id → HOST:PORT). */
  storage: ReadonlyMap<string, string>;
  /** Compute nodes given by hand, in addition to the discovered ones. */
  writers: ReadonlyMap<string, string>;
  readers: ReadonlyMap<string, string>;
  metricsListen?: string;
  /** Unary calls forwarded at once; past it, RESOURCE_EXHAUSTED (DEFAULT_MAX_IN_FLIGHT). */
  maxInFlight?: number;
}

/** Checks gateway options once, at start-up, with messages a person can act on. */
export function validateGatewayOptions(options: GatewayOptions): GatewayOptions {
  splitHostPort(options.listen);
  if (options.readerListen) splitHostPort(options.readerListen);
  if (options.metricsListen) splitHostPort(options.metricsListen);
  if (options.maxInFlight !== undefined && !(Number.isInteger(options.maxInFlight) && options.maxInFlight >= 1)) {
    throw new Error(`--max-in-flight must be a positive integer, got ${options.maxInFlight}`);
  }
  if (options.storage.size === 0 && options.writers.size === 0) {
    throw new Error('give --storage (to discover nodes) or --writers (ID=HOST:PORT,...)');
  }
  return options;
}
