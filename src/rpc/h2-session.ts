import type * as http2 from 'node:http2';

/**
 * Calls `end` when a client session fails, is told to go away or closes, whichever comes first
 * (it may be called again after), and lets the process exit while the session is open.
 */
export function whenSessionEnds(session: http2.ClientHttp2Session, end: () => void): void {
  session.on('error', end);
  session.on('goaway', end);
  session.on('close', end);
  session.unref();
}
