import type * as http2 from 'node:http2';
import { connectH2 } from '../security/h2-tls.js';
import type { Role } from '../security/roles.js';
import { whenSessionEnds } from './h2-session.js';
import { trackEstablished } from './h2-unary.js';

// Whether a process answers at all, for the price of an HTTP/2 PING: the peer's HTTP/2 layer
// acknowledges it without running any request code, yet only while the process runs and the link
// carries packets (a paused process, a blackholed link or a stalled event loop do not answer).
// A gRPC call per probe would cost each side a full request. With TLS on, it is the same mutual
// TLS as every link, and the peer must carry one of `serverRoles`. Unary calls may share the
// connection (`connection`): a link found dead by its PINGs is then dropped for them as well.

const DEFAULT_SESSION_MEMORY_MB = 1;
const STALE_PING_MS = 1_000;

export class LinkPinger {
  private session: http2.ClientHttp2Session | undefined;
  private outstanding = false;
  private sentAt = 0;
  private connectingSince = 0;
  /** When the last PING was acknowledged (0: never). */
  lastAnswerAt = 0;

  /** `maxSessionMemoryMb`: room for what calls on `connection` carry (a PING needs none). */
  constructor(
    readonly address: string,
    private readonly serverRoles: readonly Role[],
    private readonly maxSessionMemoryMb = DEFAULT_SESSION_MEMORY_MB,
  ) {}

  /** The link's connection, opened if there is none, for unary calls (h2-unary.ts) to the peer. */
  connection(): http2.ClientHttp2Session {
    return this.connected();
  }

  /**
   * Sends a PING unless one is still out; an answer after `timeoutMs` does not count. A PING out
   * for longer than STALE_PING_MS means a blackholed connection, which closes nothing by itself:
   * it is dropped, and the next PING connects afresh.
   */
  ping(timeoutMs: number): void {
    if (this.outstanding) {
      if (Date.now() - this.sentAt <= STALE_PING_MS) return;
      this.close();
    }
    const session = this.connected();
    if (session.connecting) {
      // 'connect' answers for it once the connection is up; a SYN lost to a partition is not retried soon enough.
      if (Date.now() - this.connectingSince > STALE_PING_MS) this.close();
      return;
    }
    const sentAt = Date.now();
    this.sentAt = sentAt;
    this.outstanding = true;
    const sent = session.ping((error) => {
      this.outstanding = false;
      if (!error && Date.now() - sentAt <= timeoutMs) this.lastAnswerAt = Date.now();
    });
    if (!sent) this.outstanding = false;
  }

  close(): void {
    this.session?.destroy();
    this.session = undefined;
    this.outstanding = false;
  }

  private connected(): http2.ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = connectH2(this.address, this.serverRoles, { maxSessionMemory: this.maxSessionMemoryMb, settings: { enablePush: false } });
    trackEstablished(session);
    this.connectingSince = Date.now();
    session.on('connect', () => (this.lastAnswerAt = Date.now()));
    const forget = () => {
      this.outstanding = false;
      if (this.session === session) this.session = undefined;
    };
    whenSessionEnds(session, forget);
    this.session = session;
    return session;
  }
}
