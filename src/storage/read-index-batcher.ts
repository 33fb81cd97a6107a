import { randomBytes } from 'node:crypto';
import type { ReadIndexResult } from '../consensus/raft.js';
import { OverloadedError, UnavailableError } from '../errors.js';

// Linearizable reads share confirmation rounds: every read that arrives while no round is in
// flight joins the next round; one ReadIndex round answers all of them. A read must not join a
// round that started before it arrived, because that round's index may predate its write.
// Round contexts start with a random prefix per batcher, so an answer meant for an earlier process
// of this member (a leader's answer that arrives after a restart) never matches a round of this one.

interface PendingRead {
  resolve(index: number): void;
  reject(error: Error): void;
}

export interface ReadIndexSource {
  /** Starts a round, or says why it cannot be served now. */
  requestReadIndex(context: Buffer): ReadIndexResult;
}

export class ReadIndexBatcher {
  private waiting: PendingRead[] = [];
  private inFlight: { context: string; reads: PendingRead[]; timer: NodeJS.Timeout } | undefined;
  private round = 0;
  private readonly contextPrefix = `${randomBytes(6).toString('base64url')}.r`;

  constructor(
    private readonly source: ReadIndexSource,
    private readonly timeoutMs: number,
    private readonly maxWaiting: number,
  ) {}

  /** Resolves with a read index: serve the read once the applied index reaches it. */
  readIndex(): Promise<number> {
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new OverloadedError(`${this.waiting.length} linearizable reads are queued; retry later`));
    }
    const promise = new Promise<number>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.startRound();
    return promise;
  }

  /** Called for each ReadState the core emits; `overloaded`: the leader's read queue was full. */
  onReadState(context: Uint8Array, index: number, overloaded = false): void {
    if (!this.inFlight || Buffer.from(context).toString('latin1') !== this.inFlight.context) return;
    if (overloaded) {
      this.failInFlight(new OverloadedError('the storage leader has too many linearizable reads waiting for confirmation; retry later'));
      return;
    }
    const { reads, timer } = this.inFlight;
    clearTimeout(timer);
    this.inFlight = undefined;
    for (const read of reads) read.resolve(index);
    this.startRound();
  }

  /** Leadership changed: a round in flight may never be answered, so fail it now. */
  abortRound(reason: string): void {
    this.failInFlight(new UnavailableError(reason));
    this.startRound();
  }

  /** Fails every read, in flight or waiting, and starts no new round (shutdown). */
  failAll(error: Error): void {
    const waiting = this.waiting;
    this.waiting = [];
    this.failInFlight(error);
    for (const read of waiting) read.reject(error);
  }

  private failInFlight(error: Error): void {
    if (!this.inFlight) return;
    const { reads, timer } = this.inFlight;
    clearTimeout(timer);
    this.inFlight = undefined;
    for (const read of reads) read.reject(error);
  }

  private startRound(): void {
    if (this.inFlight || this.waiting.length === 0) return;
    const reads = this.waiting;
    this.waiting = [];
    this.round++;
    const context = Buffer.from(`${this.contextPrefix}${this.round}`, 'latin1');
    // In flight before the source is asked: a single-voter leader answers within the call.
    const timer = setTimeout(() => this.abortRound(`read index not confirmed within ${this.timeoutMs} ms`), this.timeoutMs);
    const round = { context: context.toString('latin1'), reads, timer };
    this.inFlight = round;
    const result = this.source.requestReadIndex(context);
    if (result.ok || this.inFlight !== round) return;
    clearTimeout(timer);
    this.inFlight = undefined;
    const error =
      result.reason === 'overloaded'
        ? new OverloadedError('the storage leader has too many linearizable reads waiting for confirmation; retry later')
        : new UnavailableError('no storage leader is known; retry shortly');
    for (const read of reads) read.reject(error);
  }
}
