// Turns the JSON lines that servers log into short readable lines, for `quorumkv up`:
//   12:03:04.567 INFO  storage member listening  listen=127.0.0.1:7101 dataDir=…
// A line that is not a log object is shown as it is.

const HIDDEN = new Set(['level', 'time', 'pid', 'role', 'id', 'cluster', 'msg', 'hostname']);
const COLORS: Record<string, string> = { fatal: '35', error: '31', warn: '33', info: '32', debug: '36', trace: '90' };

export function formatLogLine(line: string, options: { color?: boolean } = {}): string {
  if (!line.startsWith('{')) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof record.level !== 'string' || typeof record.msg !== 'string') return line;
  const time = typeof record.time === 'string' ? record.time.slice(11, 23) : '';
  const level = record.level.toUpperCase().padEnd(5);
  const shown = options.color && COLORS[record.level] ? `\x1b[${COLORS[record.level]}m${level}\x1b[0m` : level;
  const fields = Object.entries(record)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [time, shown, record.msg, ...(fields.length > 0 ? [' ' + fields.join(' ')] : [])].filter(Boolean).join(' ');
}
