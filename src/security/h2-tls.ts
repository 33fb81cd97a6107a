import { readFileSync, statSync } from 'node:fs';
import * as http2 from 'node:http2';
import type { SecureContextOptions, Server as TlsServer, TLSSocket } from 'node:tls';
import { respondTrailersOnly } from '../rpc/grpc-wire.js';
import { refusal } from './call-policy.js';
import { type Role, roleOf, serverRoleCheck } from './roles.js';
import type { TlsFiles } from './tls-flags.js';
import { type ListenerSide, transportSecurity } from './transport-security.js';

// TLS for the gateway's own HTTP/2 relay (node:http2, not grpc-js), on the same terms as the
// grpc-js listeners and channels: the same files, re-read when they change, the same role checks
// (ALPN h2 only, no HTTP/1 fallback).

/** Certificate, key and CA as bytes, read again when a file's size, time or inode changes. */
class ReloadingFiles {
  private stamp = '';
  private bytes: { cert: Buffer; key: Buffer; ca: Buffer } | undefined;

  constructor(private readonly files: TlsFiles) {}

  /** The current bytes, and whether they changed since the last call. A half-written rotation keeps the last good set. */
  read(): { cert: Buffer; key: Buffer; ca: Buffer; changed: boolean } {
    const paths = [this.files.certFile, this.files.keyFile, this.files.trustedCaFile];
    let stamp: string;
    try {
      stamp = paths.map((p) => statSync(p)).map((s) => `${s.ino}:${s.size}:${s.mtimeMs}`).join('|');
    } catch (error) {
      if (this.bytes) return { ...this.bytes, changed: false };
      throw error;
    }
    if (stamp === this.stamp && this.bytes) return { ...this.bytes, changed: false };
    const [cert, key, ca] = paths.map((p) => readFileSync(p));
    this.bytes = { cert, key, ca };
    this.stamp = stamp;
    return { ...this.bytes, changed: true };
  }
}

const PERMISSION_DENIED = 7;
const reloading = new Map<string, ReloadingFiles>();
function filesFor(files: TlsFiles): ReloadingFiles {
  const key = `${files.certFile}|${files.keyFile}|${files.trustedCaFile}`;
  let entry = reloading.get(key);
  if (!entry) reloading.set(key, (entry = new ReloadingFiles(files)));
  return entry;
}

/** Opens an HTTP/2 connection (with the process's current certificate files) to a process of the cluster whose certificate carries one of `serverRoles`. */
export function connectH2(address: string, serverRoles: readonly Role[], options: http2.ClientSessionOptions): http2.ClientHttp2Session {
  const security = transportSecurity();
  if (security.mode === 'insecure') return http2.connect(`http://${address}`, options);
  const { cert, key, ca } = filesFor(security.peer).read();
  return http2.connect(`https://${address}`, { ...options, cert, key, ca, ALPNProtocols: ['h2'], checkServerIdentity: serverRoleCheck(serverRoles) });
}

export interface H2Listener {
  server: http2.Http2Server | http2.Http2SecureServer;
  /** Stops re-reading certificate files. */
  close(): void;
}

/**
 * An HTTP/2 server for one side of this process: TLS with the process's certificate, re-read when
 * it changes; with client certificates required, every stream whose caller's role may not make
 * the call is refused with PERMISSION_DENIED before `onStream` sees it.
 */
export function createH2Server(
  side: ListenerSide,
  options: http2.ServerOptions,
  onStream: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void,
): H2Listener {
  const security = transportSecurity();
  if (security.mode === 'insecure') {
    const server = http2.createServer(options);
    server.on('stream', onStream);
    return { server, close: () => {} };
  }
  const tls = side === 'peer' ? { ...security.peer, clientCertAuth: true } : security.client;
  // Its own reader: whether the files changed is news to this server alone.
  const files = new ReloadingFiles(tls);
  const { cert, key, ca } = files.read();
  const server = http2.createSecureServer({ ...options, cert, key, ca, requestCert: tls.clientCertAuth, rejectUnauthorized: tls.clientCertAuth, ALPNProtocols: ['h2'], allowHTTP1: false });
  // Bad handshakes (plaintext, garbage, a client that stops halfway) end their socket, nothing more.
  server.on('tlsClientError', () => {});
  const roles = new WeakMap<http2.Http2Session, Role | undefined>();
  server.on('stream', (stream, headers) => {
    if (tls.clientCertAuth) {
      const session = stream.session!;
      if (!roles.has(session)) roles.set(session, roleOf((session.socket as TLSSocket).getPeerCertificate()));
      const reason = refusal(headers[':path'] ?? '', roles.get(session));
      if (reason) {
        stream.on('error', () => {});
        respondTrailersOnly(stream, PERMISSION_DENIED, reason);
        return;
      }
    }
    onStream(stream, headers);
  });
  return { server, close: reloadEvery(server, files, security.refreshIntervalMs) };
}

/** Serves the files' current certificate to new handshakes once they change; returns the call that stops it. */
function reloadEvery(server: TlsServer, files: ReloadingFiles, intervalMs: number): () => void {
  const timer = setInterval(() => {
    try {
      const next = files.read();
      if (next.changed) server.setSecureContext({ cert: next.cert, key: next.key, ca: next.ca });
    } catch {
      // A rotation caught halfway (a key that does not match its certificate yet): the next tick tries again.
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * TLS options for the metrics listener, when --metrics-tls asks for it: the client-facing
 * certificate (client certificates required with --client-cert-auth), re-read as it changes.
 */
export function metricsTls(): { options: SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean }; watch(server: TlsServer): () => void } | undefined {
  const security = transportSecurity();
  if (security.mode === 'insecure' || !security.metricsTls) return undefined;
  const files = new ReloadingFiles(security.client);
  const { cert, key, ca } = files.read();
  const auth = security.client.clientCertAuth;
  return { options: { cert, key, ca, requestCert: auth, rejectUnauthorized: auth }, watch: (server) => reloadEvery(server, files, security.refreshIntervalMs) };
}
