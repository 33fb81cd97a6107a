import type * as http2 from 'node:http2';
import { KEEPALIVE_TIMEOUT_MS } from '../rpc/client-options.js';
import { connectH2 } from '../security/h2-tls.js';
import type { Role } from '../security/roles.js';
import { whenSessionEnds } from '../rpc/h2-session.js';

// One HTTP/2 connection from the gateway to a node, made when first needed and made again after
// it closes. Streams opened while it connects wait for it; a connection that fails fails them.
// With TLS on, the node must present a certificate of one of `serverRoles`.
//
// Liveness, per connection: a PING goes out every PING_INTERVAL_MS (one at a time; it is answered
// below any request code, so it costs the node almost nothing). A PING unanswered for SILENT_MS,
// or a connection not made within SILENT_MS, makes the connection silent: the calls waiting on it
// are told (`onSilent`), so they move to another node within a few hundred ms instead of after the
// attempt timeout. A partition closes nothing, and a paused node still holds its sockets, so
// nothing else would tell them. Silent for KEEPALIVE_TIMEOUT_MS, the connection is dropped with
// its streams, and the next call connects afresh. Silence is counted from when the gateway's own
// event loop last ran on time: a late answer after a stall of its own says nothing of the link.

const MAX_SESSION_MEMORY_MB = 64;
export const PING_INTERVAL_MS = 50;
export const SILENT_MS = 250;

export class H2Channel {
  private session: http2.ClientHttp2Session | undefined;
  private liveness: Liveness | undefined;

  constructor(
    readonly address: string,
    private readonly serverRoles: readonly Role[],
  ) {}

  /** The connection to the node, opened if there is none. */
  get(): http2.ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = connectH2(this.address, this.serverRoles, { maxSessionMemory: MAX_SESSION_MEMORY_MB, settings: { enablePush: false } });
    const liveness = new Liveness(session);
    const forget = () => {
      liveness.stop();
      if (this.session === session) {
        this.session = undefined;
        this.liveness = undefined;
      }
    };
    // A failed connection fails its streams; their handlers see it.
    whenSessionEnds(session, forget);
    this.session = session;
    this.liveness = liveness;
    return session;
  }

  /**
   * Calls `listener` once if the connection the last get() returned is or turns silent before
   * the returned function is called.
   */
  onSilent(listener: () => void): () => void {
    return this.liveness?.onSilent(listener) ?? (() => {});
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
    this.liveness = undefined;
  }
}

/** The PINGs of one connection, and whether it has gone silent. */
class Liveness {
  private readonly timer: NodeJS.Timeout;
  /** Since when the connection has owed an answer (its connect, or the PING in flight), by the loop's clock. */
  private owedSince: number | undefined;
  /** The same, by the wall clock: a connection silent this long is dropped, stalls of ours or not. */
  private owedSinceWall: number | undefined;
  private silent = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly session: http2.ClientHttp2Session) {
    this.owedSince = this.owedSinceWall = Date.now();
    session.once('connect', () => this.answered());
    let lastTick = Date.now();
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now - lastTick > SILENT_MS / 2 && this.owedSince !== undefined) this.owedSince = now;
      lastTick = now;
      this.tick(now);
    }, PING_INTERVAL_MS);
    this.timer.unref();
  }

  onSilent(listener: () => void): () => void {
    if (this.silent) {
      queueMicrotask(listener);
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }

  private answered(): void {
    this.owedSince = this.owedSinceWall = undefined;
    this.silent = false;
  }

  private tick(now: number): void {
    const session = this.session;
    if (session.closed || session.destroyed) return;
    if (this.owedSince !== undefined) {
      if (now - this.owedSinceWall! >= KEEPALIVE_TIMEOUT_MS) {
        session.destroy(new Error(session.connecting ? `not connected within ${KEEPALIVE_TIMEOUT_MS} ms` : `no answer to an HTTP/2 PING within ${KEEPALIVE_TIMEOUT_MS} ms`));
      } else if (now - this.owedSince >= SILENT_MS && !this.silent) {
        this.silent = true;
        const listeners = [...this.listeners];
        this.listeners.clear();
        for (const listener of listeners) listener();
      }
      return;
    }
    const sent = session.ping((error) => {
      if (error) {
        if (!session.destroyed) session.destroy(error);
        return;
      }
      this.answered();
    });
    if (sent) this.owedSince = this.owedSinceWall = now;
  }
}
