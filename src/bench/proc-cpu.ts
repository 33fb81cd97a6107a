import { readFileSync } from 'node:fs';

// CPU a process has used so far (user + system), read from /proc/PID/stat, in microseconds.
// Field 14 is utime and 15 stime, in clock ticks (USER_HZ, 100 on Linux); the command name
// (field 2) may hold spaces, so fields are counted after its closing parenthesis.

const TICKS_PER_SECOND = 100;

/** Microseconds of CPU used by `pid` so far; undefined when the process is gone. */
export function cpuMicros(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14 → index 11, stime 15 → index 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`cannot read CPU times from /proc/${pid}/stat`);
  return (ticks * 1_000_000) / TICKS_PER_SECOND;
}

/** CPU of each named process, microseconds; a vanished process counts as an error. */
export function cpuOfAll(pids: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, pid] of pids) {
    const micros = cpuMicros(pid);
    if (micros === undefined) throw new Error(`${name} (pid ${pid}) is gone`);
    out.set(name, micros);
  }
  return out;
}
