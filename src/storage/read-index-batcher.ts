import { OverloadedError, UnavailableError } from '../errors.js';

// Linearizable reads share confirmation rounds: every read that arrives while no round is in
// flight joins the next round; one ReadIndex round answers all of them. A read must not join a
// round that started before it arrived, because that round's index may predate its write.

interface PendingRead {
  resolve(index: number): void;
  reject(error: Error): void;
}

export interface ReadIndexSource {
  /** Starts a round; false if it cannot be served now (no leader known). */
  requestReadIndex(context: Buffer): boolean;
}

export class ReadIndexBatcher {
  private waiting: PendingRead[] = [];
  private inFlight: { context: string; reads: PendingRead[]; timer: NodeJS.Timeout } | undefined;
  private round = 0;

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

  /** Called for each ReadState the core emits. */
  onReadState(context: Uint8Array, index: number): void {
    if (!this.inFlight || Buffer.from(context).toString('latin1') !== this.inFlight.context) return;
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
    const context = Buffer.from(`r${this.round}`, 'latin1');
    // In flight before the source is asked: a single-voter leader answers within the call.
    const timer = setTimeout(() => this.abortRound(`read index not confirmed within ${this.timeoutMs} ms`), this.timeoutMs);
    const round = { context: context.toString('latin1'), reads, timer };
    this.inFlight = round;
    if (this.source.requestReadIndex(context) || this.inFlight !== round) return;
    clearTimeout(timer);
    this.inFlight = undefined;
    for (const read of reads) read.reject(new UnavailableError('no storage leader is known; retry shortly'));
  }
}
