import type * as grpc from '@grpc/grpc-js';

// What the gateway passes on from a client's headers: only what belongs end to end. Hop-by-hop
// headers (RFC 9110 §7.6.1) describe one connection, and framing headers describe the bytes of
// this hop; the gateway may change the body (it appends a request id), so a client's
// `content-length` would make the node reset the stream.

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
  'grpc-encoding',
  'grpc-accept-encoding',
  'accept-encoding',
  'user-agent',
]);

/** A copy of `incoming` without hop-by-hop and framing headers. */
export function endToEndMetadata(incoming: grpc.Metadata): grpc.Metadata {
  const outgoing = incoming.clone();
  for (const key of Object.keys(outgoing.getMap())) if (HOP_HEADERS.has(key)) outgoing.remove(key);
  return outgoing;
}
