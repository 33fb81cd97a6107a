import { escapeXml } from '../markup.js';
import type { CapacityOptions, CapacityRow } from './capacity.js';
import { medianRows } from './capacity-report.js';

// How the cost per request moves as the work grows: the capacity runs repeated over one axis
// (concurrent streams per connection, or value size), charted as server CPU per successful op,
// by role for quorumkv and whole for etcd, one panel per workload and way in.

export type SweepAxis = 'streams' | 'value-size';
const AXES: SweepAxis[] = ['streams', 'value-size'];
const MAX_POINTS = 8;

export interface Sweep {
  axis: SweepAxis;
  values: number[];
}

export interface SweepPoint {
  value: number;
  rows: CapacityRow[];
}

/** `streams=1,16,64,256` or `value-size=256,4096,65536`. */
export function parseSweep(text: string): Sweep {
  const [axis, list] = text.split('=');
  if (!AXES.includes(axis as SweepAxis) || list === undefined) throw new RangeError(`--sweep takes AXIS=V1,V2,… with AXIS one of ${AXES.join(', ')}; got ${JSON.stringify(text)}`);
  const values = list.split(',').map((v) => Number(v.trim()));
  const max = axis === 'streams' ? 1_000 : 1024 * 1024;
  const bad = values.find((v) => !Number.isInteger(v) || v < (axis === 'streams' ? 1 : 0) || v > max);
  if (bad !== undefined || values.length === 0 || values.length > MAX_POINTS) {
    throw new RangeError(`--sweep ${axis}: 1 to ${MAX_POINTS} integers up to ${max} (got ${JSON.stringify(list)})`);
  }
  return { axis: axis as SweepAxis, values };
}

/** The options of one point of the sweep. */
export function optionsAt(base: CapacityOptions, sweep: Sweep, value: number): CapacityOptions {
  return sweep.axis === 'streams' ? { ...base, streams: value } : { ...base, valueBytes: value };
}

const ROLE_COLORS: Record<string, string> = { gateway: '#8e44ad', writers: '#2b7bb9', readers: '#16a085', 'storage leader': '#c0392b', 'storage followers': '#e08a2c' };
const ETCD_COLOR = '#555555';

/** Panels of CPU µs per op against the axis (log-spaced points): quorumkv's roles stacked, etcd's total dashed. */
export function sweepChart(sweep: Sweep, points: readonly SweepPoint[], title: string): string {
  const medians = points.map((p) => ({ value: p.value, rows: medianRows(p.rows) }));
  const panels = [...new Set(medians.flatMap((p) => p.rows.filter((r) => r.target === 'quorumkv').map((r) => `${r.workload} ${r.via}`)))];
  const panelW = 420;
  const panelH = 260;
  const columns = 2;
  const width = columns * panelW + 20;
  const height = 70 + Math.ceil(panels.length / columns) * (panelH + 30);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  let lx = 20;
  for (const [role, color] of [...Object.entries(ROLE_COLORS), ['etcd (whole cluster)', ETCD_COLOR]]) {
    parts.push(`<rect x="${lx}" y="34" width="12" height="10" fill="${color}"/><text x="${lx + 16}" y="43">${escapeXml(role)}</text>`);
    lx += 30 + role.length * 6;
  }
  panels.forEach((panel, i) => {
    const ox = 10 + (i % columns) * panelW;
    const oy = 60 + Math.floor(i / columns) * (panelH + 30);
    const [workload, via] = panel.split(' ');
    const series = medians.map((p) => ({
      value: p.value,
      quorumkv: p.rows.find((r) => r.target === 'quorumkv' && r.workload === workload && r.via === via),
      etcd: p.rows.find((r) => r.target === 'etcd' && r.workload === workload && r.via === via),
    }));
    const top = Math.max(1, ...series.flatMap((s) => [s.quorumkv?.serverCpuUs ?? 0, s.etcd?.serverCpuUs ?? 0]));
    const plot = { left: ox + 50, top: oy + 20, width: panelW - 70, height: panelH - 50 };
    const x = (k: number) => plot.left + (series.length === 1 ? plot.width / 2 : (k / (series.length - 1)) * plot.width);
    const y = (us: number) => plot.top + plot.height - (us / top) * plot.height;
    parts.push(`<text x="${ox + panelW / 2}" y="${oy + 10}" text-anchor="middle" font-weight="bold">${escapeXml(`${workload}, ${via}`)}</text>`);
    parts.push(`<line x1="${plot.left}" y1="${plot.top + plot.height}" x2="${plot.left + plot.width}" y2="${plot.top + plot.height}" stroke="#999"/>`);
    parts.push(`<text x="${plot.left - 4}" y="${plot.top + 4}" text-anchor="end" fill="#555">${Math.round(top)} µs</text>`);
    parts.push(`<text x="${plot.left - 4}" y="${plot.top + plot.height}" text-anchor="end" fill="#555">0</text>`);
    const barW = Math.min(24, plot.width / Math.max(1, series.length) / 2);
    series.forEach((s, k) => {
      parts.push(`<text x="${x(k).toFixed(1)}" y="${plot.top + plot.height + 14}" text-anchor="middle" fill="#555">${s.value}</text>`);
      let base = 0;
      for (const [role, us] of Object.entries(s.quorumkv?.cpuByRole ?? {})) {
        if (!(us > 0)) continue;
        parts.push(`<rect x="${(x(k) - barW / 2).toFixed(1)}" y="${y(base + us).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y(base + us)).toFixed(1)}" fill="${ROLE_COLORS[role] ?? '#999'}"><title>${escapeXml(`${role}: ${Math.round(us)} µs/op`)}</title></rect>`);
        base += us;
      }
    });
    const etcdPoints = series.map((s, k) => (s.etcd ? `${x(k).toFixed(1)},${y(s.etcd.serverCpuUs).toFixed(1)}` : '')).filter(Boolean);
    if (etcdPoints.length > 0) parts.push(`<polyline fill="none" stroke="${ETCD_COLOR}" stroke-width="2" stroke-dasharray="5,3" points="${etcdPoints.join(' ')}"/>`);
    parts.push(`<text x="${plot.left + plot.width / 2}" y="${plot.top + plot.height + 28}" text-anchor="middle">${sweep.axis === 'streams' ? 'streams per connection' : 'value bytes'}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** One line per point, workload and way in: µs per op of both stores and their ratio. */
export function sweepTable(sweep: Sweep, points: readonly SweepPoint[]): string {
  const lines = [`| ${sweep.axis} | workload | via | quorumkv µs/op | etcd µs/op | ratio | quorumkv ops/s | etcd ops/s |`, '|---|---|---|---|---|---|---|---|'];
  for (const point of points) {
    const rows = medianRows(point.rows);
    for (const q of rows.filter((r) => r.target === 'quorumkv')) {
      const e = rows.find((r) => r.target === 'etcd' && r.workload === q.workload && r.via === q.via);
      const ratio = e && e.serverCpuUs > 0 ? `${(q.serverCpuUs / e.serverCpuUs).toFixed(2)}×` : '–';
      lines.push(`| ${point.value} | ${q.workload} | ${q.via} | ${Math.round(q.serverCpuUs)} | ${e ? Math.round(e.serverCpuUs) : '–'} | ${ratio} | ${Math.round(q.opsPerSecond)} | ${e ? Math.round(e.opsPerSecond) : '–'} |`);
    }
  }
  return lines.join('\n');
}
