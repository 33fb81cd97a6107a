import * as http2 from 'node:http2';
import { decodeGrpcMessage, frame, grpcTimeout, unframeOne } from './grpc-wire.js';
import { Status } from './status-codes.js';

// One unary gRPC call on a node:http2 session, without grpc-js: the request framed as gRPC
// frames it, the status read from the headers (Trailers-Only) or the trailers, and every way a
// call can fail turned into a status as grpc-js would give it (PROTOCOL-HTTP2.md; grpc-js's
// call-stream for the RST_STREAM codes). What a one-shot command needs and nothing more.

/** The largest answer taken, as the client library's grpc.max_receive_message_length. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface UnaryAnswer {
  code: number;
  details: string;
  /** The response message when the status is OK. */
  message?: Buffer;
  /** Metadata of the answer (headers and trailers; the headers alone when OK), as sent: binary (-bin) values still base64. */
  metadata: http2.IncomingHttpHeaders;
}

const established = new WeakSet<http2.ClientHttp2Session>();
/** A session's error, which the calls that fail with it name (one listener a session, not one a call). */
const sessionErrors = new WeakMap<http2.ClientHttp2Session, Error>();

/** Opens an HTTP/2 connection for unary calls: `authority` is https://HOST:PORT or http://HOST:PORT. */
export function connectUnary(authority: string, options: http2.SecureClientSessionOptions = {}): http2.ClientHttp2Session {
  const session = http2.connect(authority, options);
  trackEstablished(session);
  return session;
}

/**
 * Lets `unaryCall` tell a call that failed before the connection was up (nothing reached the
 * server: safe to send again) from one that failed after; every session it is given needs this.
 */
export function trackEstablished(session: http2.ClientHttp2Session): void {
  session.once('remoteSettings', () => established.add(session));
  session.on('error', (error) => sessionErrors.set(session, error)); // each call on it reports the error
}

/** The first value of a metadata key; binary (-bin) keys are base64-decoded to bytes. */
export function metadataValue(metadata: http2.IncomingHttpHeaders, key: string): string | Buffer | undefined {
  const raw = metadata[key];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return undefined;
  return key.endsWith('-bin') ? Buffer.from(first.split(',')[0], 'base64') : first;
}

/** HTTP statuses other than 200, as gRPC reads them (doc/http-grpc-status-mapping.md). */
function statusOfHttp(httpStatus: number): number {
  if (httpStatus === 400) return Status.INTERNAL;
  if (httpStatus === 401) return Status.UNAUTHENTICATED;
  if (httpStatus === 403) return Status.PERMISSION_DENIED;
  if (httpStatus === 404) return Status.UNIMPLEMENTED;
  if ([429, 502, 503, 504].includes(httpStatus)) return Status.UNAVAILABLE;
  return Status.UNKNOWN;
}

/** RST_STREAM codes as grpc-js reads them. */
function statusOfReset(rstCode: number): { code: number; details: string } {
  const { NGHTTP2_REFUSED_STREAM, NGHTTP2_CANCEL, NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_INADEQUATE_SECURITY } = http2.constants;
  if (rstCode === NGHTTP2_REFUSED_STREAM) return { code: Status.UNAVAILABLE, details: 'Stream refused by server' };
  if (rstCode === NGHTTP2_CANCEL) return { code: Status.CANCELLED, details: 'Call cancelled' };
  if (rstCode === NGHTTP2_ENHANCE_YOUR_CALM) return { code: Status.RESOURCE_EXHAUSTED, details: 'Bandwidth exhausted or memory limit exceeded' };
  if (rstCode === NGHTTP2_INADEQUATE_SECURITY) return { code: Status.PERMISSION_DENIED, details: 'Protocol not secure enough' };
  return { code: Status.INTERNAL, details: `Received RST_STREAM with code ${rstCode}` };
}

/**
 * Sends `request` (one encoded message) to `path` on a session from `connectUnary` (or one given
 * to `trackEstablished`) and resolves with the answer; it never rejects. The call ends with
 * DEADLINE_EXCEEDED at `deadlineMs` (epoch milliseconds).
 */
