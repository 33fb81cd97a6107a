import * as http2 from 'node:http2';

// gRPC over HTTP/2 as bytes and headers, for code that relays calls without grpc-js: the
// 5-byte message prefix, grpc-timeout, and the Trailers-Only form of an error answer.
// https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md

export const PREFIX_BYTES = 5;

/** One message in gRPC's framing: compression flag 0, 4-byte big-endian length, the bytes. */
export function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, PREFIX_BYTES);
  return out;
}

export type Unframed = { message: Buffer; compressed: boolean } | { error: string };

/** The single message of a unary request body, or why the body is not one. */
export function unframeOne(body: Buffer): Unframed {
  if (body.length < PREFIX_BYTES) return { error: `the body is ${body.length} bytes, shorter than a gRPC message prefix (5 bytes)` };
  const flag = body[0];
  if (flag !== 0 && flag !== 1) return { error: `the message's compression flag is ${flag}, not 0 or 1` };
  const length = body.readUInt32BE(1);
  if (body.length < PREFIX_BYTES + length) return { error: `the gRPC frame is truncated: its prefix announces ${length} bytes, ${body.length - PREFIX_BYTES} arrived` };
  if (body.length > PREFIX_BYTES + length) return { error: 'a unary call carries exactly one message; more bytes followed it' };
  return { message: body.subarray(PREFIX_BYTES), compressed: flag === 1 };
}

const TIMEOUT_UNITS_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 0.001, n: 0.000001 };

/** grpc-timeout ("100m", "5S") in milliseconds; undefined when absent or malformed. */
export function parseGrpcTimeoutMs(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  return match ? Number(match[1]) * TIMEOUT_UNITS_MS[match[2]] : undefined;
}

/** A grpc-timeout value for `ms` milliseconds (at least 1 ms). */
export function grpcTimeout(ms: number): string {
  return `${Math.max(1, Math.ceil(ms))}m`;
}

/** grpc-message is percent-encoded (PROTOCOL-HTTP2.md); grpc-js encodes with encodeURI and decodes with decodeURI. */
export function encodeGrpcMessage(message: string): string {
  return encodeURI(message);
}

export function decodeGrpcMessage(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  try {
    return decodeURI(text);
  } catch {
    return text;
  }
}

/** Answers a call with status `code` and no messages: one HEADERS frame that ends the stream. */
export function respondTrailersOnly(stream: http2.ServerHttp2Stream, code: number, message: string, extra: http2.OutgoingHttpHeaders = {}): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(message), ...extra }, { endStream: true });
}
