import { connect } from '../client/client.js';
import type { BackendPool } from '../gateway/backend-pool.js';
import type { GatewayOptions } from '../gateway/options.js';
import { splitHostPort } from '../observability/http-server.js';
import { transportSecurity } from '../security/transport-security.js';
import { Collector } from './collector.js';
import { ConsoleServer, type RouteHandler } from './console-server.js';
import { KeyBrowser } from './key-browser.js';

/** The console a gateway serves on its metrics listener: its routes, and how to stop it. */
export interface WebConsole {
  routes: RouteHandler;
  close(): void;
}

const KEY_READ_TIMEOUT_MS = 5_000;

export function startConsole(options: GatewayOptions & { metricsListen: string }, pools: { writers: BackendPool; readers: BackendPool }, ownMetrics: () => Promise<string>): WebConsole {
  const collector = new Collector({
    gateway: { id: options.id, clusterEndpoint: options.listen, readerEndpoint: options.readerListen ?? '', consoleAddress: options.metricsListen, healthy: true },
    storage: options.storage,
    writers: pools.writers,
    readers: pools.readers,
    ownMetrics,
  });
  // The key browser reads through this gateway's own cluster endpoint, as any client would, with
  // the gateway's certificate, which names no user: while authentication is on, its reads are
  // refused, since a page anyone on the metrics port can open must not read as a user.
  const security = transportSecurity();
  const kv = connect({ endpoints: [loopbackFor(options.listen)], timeoutMs: KEY_READ_TIMEOUT_MS, tls: security.mode === 'tls' ? security.peer : false });
  const server = new ConsoleServer(collector, new KeyBrowser(kv));
  collector.start();
  return {
    routes: server.handle,
    close: () => {
      server.close();
      collector.stop();
      kv.close();
    },
  };
}

/** A listen address with a wildcard host is reached on loopback. */
function loopbackFor(address: string): string {
  const { host, port } = splitHostPort(address);
  return host === '0.0.0.0' || host === '::' ? `127.0.0.1:${port}` : address;
}
