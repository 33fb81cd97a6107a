import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError, UnavailableError } from '../errors.js';
import { fromServiceError } from '../rpc/status.js';
import type { WatchRequest__Output } from '../gen/quorumkv/v1/WatchRequest.js';
import type { WatchResponse__Output } from '../gen/quorumkv/v1/WatchResponse.js';
import { MAX_KEY_BYTES } from '../api/limits.js';
import { Watch } from '../proto/services.js';
import type { RpcServer } from '../rpc/server.js';
import type { StorageRouter } from './storage-router.js';
import type { KvBackend } from './kv-service.js';
import { callerOf } from '../auth/caller.js';

// Watch on a compute node: relays a storage member's Follow stream. When that member fails, the
// relay resumes on another member from the last revision it sent plus one, so the client sees
// neither a gap nor a repeat. Backpressure runs end to end: the relay pauses the storage stream
// while the client's stream is full.

const RESUME_PAUSE_MS = 200;
const MAX_RESUMES_WITHOUT_PROGRESS = 10;

export function addWatchService(rpc: RpcServer, storage: StorageRouter, backend: KvBackend): void {
  rpc.addService(Watch.service, {
    watch: rpc.serverStream<WatchRequest__Output, WatchResponse__Output>('Watch/Watch', (call) => relay(storage, backend, call)),
  });
}

/** Where a followed stream goes: `deliver` resolves once the message may be followed by the next. */
export interface FollowSink {
  deliver(response: WatchResponse__Output): Promise<void>;
  /** The consumer went away: the follow ends quietly. */
  readonly gone: boolean;
  onGone(listener: () => void): () => void;
}

async function relay(storage: StorageRouter, backend: KvBackend, call: grpc.ServerWritableStream<WatchRequest__Output, WatchResponse__Output>): Promise<void> {
  const request = call.request;
  if (request.key.length === 0 || request.key.length > MAX_KEY_BYTES) {
    throw new InvalidArgumentError(`watch: key must be 1 to ${MAX_KEY_BYTES} bytes ("\\0" with range_end "\\0" watches every key)`);
  }
  const rangeEnd = await backend.admitWatch(request.key, request.rangeEnd, callerOf(call));
  await followResuming(storage, { ...request, rangeEnd }, {
    deliver: (response) =>
      call.write(response) ? Promise.resolve() : new Promise((resolve) => call.once('drain', resolve)),
    get gone() {
      return call.cancelled;
    },
    onGone: (listener) => {
      call.once('cancelled', listener);
      return () => call.off('cancelled', listener);
    },
  });
}

/**
 * Follows the log from `request.startRevision` into `sink`, resuming on another storage member
 * from the last revision delivered plus one when one fails. Ends when the sink is gone; throws
 * what is not a member failure (a compacted start, bad input) or when no member can serve.
 */
export async function followResuming(storage: StorageRouter, request: WatchRequest__Output, sink: FollowSink): Promise<void> {
  let next = request.startRevision;
  let failuresInARow = 0;
  while (!sink.gone) {
    const member = storage.homeMember;
    const outcome = await pipeOnce(member.client, { ...request, startRevision: next }, sink, (revision) => {
      next = revision + 1;
      failuresInARow = 0;
    });
    if (outcome === 'client-gone') return;
    if (!(outcome instanceof UnavailableError)) throw outcome;
    if (++failuresInARow > MAX_RESUMES_WITHOUT_PROGRESS) throw new UnavailableError(`watch: no storage member could serve this watch: ${outcome.message}`);
    storage.moveHome();
    await new Promise((resolve) => setTimeout(resolve, RESUME_PAUSE_MS));
  }
}

/** Pipes one Follow stream until it ends; resolves with why it ended. */
function pipeOnce(
  client: StorageRouter['homeMember']['client'],
  request: WatchRequest__Output,
  sink: FollowSink,
  onSent: (revision: number) => void,
): Promise<'client-gone' | Error> {
  return new Promise((resolve) => {
    const upstream = client.follow(request);
    const stopListening = sink.onGone(() => upstream.cancel());
    const finish = (result: 'client-gone' | Error) => {
      stopListening();
      resolve(result);
    };
    upstream.on('data', (response: WatchResponse__Output) => {
      upstream.pause();
      sink.deliver(response).then(() => upstream.resume(), () => upstream.cancel());
      onSent(response.revision);
    });
    upstream.on('error', (error: grpc.ServiceError) => {
      if (sink.gone || error.code === grpc.status.CANCELLED) finish('client-gone');
      else finish(fromServiceError(error));
    });
    upstream.on('end', () => finish(sink.gone ? 'client-gone' : new UnavailableError('the storage member ended the watch stream')));
  });
}
