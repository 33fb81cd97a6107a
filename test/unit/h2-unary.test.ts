import * as http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { connectUnary, startUnaryCall, unaryCall } from '../../src/rpc/h2-unary.js';
import { frame } from '../../src/rpc/grpc-wire.js';
import { Status } from '../../src/rpc/status-codes.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A plaintext HTTP/2 server on loopback; `onStream` decides each call's fate. */
async function server(onStream: (stream: http2.ServerHttp2Stream) => void): Promise<http2.ClientHttp2Session> {
  const h2 = http2.createServer();
  h2.on('stream', onStream);
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  const { port } = h2.address() as { port: number };
  const session = connectUnary(`http://127.0.0.1:${port}`);
  cleanups.push(() => {
    session.destroy();
    h2.close();
  });
  return session;
}

describe('unary calls on node:http2', () => {
  it('answers with the message and status the server sent, trailers included in an error', async () => {
    let answerWith: 'ok' | 'error' = 'ok';
    const session = await server((stream) => {
      stream.on('data', () => {});
      stream.on('end', () => {
        if (answerWith === 'ok') {
          stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
          stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
          stream.end(frame(Buffer.from('answer')));
        } else {
          stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'no%20leader', 'x-hint': 's2' }, { endStream: true });
        }
      });
    });
    const ok = await unaryCall(session, '/t.S/M', Buffer.from('q'), Date.now() + 5_000, 'test');
    expect(ok.code).toBe(Status.OK);
    expect(ok.message?.toString()).toBe('answer');
    answerWith = 'error';
    const refused = await unaryCall(session, '/t.S/M', Buffer.from('q'), Date.now() + 5_000, 'test');
    expect(refused).toMatchObject({ code: Status.UNAVAILABLE, details: 'no leader' });
    expect(refused.metadata['x-hint']).toBe('s2');
  });

  it('ends a call at once with CANCELLED when it is cancelled, and resets its stream on the server', async () => {
    let serverSaw: Promise<number> | undefined;
    const session = await server((stream) => {
      serverSaw = new Promise((resolve) => stream.on('close', () => resolve(stream.rstCode)));
      stream.on('data', () => {}); // and never answers
    });
    const call = startUnaryCall(session, '/t.S/M', Buffer.from('q'), Date.now() + 30_000, 'test');
    await new Promise<void>((resolve) => {
      const check = () => (serverSaw ? resolve() : setTimeout(check, 5));
      check();
    });
    const started = Date.now();
    call.cancel();
    const answer = await call.answer;
    expect(answer.code).toBe(Status.CANCELLED);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await serverSaw).toBe(http2.constants.NGHTTP2_CANCEL);
    call.cancel(); // a second cancel changes nothing
    expect((await call.answer).code).toBe(Status.CANCELLED);
  });
});
