// How long a replica read waits before it is also sent to a second member: about the p99 of
// recent reads, so roughly one read in a hundred is sent twice, and never less than a few ms
// (a busy event loop must not hedge every read) nor more than a fraction of a second.

export const MIN_HEDGE_DELAY_MS = 5;
export const MAX_HEDGE_DELAY_MS = 250;
const SAMPLES = 256;

export class HedgeDelay {
  private readonly samplesMs = new Float64Array(SAMPLES);
  private count = 0;
  private delayMs = MAX_HEDGE_DELAY_MS;

  /** Records how long a read took; the delay is recomputed every SAMPLES / 4 reads. */
  record(ms: number): void {
    this.samplesMs[this.count % SAMPLES] = ms;
    this.count++;
    if (this.count % (SAMPLES / 4) === 0) this.recompute();
  }

  get currentMs(): number {
    return this.delayMs;
  }

  private recompute(): void {
    const filled = Math.min(this.count, SAMPLES);
    const sorted = Array.from(this.samplesMs.subarray(0, filled)).sort((a, b) => a - b);
    const p99 = sorted[Math.min(filled - 1, Math.floor(filled * 0.99))];
    this.delayMs = Math.min(MAX_HEDGE_DELAY_MS, Math.max(MIN_HEDGE_DELAY_MS, p99));
  }
}
