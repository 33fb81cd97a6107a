import { escapeXml } from '../markup.js';

// The picture of a scale run: one storage member's memory and disk as keys are written.

export interface MemorySample {
  /** Keys written so far; writing a key again counts again. */
  keys: number;
  /** Anonymous resident memory: the process's own. */
  private: number;
  /** Resident file pages, mostly LevelDB tables read through mmap (reclaimable page cache). */
  mapped: number;
  /** V8 heap in use. */
  heap: number;
  /** Memory of Buffers and other objects outside the V8 heap. */
  external: number;
  /** The member's data directory. */
  disk: number;
}

const SERIES: Array<{ field: keyof Omit<MemorySample, 'keys'>; label: string; color: string; dashed?: boolean }> = [
  { field: 'private', label: 'private memory', color: '#c0392b' },
  { field: 'heap', label: 'V8 heap used', color: '#2b7bb9' },
  { field: 'external', label: 'external (Buffers)', color: '#27ae60' },
  { field: 'mapped', label: 'mapped files (page cache)', color: '#e08a2c' },
  { field: 'disk', label: 'data directory', color: '#555555', dashed: true },
];

/** A line chart of the samples, in MiB against keys written. */
export function memoryChart(samples: readonly MemorySample[], title: string): string {
  const width = 860;
  const height = 420;
  const left = 70;
  const right = 20;
  const top = 60;
  const bottom = 50;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const mib = (bytes: number) => bytes / 1024 / 1024;
  const maxKeys = niceCeiling(Math.max(1, ...samples.map((s) => s.keys)));
  const maxMib = niceCeiling(Math.max(1, ...samples.flatMap((s) => SERIES.map(({ field }) => mib(s[field])))));
  const x = (keys: number) => left + (keys / maxKeys) * plotWidth;
  const y = (value: number) => top + plotHeight - (value / maxMib) * plotHeight;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  let lx = left;
  for (const { label, color, dashed } of SERIES) {
    parts.push(`<line x1="${lx}" y1="40" x2="${lx + 18}" y2="40" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
    parts.push(`<text x="${lx + 22}" y="44">${label}</text>`);
    lx += 36 + label.length * 6.5;
  }
  for (let i = 0; i <= 4; i++) {
    const value = (maxMib * i) / 4;
    parts.push(`<line x1="${left}" y1="${y(value).toFixed(1)}" x2="${width - right}" y2="${y(value).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end" fill="#555">${value.toFixed(0)} MiB</text>`);
    const keys = (maxKeys * i) / 4;
    parts.push(`<text x="${x(keys).toFixed(1)}" y="${height - bottom + 18}" text-anchor="middle" fill="#555">${formatKeys(keys)}</text>`);
  }
  parts.push(`<text x="${left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">keys written</text>`);
  for (const { field, color, dashed } of SERIES) {
    const points = samples.map((s) => `${x(s.keys).toFixed(1)},${y(mib(s[field])).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="5,3"' : ''} points="${points}"/>`);
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The next of 1, 2, 4, 8 × 10^n at or above `value`: its quarters, the ticks, are round numbers. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 4, 8, 10].map((m) => m * power).find((v) => v >= value) ?? 10 * power;
}

function formatKeys(keys: number): string {
  if (keys >= 1_000_000) return `${(keys / 1_000_000).toFixed(keys % 1_000_000 === 0 ? 0 : 1)}M`;
  if (keys >= 1_000) return `${(keys / 1_000).toFixed(0)}k`;
  return keys.toFixed(0);
}
