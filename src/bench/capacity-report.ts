import { median } from './compare-report.js';
import type { CapacityOptions, CapacityRow } from './capacity.js';

// The capacity mode's tables: CPU per successful op by role beside throughput, the ratios to
// etcd, and each hop against the echo floor. Several rounds are reduced to their medians.

export const CAPACITY_BEGIN = '<!-- bench:compare capacity begin (written by npm run bench:compare -- --capacity; edits inside are replaced) -->';
export const CAPACITY_END = '<!-- bench:compare capacity end -->';

const ROLE_ORDER = ['echo', 'gateway', 'writers', 'readers', 'storage leader', 'storage followers', 'etcd leader', 'etcd followers'];

/** One row per target, workload and way in, the median over rounds. */
export function medianRows(rows: CapacityRow[]): CapacityRow[] {
  const groups = new Map<string, CapacityRow[]>();
  for (const row of rows) {
    const key = `${row.target}/${row.workload}/${row.via}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const roles = [...new Set(group.flatMap((r) => Object.keys(r.cpuByRole)))];
    return {
      ...group[0],
      round: group.length,
      opsPerSecond: median(group.map((r) => r.opsPerSecond)),
      meanLatencyMs: median(group.map((r) => r.meanLatencyMs)),
      errors: group.reduce((a, r) => a + r.errors, 0),
      cpuByRole: Object.fromEntries(roles.map((role) => [role, median(group.map((r) => r.cpuByRole[role] ?? 0))])),
      serverCpuUs: median(group.map((r) => r.serverCpuUs)),
      grossCpuUs: median(group.map((r) => r.grossCpuUs)),
      loadGeneratorCpuUs: median(group.map((r) => r.loadGeneratorCpuUs)),
    };
  });
}

const us = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '–' : String(Math.round(value)));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !(b > 0) ? '–' : `${(a / b).toFixed(2)}×`);

function roleColumns(rows: CapacityRow[]): string[] {
  const present = new Set(rows.flatMap((r) => Object.keys(r.cpuByRole)));
  return ROLE_ORDER.filter((role) => present.has(role));
}

/** Markdown table rows: throughput, errors, CPU per op by role, server total, h2load. */
export function capacityTable(all: CapacityRow[]): string {
  const rows = medianRows(all);
  const roles = roleColumns(rows);
  const head = ['store', 'workload', 'way in', 'ops/s', 'mean latency ms', 'errors', ...roles.map((r) => `${r} µs/op`), 'all servers µs/op', 'idle included', 'h2load µs/op'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    lines.push(
      `| ${[row.target, row.workload, row.via, String(Math.round(row.opsPerSecond)), row.meanLatencyMs.toFixed(1), String(row.errors), ...roles.map((r) => us(row.cpuByRole[r])), us(row.serverCpuUs), us(row.grossCpuUs), us(row.loadGeneratorCpuUs)].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** The figures the issue asks for: hops against the echo floor, quorumkv against etcd. */
export function capacityRatios(all: CapacityRow[]): string {
  const rows = medianRows(all);
  const find = (target: string, workload: string, via: string) => rows.find((r) => r.target === target && r.workload === workload && r.via === via);
  const echo = find('echo', 'echo', 'direct')?.serverCpuUs;
  const lines = ['| figure | value |', '| --- | --- |', `| echo floor (bare node:http2), µs per request | ${us(echo)} |`];
  for (const workload of ['put', 'get-linearizable', 'get-serializable']) {
    const endpoint = find('quorumkv', workload, 'endpoint');
    const direct = find('quorumkv', workload, 'direct');
    const etcdEndpoint = find('etcd', workload, 'endpoint');
    const etcdDirect = find('etcd', workload, 'direct');
    if (!endpoint && !direct) continue;
    lines.push(`| ${workload}: gateway µs per forwarded request ÷ echo | ${ratio(endpoint?.cpuByRole.gateway, echo)} |`);
    if (workload === 'put') {
      const writers = direct?.cpuByRole.writers;
      lines.push(`| put direct: writers µs per put ÷ echo | ${ratio(writers, echo)} |`);
      const hops = endpoint ? (endpoint.cpuByRole.gateway ?? 0) + (endpoint.cpuByRole.writers ?? 0) : undefined;
      lines.push(`| put through the endpoint: (gateway + writers) ÷ etcd's whole cluster | ${ratio(hops, etcdEndpoint?.serverCpuUs)} |`);
    } else {
      lines.push(`| ${workload} direct: readers µs per read ÷ echo | ${ratio(direct?.cpuByRole.readers, echo)} |`);
    }
    lines.push(`| ${workload}: all servers µs/op, quorumkv ÷ etcd (endpoint; direct) | ${ratio(endpoint?.serverCpuUs, etcdEndpoint?.serverCpuUs)}; ${ratio(direct?.serverCpuUs, etcdDirect?.serverCpuUs)} |`);
    lines.push(`| ${workload}: ops/s, quorumkv ÷ etcd (endpoint; direct) | ${ratio(endpoint?.opsPerSecond, etcdEndpoint?.opsPerSecond)}; ${ratio(direct?.opsPerSecond, etcdDirect?.opsPerSecond)} |`);
    const tlsEndpoint = find('quorumkv-tls', workload, 'endpoint');
    const tlsDirect = find('quorumkv-tls', workload, 'direct');
    if (tlsEndpoint || tlsDirect) {
      lines.push(`| ${workload}: all servers µs/op, TLS ÷ plaintext (endpoint; direct) | ${ratio(tlsEndpoint?.serverCpuUs, endpoint?.serverCpuUs)}; ${ratio(tlsDirect?.serverCpuUs, direct?.serverCpuUs)} |`);
    }
  }
  return lines.join('\n');
}

export interface CapacitySectionInput {
  date: string;
  command: string;
  machine: Array<[string, string]>;
  options: CapacityOptions;
  rows: CapacityRow[];
}

export function capacitySection(input: CapacitySectionInput): string {
  const o = input.options;
  return [
    CAPACITY_BEGIN,
    '## Capacity: CPU per successful request (h2load)',
    '',
    `Run on ${input.date}: \`${input.command}\``,
    '',
    ...input.machine.map(([k, v]) => `- ${k}: ${v}`),
    '',
    `h2load sends one pre-encoded gRPC request (no request id; ${o.valueBytes}-byte values) over ${o.connections} connections × ${o.streams} streams, ` +
      `${o.requests} and then ${o.requests * 2} requests per scenario; "direct" runs one h2load per writer (puts) or reader (gets), and per etcd member, ` +
      'splitting the connections. Only successes count: applied writes from the revision delta, reads from the servers\' counters of OK answers; ' +
      '"errors" is sent minus counted. CPU per op is ΔCPU/Δops between the two runs (utime+stime from /proc/PID/stat), by role, ' +
      'with each process\'s idle CPU rate (measured first, 5 s without requests) times the extra run time taken off; "idle included" keeps it; ' +
      `several processes of one role are summed. ${o.rounds} round(s), quorumkv and etcd alternating; the median is shown. The machine is shared, so figures are noisy.`,
    '',
    capacityTable(input.rows),
    '',
    capacityRatios(input.rows),
    CAPACITY_END,
  ].join('\n');
}
