import { existsSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';

// TLS for grpc-js servers and channels, from certificate files that are read again when they
// change: a rotated certificate is served to the next handshake without a restart, and
// connections already open keep going.

/** How often certificate files are read again, so a rotation is picked up. */
export const DEFAULT_CERT_REFRESH_MS = 5_000;

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  trustedCaFile: string;
}

export interface ServerTls extends TlsFiles {
  /** Require a client certificate signed by the trusted CA (mTLS). */
  clientCertAuth: boolean;
}

/** Checks the files exist, with a message that says which flag names the missing one. */
export function checkTlsFiles(files: TlsFiles, flagPrefix = ''): void {
  const named: [string, string][] = [
    [`--${flagPrefix}cert-file`, files.certFile],
    [`--${flagPrefix}key-file`, files.keyFile],
    [`--${flagPrefix}trusted-ca-file`, files.trustedCaFile],
  ];
  for (const [flag, file] of named) {
    if (!file) throw new Error(`${flag} is required with TLS on (or pass --insecure)`);
    if (!existsSync(file)) throw new Error(`${flag} ${file}: no such file`);
  }
}

function provider(files: TlsFiles, refreshIntervalMs: number): grpc.experimental.FileWatcherCertificateProvider {
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

/** Channel credentials presenting this process's certificate; plaintext when `tls` is undefined. */
export function channelCredentials(tls: TlsFiles | undefined, refreshIntervalMs = DEFAULT_CERT_REFRESH_MS): grpc.ChannelCredentials {
  if (!tls) return grpc.credentials.createInsecure();
  const files = provider(tls, refreshIntervalMs);
  return grpc.experimental.createCertificateProviderChannelCredentials(files, files);
}
