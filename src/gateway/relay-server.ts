import * as http2 from 'node:http2';
import { splitHostPort } from '../observability/http-server.js';
import { createH2Server } from '../security/h2-tls.js';

// The HTTP/2 listener of a gateway endpoint. Every connection has bounds: concurrent streams,
// memory, and an idle timeout, so idle or stalled clients cannot hold resources without limit.
// It speaks TLS as the process's client-facing side does (h2-tls.ts).

/** Streams one connection may have open at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS). */
export const MAX_STREAMS_PER_CONNECTION = 1_000;
const MAX_SESSION_MEMORY_MB = 32;
/** A connection with no stream activity for this long is closed. */
export const IDLE_CONNECTION_MS = 5 * 60_000;

export interface Http2Listener {
  port: number;
  /** Stops taking connections, lets open streams finish for up to `graceMs`, then closes the rest. */
  shutdown(graceMs: number): Promise<void>;
}

export function listenHttp2(address: string, onStream: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void): Promise<Http2Listener> {
  const { host, port } = splitHostPort(address);
  const { server, close: stopReloading } = createH2Server('client', { maxSessionMemory: MAX_SESSION_MEMORY_MB, settings: { maxConcurrentStreams: MAX_STREAMS_PER_CONNECTION } }, onStream);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.setTimeout(IDLE_CONNECTION_MS, () => session.close());
    session.on('error', () => {});
    session.once('close', () => sessions.delete(session));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen on ${address}: ${error.message}`)));
    server.listen(port, host, () => {
      const bound = server.address();
      resolve({
        port: typeof bound === 'object' && bound ? bound.port : port,
        shutdown: (graceMs) =>
          new Promise<void>((done) => {
            stopReloading();
            const timer = setTimeout(() => {
              for (const session of sessions) session.destroy();
              done();
            }, graceMs);
            server.close(() => {
              clearTimeout(timer);
              done();
            });
            for (const session of sessions) session.close();
          }),
      });
    });
  });
}
