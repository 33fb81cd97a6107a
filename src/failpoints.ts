import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';

// Named points in the storage path where a test can make a process crash, stall or fail, as
// etcd's gofail does. A test process arms them through the environment of the process it starts:
//
//   QUORUMKV_FAILPOINTS="raft-save-after=crash,apply-flush-before=delay(50),*=2*error"
//
// (`*` arms every point; `N*` fires at most N times in this process). With
// QUORUMKV_FAILPOINTS_RECORD=FILE, every point that fires is appended to FILE, and a point FILE
// lists already stays quiet: processes that share the file visit each point once between them (a
// point is claimed by creating FILE.NAME exclusively, so two processes reaching it at once cannot
// both fire it).
// Unarmed, a failpoint does nothing and answers undefined (nothing to wait for).
//
// With QUORUMKV_FAILPOINTS_CONTROL=FILE, a running process arms its points again from FILE's
// content (the same syntax; empty disarms) each time it receives SIGUSR2: the chaos suite crashes
// a member at a point while it runs, without a restart first.

export const FAILPOINTS = [
  /** Before and after the Ready's hard state and entries are written to the raft log. */
  'raft-save-before',
  'raft-save-after',
  /** A leader's appends sent, its own copy not written yet. */
  'send-before-save',
  /** Before and after an apply's batch is written to the state. */
  'apply-flush-before',
  'apply-flush-after',
  /** Before and after one batch of a history purge is written. */
  'compaction-batch-before',
  'compaction-batch-after',
  /** Before and after a member records a snapshot of its own state (the log behind it is then compacted). */
  'snapshot-save-before',
  'snapshot-save-after',
  /** A snapshot install: before and after the staged state becomes the applied one, and after the raft log records it. */
  'install-activate-before',
  'install-activate-after',
  'install-log-reset-after',
] as const;

export type FailpointName = (typeof FAILPOINTS)[number];

type Action = { kind: 'crash' } | { kind: 'error' } | { kind: 'delay'; ms: number };

interface Armed {
  action: Action;
  remaining: number;
}

/** What an armed `error` failpoint throws, where the durable write would have failed. */
export class FailpointError extends Error {}

/** Parses a QUORUMKV_FAILPOINTS value; throws on an unknown point or action. */
export function parseFailpoints(spec: string): Map<FailpointName, Armed> {
  const armed = new Map<FailpointName, Armed>();
  for (const term of spec.split(',').map((t) => t.trim()).filter((t) => t !== '')) {
    const match = /^([a-z*-]+)=(?:(\d+)\*)?(crash|error|delay\((\d+)\))$/.exec(term);
    if (!match) throw new Error(`failpoint ${JSON.stringify(term)}: expected NAME=[N*]crash|error|delay(MS)`);
    const [, name, count, kind, ms] = match;
    const names = name === '*' ? [...FAILPOINTS] : [name as FailpointName];
    if (!FAILPOINTS.includes(names[0]!)) throw new Error(`failpoint ${JSON.stringify(name)} does not exist; the points are ${FAILPOINTS.join(', ')}`);
    const action: Action = kind === 'crash' ? { kind } : kind === 'error' ? { kind } : { kind: 'delay', ms: Number(ms) };
    for (const each of names) armed.set(each, { action, remaining: count === undefined ? Infinity : Number(count) });
  }
  return armed;
}

let armed = parseFailpoints(process.env.QUORUMKV_FAILPOINTS ?? '');
let recordFile = process.env.QUORUMKV_FAILPOINTS_RECORD;

const controlFile = process.env.QUORUMKV_FAILPOINTS_CONTROL;
if (controlFile) {
  process.on('SIGUSR2', () => {
    try {
      armed = parseFailpoints(readFileSync(controlFile, 'utf8'));
      process.stderr.write(`failpoints armed from ${controlFile}: ${[...armed.keys()].join(', ') || 'none'}\n`);
    } catch (error) {
      process.stderr.write(`failpoints: ${controlFile} not applied: ${(error as Error).message}\n`);
    }
  });
}

/** Arms failpoints in this process (tests of the failpoints themselves); '' disarms them all. */
export function armFailpoints(spec: string, record?: string): void {
  armed = parseFailpoints(spec);
  recordFile = record;
}

/** The points a record file lists as fired. */
export function recordedFailpoints(file: string): Set<string> {
  try {
    return new Set(readFileSync(file, 'utf8').split('\n').filter((line) => line !== ''));
  } catch {
    return new Set();
  }
}

/** Records `name` in `file` unless a process (this one or another) claimed it first. */
function claim(file: string, name: FailpointName): boolean {
  try {
    closeSync(openSync(`${file}.${name}`, 'wx'));
  } catch {
    return false;
  }
  appendFileSync(file, `${name}\n`);
  return true;
}

/** A named point in the storage path: `await failpoint(name)`. Unarmed, it does nothing. */
export function failpoint(name: FailpointName): Promise<void> | undefined {
  if (armed.size === 0) return undefined;
  const point = armed.get(name);
  if (point === undefined || point.remaining <= 0) return undefined;
  if (recordFile !== undefined && !claim(recordFile, name)) return undefined;
  point.remaining--;
  switch (point.action.kind) {
    case 'crash':
      process.stderr.write(`failpoint ${name}: crash\n`);
      process.kill(process.pid, 'SIGKILL');
      // Nothing after this point runs: the signal ends the process.
      return new Promise<void>(() => undefined);
    case 'error':
      return Promise.reject(new FailpointError(`failpoint ${name}: error`));
    case 'delay':
      return new Promise<void>((resolve) => setTimeout(resolve, (point.action as { ms: number }).ms));
  }
}
