import type * as grpc from '@grpc/grpc-js';
import { OverloadedError } from '../errors.js';
import { log } from '../observability/log.js';

// One lease KeepAlive stream (native or etcd): each request renews a lease on the storage leader
// and is answered in order. Requests wait in a bounded queue; a client that sends faster than the
// leader answers is cut off with RESOURCE_EXHAUSTED rather than queued without bound.

/** Renewals waiting on one stream before it is cut off. */
export const MAX_PENDING_RENEWALS = 256;

export function serveKeepAlive<Req, Res>(
  call: grpc.ServerDuplexStream<Req, Res>,
  renew: (request: Req) => Promise<Res>,
  toStatus: (error: unknown) => Partial<grpc.StatusObject>,
): void {
  let pending = 0;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();
  const fail = (error: unknown) => {
    if (closed) return;
    closed = true;
    if (!call.cancelled && !call.destroyed) call.emit('error', toStatus(error));
  };
  call.on('data', (request: Req) => {
    if (closed) return;
    if (++pending > MAX_PENDING_RENEWALS) {
      fail(new OverloadedError(`more than ${MAX_PENDING_RENEWALS} keep-alive requests wait on this stream; send the next one after an answer`));
      return;
    }
    chain = chain
      .then(async () => {
        if (closed) return;
        const response = await renew(request);
        if (!closed && !call.cancelled && !call.destroyed) call.write(response);
      })
      .catch((error: unknown) => {
        log.info({ err: error }, 'lease keep-alive stream ended on a failed renewal');
        fail(error);
      })
      .finally(() => pending--);
  });
  call.on('end', () => {
    void chain.then(() => {
      if (!closed && !call.cancelled && !call.destroyed) call.end();
      closed = true;
    });
  });
  call.on('cancelled', () => (closed = true));
  call.on('error', () => (closed = true));
}
