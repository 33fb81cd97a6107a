const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Bytes for people, in powers of 1000 as `du --si` and etcdctl's DB SIZE: 1.2 MB. */
export function formatBytes(bytes: number): string {
  if (!(Number.isFinite(bytes) && bytes >= 0)) throw new Error(`formatBytes: expected a non-negative number, got ${bytes}`);
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}
