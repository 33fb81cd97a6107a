import * as grpc from '@grpc/grpc-js';
import { roleInterceptor } from './call-policy.js';
import type { Role } from './roles.js';
import { channelCredentials, serverCredentials } from './tls.js';
import type { ServerTls, TransportSecurity } from './tls-flags.js';

// Credentials for this process's listeners and dials, from the choice its server command made at
// start-up (tls-flags.ts). Internal links are mutual TLS; listeners that require client
// certificates check every call against the call policy (call-policy.ts).

/** Which listener: one only processes of the cluster call, or one that serves clients too. */
export type ListenerSide = 'peer' | 'client';

// The process's choice, set once at start-up by the server command. A process that sets none
// (a test that builds parts in memory) runs in plaintext, as --insecure would.
let current: TransportSecurity = { mode: 'insecure' };
const channels = new Map<string, grpc.ChannelCredentials>();
const listeners = new Map<ListenerSide, grpc.ServerCredentials>();

export function useTransportSecurity(security: TransportSecurity): void {
  current = security;
  channels.clear();
  listeners.clear();
}

export function transportSecurity(): TransportSecurity {
  return current;
}

/**
 * Credentials for dialling a process of the cluster whose certificate must carry one of
 * `serverRoles`, presenting this process's own certificate. One per set of roles per process.
 */
export function peerChannelCredentials(serverRoles: readonly Role[]): grpc.ChannelCredentials {
  const key = serverRoles.join(',');
  let credentials = channels.get(key);
  if (!credentials) {
    credentials = current.mode === 'tls' ? channelCredentials(current.peer, current.refreshIntervalMs, serverRoles) : grpc.credentials.createInsecure();
    channels.set(key, credentials);
  }
  return credentials;
}

/**
 * Credentials for a grpc-js listener. A peer listener requires a cluster certificate and checks
 * each call against the call policy; a client-facing one does when --client-cert-auth is on.
 */
export function listenerCredentials(side: ListenerSide): grpc.ServerCredentials {
  let credentials = listeners.get(side);
  if (!credentials) {
    credentials = current.mode === 'tls' ? tlsListener(side, current) : grpc.ServerCredentials.createInsecure();
    listeners.set(side, credentials);
  }
  return credentials;
}

function tlsListener(side: ListenerSide, security: Extract<TransportSecurity, { mode: 'tls' }>): grpc.ServerCredentials {
  const tls: ServerTls = side === 'peer' ? { ...security.peer, clientCertAuth: true } : security.client;
  const credentials = serverCredentials(tls, security.refreshIntervalMs);
  return tls.clientCertAuth ? grpc.experimental.createServerCredentialsWithInterceptors(credentials, [roleInterceptor]) : credentials;
}
