import { status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { fromServiceError } from '../rpc/status.js';
import type { Event__Output } from '../gen/quorumkv/v1/Event.js';
import type { WatchRequest } from '../gen/quorumkv/v1/WatchRequest.js';
import type { WatchResponse__Output } from '../gen/quorumkv/v1/WatchResponse.js';
import type { WatchClient } from '../proto/services.js';
import { backoffMs, isRetryable } from './retry-policy.js';

// A watch that survives broken streams: it remembers the last revision it delivered and, when
// the stream breaks in a retryable way (a node died, a gateway restarted), opens a new one from
// the next revision on the next endpoint. Delivery is in revision order with no gaps and no
// repeats. The local queue is bounded: the stream pauses while the consumer is behind.

export interface WatchBatch {
  /** Every revision up to this one has been delivered. */
  revision: number;
  /** The events of the revisions delivered since the last batch, in order; empty for progress. */
  events: Event__Output[];
}

const MAX_QUEUED_BATCHES = 256;
const RESUME_BASE_MS = 50;
const RESUME_CAP_MS = 2_000;

export class Watcher implements AsyncIterable<WatchBatch> {
  private queue: WatchBatch[] = [];
  private waiting: { resolve(result: IteratorResult<WatchBatch>): void; reject(error: Error): void } | undefined;
  private failure: Error | undefined;
  private stream: ClientReadableStream<WatchResponse__Output> | undefined;
  private closed = false;
  private delivered: number;
  private attempts = 0;
  /** Times the watch resumed on a new stream. */
  resumes = 0;

  constructor(
    private readonly request: WatchRequest,
    private readonly clientFor: (attempt: number) => WatchClient,
  ) {
    this.delivered = Number(request.startRevision ?? 0) - 1;
    this.open();
  }

  close(): void {
    this.closed = true;
    this.stream?.cancel();
    this.finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchBatch> {
    return {
      next: () => {
        const batch = this.queue.shift();
        if (batch) {
          if (this.queue.length < MAX_QUEUED_BATCHES / 2) this.stream?.resume();
          return Promise.resolve({ value: batch, done: false });
        }
        if (this.failure) return Promise.reject(this.failure);
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private open(): void {
    const startRevision = this.delivered >= 0 ? this.delivered + 1 : 0;
    const stream = this.clientFor(this.attempts).watch({ ...this.request, startRevision });
    this.stream = stream;
    // A stream that fails emits 'error' and then 'end': only its first word counts, and only
    // while it is the current stream, or every break would open two streams in its place.
    const broken = (error: ServiceError | undefined) => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.broken(error);
    };
    stream.on('data', (response: WatchResponse__Output) => {
      if (this.stream === stream) this.receive(response);
    });
    stream.on('error', (error: ServiceError) => broken(error));
    stream.on('end', () => broken(undefined));
  }

  private receive(response: WatchResponse__Output): void {
    this.attempts = 0;
    // A resumed stream starts after the last delivered revision; anything at or below it is a repeat.
    const events = response.events.filter((e) => (e.kv?.modRevision ?? 0) > this.delivered);
    if (response.revision <= this.delivered && events.length === 0) return;
    this.delivered = Math.max(this.delivered, response.revision);
    this.push({ revision: response.revision, events });
  }

  private push(batch: WatchBatch): void {
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: batch, done: false });
      return;
    }
    this.queue.push(batch);
    if (this.queue.length >= MAX_QUEUED_BATCHES) this.stream?.pause();
  }

  private broken(error: ServiceError | undefined): void {
    if (this.closed) return;
    if (error && !isRetryable(error.code) && error.code !== status.CANCELLED) {
      this.failure = fromServiceError(error);
      this.finish();
      return;
    }
    this.resumes++;
    const pause = backoffMs(this.attempts++, RESUME_BASE_MS, RESUME_CAP_MS);
    setTimeout(() => {
      if (!this.closed) this.open();
    }, pause);
  }

  /** Ends a pending next(): with the failure if there is one, else as done. */
  private finish(): void {
    if (!this.waiting) return;
    const { resolve, reject } = this.waiting;
    this.waiting = undefined;
    if (this.failure) reject(this.failure);
    else resolve({ value: undefined, done: true });
  }
}
