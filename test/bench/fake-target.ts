import type { BenchTarget, IncrementOutcome } from '../../src/bench/target.js';

/** A target whose every operation takes `delayMs`; counts what it was asked and how much was in flight. */
export class FakeTarget implements BenchTarget {
  readonly kind = 'quorumkv' as const;
  inFlight = 0;
  inFlightMax = 0;
  calls = 0;
  populated = 0;
  /** The keys populated when the runner waited for them to replicate. */
  replicatedWith: number | undefined;
  getsBeforeReplicated = 0;
  readonly keys = new Set<string>();

  constructor(
    private readonly options: {
      delayMs: number;
      fail?: (call: number) => unknown;
      attempts?: number;
      missing?: boolean;
    },
  ) {}

  private async op<T>(value: T): Promise<T> {
    const call = ++this.calls;
    this.inFlight++;
    this.inFlightMax = Math.max(this.inFlightMax, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
      const failure = this.options.fail?.(call);
      if (failure) throw failure;
      return value;
    } finally {
      this.inFlight--;
    }
  }

  put(_c: number, key: Buffer): Promise<void> {
    this.keys.add(key.toString('latin1'));
    return this.op(undefined);
  }
  get(): Promise<boolean> {
    if (this.replicatedWith === undefined) this.getsBeforeReplicated++;
    return this.op(!this.options.missing);
  }
  scan(_c: number, _key: Buffer, limit: number): Promise<number> {
    return this.op(limit);
  }
  increment(): Promise<IncrementOutcome> {
    const attempts = this.options.attempts ?? 1;
    return this.op({ attempts, committed: attempts < 20 });
  }
  async putMany(_c: number, pairs: Array<[Buffer, Buffer]>): Promise<void> {
    this.populated += pairs.length;
    for (const [key] of pairs) this.keys.add(key.toString('latin1'));
  }
  async replicated(): Promise<void> {
    this.replicatedWith = this.populated;
  }
  async readInteger(): Promise<number> {
    return 0;
  }
  close(): void {}
}
