// Automatic history compaction, as etcd's --auto-compaction-mode and --auto-compaction-retention:
// `revision` keeps the last N revisions; `periodic` keeps what was written in the last period.
// Retention 0 turns it off. Only the leader acts on the target, by proposing a compaction entry
// that every member applies at one log index; every member samples, so a new leader already
// knows which revision was current one period ago.

export type AutoCompactionMode = 'revision' | 'periodic';

export interface AutoCompactionPolicy {
  mode: AutoCompactionMode;
  /** Revisions kept (`revision`), or milliseconds of history kept (`periodic`); 0: off. */
  retention: number;
}

export const DEFAULT_AUTO_COMPACTION: AutoCompactionPolicy = { mode: 'revision', retention: 100_000 };

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const HOUR_MS = 3_600_000;

/**
 * Reads the two flags as etcd does: a `periodic` retention is a duration (`30m`, `1h30m`, `90s`)
 * or a bare number of hours; a `revision` retention is a whole number of revisions.
 */
export function parseAutoCompaction(mode: string | undefined, retention: string | undefined): AutoCompactionPolicy {
  const resolvedMode = mode ?? DEFAULT_AUTO_COMPACTION.mode;
  if (resolvedMode !== 'revision' && resolvedMode !== 'periodic') {
    throw new Error(`--auto-compaction-mode must be revision or periodic, got ${JSON.stringify(mode)}`);
  }
  if (retention === undefined) {
    if (resolvedMode === 'periodic') throw new Error('--auto-compaction-mode periodic needs --auto-compaction-retention (a duration such as 1h or 30m)');
    return DEFAULT_AUTO_COMPACTION;
  }
  const text = retention.trim();
  if (resolvedMode === 'revision') {
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new Error(`--auto-compaction-retention in revision mode is a whole number of revisions, got ${JSON.stringify(retention)}`);
    }
    return { mode: 'revision', retention: Number(text) };
  }
  return { mode: 'periodic', retention: parseRetentionPeriod(text, retention) };
}

function parseRetentionPeriod(text: string, original: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * HOUR_MS);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`--auto-compaction-retention in periodic mode is a duration such as 1h, 30m or 1h30m, or a number of hours, got ${JSON.stringify(original)}`);
  }
  return Math.round(parts.reduce((ms, [, amount, unit]) => ms + Number(amount) * DURATION_UNITS_MS[unit!]!, 0));
}

export function describeAutoCompaction(policy: AutoCompactionPolicy): string {
  if (policy.retention === 0) return 'off';
  return policy.mode === 'revision' ? `keep ${policy.retention} revisions` : `keep ${policy.retention} ms of history`;
}

/**
 * Tracks the revision over time and says to which revision history may be compacted. In
 * periodic mode it samples every tenth of the period (etcd's granularity), so at most a tenth
 * of a period more than the retention is kept.
 */
export class AutoCompactor {
  private readonly samples: Array<{ atMs: number; revision: number }> = [];

  constructor(readonly policy: AutoCompactionPolicy) {}

  /** Revision mode, asked at each snapshot: the compaction target when the store is at `revision`, if any. */
  targetAtRevision(revision: number, compactRevision: number): number | undefined {
    if (this.policy.mode !== 'revision' || this.policy.retention === 0) return undefined;
    const target = revision - this.policy.retention;
    return target > compactRevision ? target : undefined;
  }

  /** Periodic mode: records the revision at `nowMs` and answers the revision current one retention ago, if newer than `compactRevision`. */
  sample(nowMs: number, revision: number, compactRevision: number): number | undefined {
    if (this.policy.mode !== 'periodic' || this.policy.retention === 0) return undefined;
    const last = this.samples.at(-1);
    if (last === undefined || nowMs - last.atMs >= this.policy.retention / 10) this.samples.push({ atMs: nowMs, revision });
    const horizon = nowMs - this.policy.retention;
    let target: number | undefined;
    while (this.samples.length > 0 && this.samples[0]!.atMs <= horizon) target = this.samples.shift()!.revision;
    if (target === undefined) return undefined;
    // The newest sample at or before the horizon stays: it is the target until a later one passes it.
    this.samples.unshift({ atMs: horizon, revision: target });
    return target > compactRevision ? target : undefined;
  }
}
