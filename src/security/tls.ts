import * as grpc from '@grpc/grpc-js';
import { type Role, serverRoleCheck } from './roles.js';
import { type ClientTls, DEFAULT_CERT_REFRESH_MS, type ServerTls } from './tls-flags.js';

// TLS for grpc-js servers and channels, from certificate files that are read again when they
// change: a rotated certificate is served to the next handshake without a restart, and
// connections already open keep going.

function provider(files: ClientTls, refreshIntervalMs: number): grpc.experimental.FileWatcherCertificateProvider {
  return new grpc.experimental.FileWatcherCertificateProvider({
    certificateFile: files.certFile,
    privateKeyFile: files.keyFile,
    caCertificateFile: files.trustedCaFile,
    refreshIntervalMs,
  });
}

/** Server credentials: plaintext when `tls` is undefined (the explicit --insecure mode). */
export function serverCredentials(tls: ServerTls | undefined, refreshIntervalMs = DEFAULT_CERT_REFRESH_MS): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  const files = provider(tls, refreshIntervalMs);
  return grpc.experimental.createCertificateProviderServerCredentials(files, files, tls.clientCertAuth);
}

/**
 * Channel credentials trusting the CA and presenting the certificate of `tls` (when it has one);
 * with `serverRoles`, the server must carry one of those roles instead of the dialled host name.
 * Plaintext when `tls` is undefined. Share one per process and purpose: each re-reads its files.
 */
export function channelCredentials(tls: ClientTls | undefined, refreshIntervalMs = DEFAULT_CERT_REFRESH_MS, serverRoles?: readonly Role[]): grpc.ChannelCredentials {
  if (!tls) return grpc.credentials.createInsecure();
  const files = provider(tls, refreshIntervalMs);
  const verify = serverRoles ? { checkServerIdentity: serverRoleCheck(serverRoles) } : undefined;
  return grpc.experimental.createCertificateProviderChannelCredentials(files, tls.certFile ? files : null, verify);
}
