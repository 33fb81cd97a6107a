import * as http2 from 'node:http2';

// One HTTP/2 connection from the gateway to a node, made when first needed and made again after
// it closes. Streams opened while it connects wait for it; a connection that fails fails them.

const MAX_SESSION_MEMORY_MB = 64;

export class H2Channel {
  private session: http2.ClientHttp2Session | undefined;

  constructor(readonly address: string) {}

  /** The connection to the node, opened if there is none. */
  get(): http2.ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = http2.connect(`http://${this.address}`, { maxSessionMemory: MAX_SESSION_MEMORY_MB, settings: { enablePush: false } });
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    // A failed connection fails its streams; their handlers see it.
    session.on('error', forget);
    session.on('goaway', forget);
    session.on('close', forget);
    session.unref();
    this.session = session;
    return session;
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }
}
