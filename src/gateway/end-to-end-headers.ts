import type * as http2 from 'node:http2';

// What the gateway passes on between a client and a node: only what belongs end to end.
// Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection; pseudo-headers and framing
// headers describe this hop, and the gateway may change the body (it appends a request id), so
// a client's `content-length` would make the node reset the stream. The gateway sets
// content-type, te and grpc-timeout (the time left for the attempt) itself.

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
]);

/** The request headers to send on to a node. */
export function endToEndHeaders(incoming: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const key in incoming) {
    if (key.charCodeAt(0) !== 58 /* ':' */ && !HOP_HEADERS.has(key)) out[key] = incoming[key];
  }
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
