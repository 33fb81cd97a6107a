import type * as http2 from 'node:http2';
import { KEEPALIVE_TIMEOUT_MS } from '../rpc/client-options.js';
import { connectH2 } from '../security/h2-tls.js';
import type { Role } from '../security/roles.js';
import { whenSessionEnds } from '../rpc/h2-session.js';

// One HTTP/2 connection from the gateway to a node, made when first needed and made again after
// it closes. Streams opened while it connects wait for it; a connection that fails fails them.
// With TLS on, the node must present a certificate of one of `serverRoles`.
//
// Liveness: a PING goes out every PING_INTERVAL_MS while the connection is up (one at a time; it
// is answered below any request code, so it costs the node almost nothing). A PING unanswered
// for SILENT_MS makes the connection silent: the calls waiting on it are told (`onSilent`), so
// they move to another node within a few hundred ms instead of after the attempt timeout. A
// partition closes nothing, and a paused node still holds its sockets, so nothing else would
// tell them. A PING unanswered for KEEPALIVE_TIMEOUT_MS drops the connection and its streams, and
// the next call connects afresh. If the gateway's own event loop fell behind, a late answer says
// nothing about the link, and the PING counts from when the loop ran again.

const MAX_SESSION_MEMORY_MB = 64;
export const PING_INTERVAL_MS = 50;
export const SILENT_MS = 250;

export class H2Channel {
  private session: http2.ClientHttp2Session | undefined;
  /** When the PING in flight was sent (as the event loop saw it), if one is. */
  private pingSentAt: number | undefined;
  private silentNotified = false;
  private readonly silentListeners = new Set<() => void>();

  constructor(
    readonly address: string,
    private readonly serverRoles: readonly Role[],
  ) {}

  /** The connection to the node, opened if there is none. */
  get(): http2.ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = connectH2(this.address, this.serverRoles, { maxSessionMemory: MAX_SESSION_MEMORY_MB, settings: { enablePush: false } });
    let lastTick = Date.now();
    const keepalive = setInterval(() => {
      const now = Date.now();
      if (now - lastTick > SILENT_MS / 2 && this.pingSentAt !== undefined) this.pingSentAt = now;
      lastTick = now;
      this.probe(session, now);
    }, PING_INTERVAL_MS);
    keepalive.unref();
    this.pingSentAt = undefined;
    this.silentNotified = false;
    const forget = () => {
      clearInterval(keepalive);
      if (this.session === session) this.session = undefined;
    };
    // A failed connection fails its streams; their handlers see it.
    whenSessionEnds(session, forget);
    this.session = session;
    return session;
  }

  /** Calls `listener` once if the connection is or turns silent before the returned function is called. */
  onSilent(listener: () => void): () => void {
    if (this.silentNotified) {
      queueMicrotask(listener);
      return () => {};
    }
    this.silentListeners.add(listener);
    return () => this.silentListeners.delete(listener);
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }

  private probe(session: http2.ClientHttp2Session, now: number): void {
    if (session.connecting || session.closed || session.destroyed) return;
    if (this.pingSentAt !== undefined) {
      const silentMs = now - this.pingSentAt;
      if (silentMs >= KEEPALIVE_TIMEOUT_MS) session.destroy(new Error(`no answer to an HTTP/2 PING within ${KEEPALIVE_TIMEOUT_MS} ms`));
      else if (silentMs >= SILENT_MS && !this.silentNotified) {
        this.silentNotified = true;
        const listeners = [...this.silentListeners];
        this.silentListeners.clear();
        for (const listener of listeners) listener();
      }
      return;
    }
    const sent = session.ping((error) => {
      if (this.session !== session) return;
      this.pingSentAt = undefined;
      this.silentNotified = false;
      if (error && !session.destroyed) session.destroy(error);
    });
    if (sent) this.pingSentAt = now;
  }
}
