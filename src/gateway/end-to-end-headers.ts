import type * as http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { CLIENT_USER_HEADER } from '../auth/caller.js';
import { commonNameOf, roleOf } from '../security/roles.js';

// What the gateway passes on between a client and a node: only what belongs end to end.
// Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection; pseudo-headers and framing
// headers describe this hop, and the gateway may change the body (it appends a request id), so
// a client's `content-length` would make the node reset the stream. The gateway sets
// content-type, te and grpc-timeout (the time left for the attempt) itself. It also says which
// user the client's certificate names (CLIENT_USER_HEADER), and never passes on a client's own
// claim to be one.

export const HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'host',
  'content-length',
  'content-type',
  'grpc-timeout',
  'date',
  CLIENT_USER_HEADER,
]);

const certificateUsers = new WeakMap<http2.Http2Session, string | undefined>();

/** The user a client certificate on this stream's connection names (its common name), if any. */
function certificateUserOf(stream: http2.ServerHttp2Stream): string | undefined {
  const session = stream.session;
  if (!session) return undefined;
  if (!certificateUsers.has(session)) {
    const socket = session.socket as TLSSocket;
    const certificate = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    certificateUsers.set(session, roleOf(certificate) === 'client' ? commonNameOf(certificate) : undefined);
  }
  return certificateUsers.get(session);
}

/** The request headers to send on to a node, with the user the client's certificate names. */
export function endToEndHeaders(incoming: http2.IncomingHttpHeaders, from: http2.ServerHttp2Stream): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const key in incoming) {
    if (key.charCodeAt(0) !== 58 /* ':' */ && !HOP_HEADERS.has(key)) out[key] = incoming[key];
  }
  const user = certificateUserOf(from);
  if (user !== undefined) out[CLIENT_USER_HEADER] = user;
  return out;
}

/** A node's response headers (or trailers) to pass back to the client. */
export function responseHeaders(incoming: http2.IncomingHttpHeaders, initial = true): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = initial ? { ':status': 200, 'content-type': 'application/grpc' } : {};
  for (const key in incoming) {
    if (key.charCodeAt(0) !== 58 && !HOP_HEADERS.has(key)) out[key] = incoming[key];
  }
  return out;
}
