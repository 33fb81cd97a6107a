import { splitHostPort } from '../observability/http-server.js';

export interface GatewayOptions {
  id: string;
  listen: string;
  /** Writer nodes: id → HOST:PORT. */
  writers: ReadonlyMap<string, string>;
  metricsListen?: string;
}

/** Checks gateway options once, at start-up, with messages a person can act on. */
export function validateGatewayOptions(options: GatewayOptions): GatewayOptions {
  splitHostPort(options.listen);
  if (options.metricsListen) splitHostPort(options.metricsListen);
  if (options.writers.size === 0) throw new Error('--writers must name at least one writer node (ID=HOST:PORT,...)');
  return options;
}
