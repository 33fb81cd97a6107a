import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as TlsServer } from 'node:tls';
import type { Metrics } from './metrics.js';

export interface Probes {
  /** The process is alive and its event loop turns (Kubernetes liveness). */
  alive(): boolean;
  /** The process has joined and caught up, and can serve (Kubernetes readiness). */
  ready(): { ready: boolean; reason: string };
}

/** More paths on the same listener (the gateway's console): true when it answered the request. */
export type ExtraRoutes = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * Serves /metrics, /healthz and /readyz, then `extra`. Resolves once listening. Plain HTTP, as the
 * kubelet's probes and most scrapers expect, unless the process runs with --metrics-tls.
 */
export async function startHttpServer(address: string, metrics: Metrics, probes: Probes, extra?: ExtraRoutes): Promise<Server> {
  const { host, port } = splitHostPort(address);
  const handle: RequestListener = (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
        (error: Error) => response.writeHead(500).end(error.message),
      );
    } else if (path === '/healthz') {
      const ok = probes.alive();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not alive\n');
    } else if (path === '/readyz') {
      const { ready, reason } = probes.ready();
      response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(`${reason}\n`);
    } else if (!extra?.(request, response)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
    }
  };
  // Loaded here: splitHostPort below is used by every command-line parser, which must not load TLS and gRPC.
  const tls = (await import('../security/h2-tls.js')).metricsTls();
  const server: Server = tls ? createHttpsServer(tls.options, handle) : createServer(handle);
  if (tls) {
    const stop = tls.watch(server as unknown as TlsServer);
    server.once('close', stop);
    server.on('tlsClientError', () => {});
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

export function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const portText = address.slice(at + 1);
  const port = Number(portText);
  if (at < 0 || !/^[0-9]{1,5}$/.test(portText) || port < 1 || port > 65535) {
    throw new Error(`address ${JSON.stringify(address)} is not HOST:PORT`);
  }
  return { host: address.slice(0, at).replace(/^\[|\]$/g, '') || '0.0.0.0', port };
}
