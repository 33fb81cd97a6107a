import type { Gauge } from 'prom-client';
import { log } from './log.js';

// Each storage member hashes its applied state at a checkpoint revision, the last multiple of
// HASH_EVERY_REVISIONS it applied (or revision 1, an empty store's), and reports the hash as
// the gauge quorumkv_storage_state_hash{revision="R"}. Members that applied the same log report
// the same value at the same R, however far each has applied since; the alert
// QuorumkvHashMismatch (deploy/prometheus/alerts.yaml) fires when they do not. A member that
// lags reports an older R, which is compared with no one rather than raising a false alarm.

export const HASH_EVERY_REVISIONS = 1_000;
export const HASH_CHECK_INTERVAL_MS = 10_000;
/** Hex digits of the sha256 in the gauge's value: 48 bits, which a float64 holds exactly. */
const HASH_HEX_DIGITS = 12;

export interface RevisionHashSource {
  /** The state's hash at `revision`, and the member's current and compacted revisions. */
  hashAt(revision: number): Promise<{ hash: string; revision: number; compactRevision: number }>;
  /** The revision this member has applied. */
  currentRevision(): Promise<number>;
}

/** The checkpoint a member at `current` hashes: the last multiple of `every`, never below 1 or the compacted revision. */
export function checkpointRevision(current: number, compactRevision: number, every = HASH_EVERY_REVISIONS): number {
  if (!(Number.isSafeInteger(current) && current >= 0 && Number.isSafeInteger(every) && every > 0)) throw new Error(`checkpointRevision: bad input ${current}, ${every}`);
  return Math.min(current, Math.max(1, compactRevision, Math.floor(current / every) * every));
}

/** The gauge's value for a sha256 hex digest. */
export function hashGaugeValue(hash: string): number {
  if (!/^[0-9a-f]{12,}$/.test(hash)) throw new Error(`hashGaugeValue: not a hex digest: ${JSON.stringify(hash)}`);
  return Number.parseInt(hash.slice(0, HASH_HEX_DIGITS), 16);
}

export class StateHashReporter {
  private timer: NodeJS.Timeout | undefined;
  private reported = 0;
  private compactRevision = 0;
  private running = false;

  constructor(
    private readonly gauge: Gauge<'revision'>,
    private readonly source: RevisionHashSource,
    private readonly intervalMs = HASH_CHECK_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
    void this.check();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Hashes the checkpoint if it moved since the last report; one hash at a time. */
  async check(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let current = 0;
    let revision = 0;
    try {
      current = await this.source.currentRevision();
      revision = checkpointRevision(current, this.compactRevision);
      if (current < 1 || revision === this.reported) return;
      const result = await this.source.hashAt(revision);
      this.compactRevision = result.compactRevision;
      this.gauge.reset();
      this.gauge.set({ revision: String(result.revision) }, hashGaugeValue(result.hash));
      this.reported = result.revision;
    } catch (error) {
      // Compacted past the checkpoint: learn the compacted revision (the current one is always
      // readable) so that the next check hashes from there.
      log.debug({ revision, error: (error as Error).message }, 'state hash not taken');
      if (current > 0) this.compactRevision = await this.source.hashAt(current).then((r) => r.compactRevision, () => this.compactRevision);
    } finally {
      this.running = false;
    }
  }
}