export function unaryCall(session: http2.ClientHttp2Session, path: string, request: Buffer, deadlineMs: number, userAgent: string): Promise<UnaryAnswer> {
  return startUnaryCall(session, path, request, deadlineMs, userAgent).answer;
}

/** `unaryCall`, which `cancel` ends at once with CANCELLED (the stream is reset). */
export function startUnaryCall(session: http2.ClientHttp2Session, path: string, request: Buffer, deadlineMs: number, userAgent: string): { answer: Promise<UnaryAnswer>; cancel(): void } {
  let cancel = () => {};
  const answer = new Promise<UnaryAnswer>((resolve) => {
    const left = deadlineMs - Date.now();
    if (left <= 0) return resolve({ code: Status.DEADLINE_EXCEEDED, details: 'Deadline exceeded', metadata: {} });
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request({
        ':method': 'POST',
        ':path': path,
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-timeout': grpcTimeout(left),
        'user-agent': userAgent,
      });
    } catch (error) {
      return resolve({ code: Status.UNAVAILABLE, details: (error as Error).message, metadata: {} });
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | undefined;
    let httpStatus = 0;
    let status: number | undefined;
    let message = '';
    let settled = false;
    let streamError: Error | undefined;
    const metadataOf = () => (trailers ? { ...headers, ...trailers } : headers);
    const finish = (answer: UnaryAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const timer = setTimeout(() => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      finish({ code: Status.DEADLINE_EXCEEDED, details: 'Deadline exceeded', metadata: metadataOf() });
    }, left);
    cancel = () => {
      if (settled) return;
      stream.close(http2.constants.NGHTTP2_CANCEL);
      finish({ code: Status.CANCELLED, details: 'Cancelled on client', metadata: metadataOf() });
    };
    const take = (received: http2.IncomingHttpHeaders) => {
      if (received['grpc-status'] !== undefined) {
        status = Number(received['grpc-status']);
        message = decodeGrpcMessage(received['grpc-message']);
      }
    };
    stream.on('response', (received) => {
      httpStatus = Number(received[':status']);
      headers = received;
      take(received);
    });
    stream.on('trailers', (received) => {
      trailers = received;
      take(received);
    });
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_RESPONSE_BYTES) {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        finish({ code: Status.RESOURCE_EXHAUSTED, details: `Received message larger than max (${received} vs. ${MAX_RESPONSE_BYTES})`, metadata: metadataOf() });
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (error) => (streamError = error)); // the close below reports it
    stream.on('close', () => {
      // An OK answer keeps its headers alone: merging in the trailers costs more than the relay that follows.
      const metadata = status === Status.OK ? headers : metadataOf();
      const sessionError = sessionErrors.get(session);
      if (status === undefined) {
        // Until the server's SETTINGS arrived there was no HTTP/2 connection, and nothing of the request reached it.
        if (!established.has(session)) {
          // A stream cancelled with its connection names why the connection failed as its cause.
          const failure = sessionError ?? ((streamError?.cause as Error | undefined) ?? streamError);
          const why = failure ? String(failure) : 'the connection closed before the HTTP/2 handshake completed';
          return finish({ code: Status.UNAVAILABLE, details: `No connection established. Last error: ${why}`, metadata });
        }
        if (httpStatus !== 0 && httpStatus !== 200) return finish({ code: statusOfHttp(httpStatus), details: `Received HTTP status code ${httpStatus}`, metadata });
        if (stream.rstCode !== undefined && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) {
          const reset = statusOfReset(stream.rstCode);
          return finish({ ...reset, metadata });
        }
        const why = (sessionError ?? streamError)?.message ?? 'the connection closed before the server answered';
        return finish({ code: Status.UNAVAILABLE, details: why, metadata });
      }
      if (status !== Status.OK) return finish({ code: status, details: message, metadata });
      const body = unframeOne(Buffer.concat(chunks));
      if ('error' in body) return finish({ code: Status.INTERNAL, details: `a malformed response: ${body.error}`, metadata });
      if (body.compressed) return finish({ code: Status.INTERNAL, details: 'a compressed response, which this client never asked for', metadata });
      finish({ code: Status.OK, details: '', message: body.message, metadata });
    });
    stream.end(frame(request));
  });
  return { answer, cancel: () => cancel() };
}
