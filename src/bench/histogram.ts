import { build, type Histogram } from 'hdr-histogram-js';

// Latencies in an HDR histogram at microsecond resolution (3 significant digits), so its memory
// is fixed whatever the number of operations. Values above the trackable maximum are recorded at
// the maximum and counted, so a stalled request cannot throw away the run.

/** The largest latency the histogram tells apart: 10 minutes, in microseconds. */
export const LATENCY_US_MAX = 600_000_000;
const SIGNIFICANT_DIGITS = 3;

export interface LatencySummaryMs {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export class LatencyHistogram {
  private readonly histogram: Histogram = build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: LATENCY_US_MAX,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    autoResize: false,
  });
  /** Samples above LATENCY_US_MAX, recorded at the maximum. */
  clampedCount = 0;

  /** Records one latency given in milliseconds (fractions allowed). */
  recordMs(latencyMs: number): void {
    if (!(latencyMs >= 0)) throw new Error(`latency must be a non-negative number of milliseconds, got ${latencyMs}`);
    let us = Math.max(1, Math.round(latencyMs * 1000));
    if (us > LATENCY_US_MAX) {
      us = LATENCY_US_MAX;
      this.clampedCount++;
    }
    this.histogram.recordValue(us);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The latency at `percentile` (0 to 100), in milliseconds; 0 when nothing was recorded. */
  percentileMs(percentile: number): number {
    if (this.count === 0) return 0;
    return this.histogram.getValueAtPercentile(percentile) / 1000;
  }

  summaryMs(): LatencySummaryMs {
    if (this.count === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      p50: ms(this.histogram.getValueAtPercentile(50)),
      p90: ms(this.histogram.getValueAtPercentile(90)),
      p99: ms(this.histogram.getValueAtPercentile(99)),
      p999: ms(this.histogram.getValueAtPercentile(99.9)),
      max: ms(this.histogram.maxValue),
      mean: ms(this.histogram.mean),
    };
  }

  reset(): void {
    this.histogram.reset();
    this.clampedCount = 0;
  }
}
