import * as http2 from 'node:http2';
import { decodeGrpcMessage } from './grpc-wire.js';

// gRPC calls made by hand on node:http2, the way h2load, nghttp and curl send them: the caller
// chooses every header and every byte of the body. Used by the capacity bench and by tests.

export interface RawAnswer {
  /** HTTP status; 0 when the stream was reset before headers. */
  status: number;
  grpcStatus: number | undefined;
  grpcMessage: string;
  /** The response messages, without their 5-byte prefixes. */
  messages: Buffer[];
  /** RST_STREAM code if the stream was reset. */
  resetCode?: number;
}

/** One message in gRPC's framing: a 0 compression flag, a 4-byte length, the bytes. */
export function grpcFrame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** Splits a response body into its messages. */
export function grpcMessages(body: Buffer): Buffer[] {
  const messages: Buffer[] = [];
  for (let offset = 0; offset + 5 <= body.length; ) {
    const length = body.readUInt32BE(offset + 1);
    messages.push(body.subarray(offset + 5, offset + 5 + length));
    offset += 5 + length;
  }
  return messages;
}

/** Sends `body` (already framed) to `path` on `address` with `headers` added, and collects the answer. */
export function rawCall(address: string, path: string, body: Buffer, headers: http2.OutgoingHttpHeaders = {}, session?: http2.ClientHttp2Session): Promise<RawAnswer> {
  const own = session ?? http2.connect(`http://${address}`);
  return new Promise((resolve, reject) => {
    const stream = own.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    const chunks: Buffer[] = [];
    const answer: RawAnswer = { status: 0, grpcStatus: undefined, grpcMessage: '', messages: [] };
    const take = (h: http2.IncomingHttpHeaders) => {
      if (h['grpc-status'] !== undefined) answer.grpcStatus = Number(h['grpc-status']);
      if (h['grpc-message'] !== undefined) answer.grpcMessage = decodeGrpcMessage(h['grpc-message']);
    };
    stream.on('response', (h) => {
      answer.status = Number(h[':status']);
      take(h);
    });
    stream.on('trailers', take);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', () => {});
    stream.on('close', () => {
      if (!session) own.close();
      answer.messages = grpcMessages(Buffer.concat(chunks));
      if (stream.rstCode && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) answer.resetCode = stream.rstCode;
      resolve(answer);
    });
    own.once('error', reject);
    stream.end(body);
  });
}
