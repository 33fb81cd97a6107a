import type * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import { commonNameOf, roleOf } from '../security/roles.js';

// Who sent a call, as far as the transport can tell: a token (etcd's `token` metadata, from
// Authenticate) and, with client certificates, the user named by a client certificate's common
// name. A gateway relays for many users over its own certificate; it passes the user its client's
// certificate named in CLIENT_USER_HEADER, which a node believes from a gateway only.

export const TOKEN_METADATA = 'token';
export const CLIENT_USER_HEADER = 'quorumkv-client-user';

export type Caller = { kind: 'system' } | { kind: 'client'; token?: string; certificateUser?: string };

/** The cluster itself (a node's own reads and writes): never checked, never limited to client keys. */
export const SYSTEM: Caller = { kind: 'system' };

export function callerOf(call: { metadata: grpc.Metadata; getAuthContext?: () => { sslPeerCertificate?: PeerCertificate } }): Caller {
  const token = call.metadata.get(TOKEN_METADATA)[0];
  let certificate: PeerCertificate | undefined;
  try {
    certificate = call.getAuthContext?.().sslPeerCertificate;
  } catch {
    certificate = undefined; // the connection closed meanwhile: no answer will reach it anyway
  }
  const role = roleOf(certificate);
  let certificateUser: string | undefined;
  if (role === 'client') certificateUser = commonNameOf(certificate);
  else if (role === 'gateway') {
    const relayed = call.metadata.get(CLIENT_USER_HEADER)[0];
    if (typeof relayed === 'string' && relayed.length > 0) certificateUser = relayed;
  }
  return { kind: 'client', token: typeof token === 'string' && token.length > 0 ? token : undefined, certificateUser };
}
