import type * as http2 from 'node:http2';
import { KEEPALIVE_INTERVAL_MS, KEEPALIVE_TIMEOUT_MS } from '../rpc/client-options.js';
import { connectH2 } from '../security/h2-tls.js';
import type { Role } from '../security/roles.js';
import { whenSessionEnds } from '../rpc/h2-session.js';

// One HTTP/2 connection from the gateway to a node, made when first needed and made again after
// it closes. Streams opened while it connects wait for it; a connection that fails fails them.
// A PING every KEEPALIVE_INTERVAL_MS that goes unanswered for KEEPALIVE_TIMEOUT_MS means the
// link is blackholed (a partition closes nothing): the connection and its streams are dropped,
// so their calls move to another node and the next call here connects afresh.
// With TLS on, the node must present a certificate of one of `serverRoles`.

const MAX_SESSION_MEMORY_MB = 64;

export class H2Channel {
  private session: http2.ClientHttp2Session | undefined;

  constructor(
    readonly address: string,
    private readonly serverRoles: readonly Role[],
  ) {}

  /** The connection to the node, opened if there is none. */
  get(): http2.ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = connectH2(this.address, this.serverRoles, { maxSessionMemory: MAX_SESSION_MEMORY_MB, settings: { enablePush: false } });
    const keepalive = setInterval(() => probe(session), KEEPALIVE_INTERVAL_MS);
    keepalive.unref();
    const forget = () => {
      clearInterval(keepalive);
      if (this.session === session) this.session = undefined;
    };
    // A failed connection fails its streams; their handlers see it.
    whenSessionEnds(session, forget);
    this.session = session;
    return session;
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }
}

/** Sends one PING; a connection that does not answer it in time is destroyed. */
function probe(session: http2.ClientHttp2Session): void {
  if (session.connecting || session.closed || session.destroyed) return;
  const timer = setTimeout(() => session.destroy(new Error(`no answer to an HTTP/2 PING within ${KEEPALIVE_TIMEOUT_MS} ms`)), KEEPALIVE_TIMEOUT_MS);
  timer.unref();
  const sent = session.ping((error) => {
    clearTimeout(timer);
    if (error && !session.destroyed) session.destroy(error);
  });
  if (!sent) clearTimeout(timer); // too many PINGs outstanding: the one in flight decides
}
