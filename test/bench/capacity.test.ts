import { describe, expect, it } from 'vitest';
import { capacityRatios, capacityTable, medianRows } from '../../src/bench/capacity-report.js';
import type { CapacityRow } from '../../src/bench/capacity.js';
import { parseH2load } from '../../src/bench/h2load.js';
import { cpuMicros } from '../../src/bench/proc-cpu.js';

const H2LOAD_OUTPUT = `starting benchmark...
spawning thread #0: 8 total client(s). 2000 total requests

finished in 2.25s, 888.79 req/s, 33.36KB/s
requests: 2000 total, 2000 started, 2000 done, 1990 succeeded, 10 failed, 10 errored, 0 timeout
status codes: 1990 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 75.10KB (76906) total, 8.00KB (8192) headers (space savings 92.00%), 26.37KB (27000) data
                     min         max         mean         sd        +/- sd
time for request:     4.30ms    511.38ms     66.29ms     68.25ms    93.60%
`;

const row = (fields: Partial<CapacityRow>): CapacityRow => ({
  target: 'quorumkv', workload: 'put', via: 'endpoint', round: 1, opsPerSecond: 100, meanLatencyMs: 1, errors: 0,
  cpuByRole: {}, grossByRole: {}, idleByRole: {}, serverCpuUs: 0, grossCpuUs: 0, loadGeneratorCpuUs: 10, ...fields,
});

describe('capacity mode', () => {
  it('reads h2load summaries', () => {
    expect(parseH2load(H2LOAD_OUTPUT)).toEqual({ http200: 1990, failed: 10, seconds: 2.25, meanLatencyMs: 66.29 });
    expect(parseH2load(H2LOAD_OUTPUT.replace('2.25s', '812.5ms')).seconds).toBeCloseTo(0.8125);
    expect(() => parseH2load('connection refused')).toThrow(/unexpected h2load output/);
  });

  it('reads this process\'s CPU from /proc and grows with work', () => {
    const before = cpuMicros(process.pid)!;
    const until = Date.now() + 60;
    while (Date.now() < until);
    expect(cpuMicros(process.pid)!).toBeGreaterThan(before);
    expect(cpuMicros(2 ** 22 + 1)).toBeUndefined();
  });

  it('takes medians over rounds and sets the hops against the echo floor and etcd', () => {
    const rows = [
      row({ target: 'echo', workload: 'echo', via: 'direct', cpuByRole: { echo: 50 }, serverCpuUs: 50 }),
      row({ round: 1, cpuByRole: { gateway: 60, writers: 100 }, serverCpuUs: 160 }),
      row({ round: 2, cpuByRole: { gateway: 80, writers: 140 }, serverCpuUs: 220 }),
      row({ round: 3, cpuByRole: { gateway: 70, writers: 120 }, serverCpuUs: 190, errors: 2 }),
      row({ via: 'direct', cpuByRole: { writers: 90 }, serverCpuUs: 90 }),
      row({ target: 'etcd', cpuByRole: { 'etcd leader': 200, 'etcd followers': 180 }, serverCpuUs: 380 }),
    ];
    const endpoint = medianRows(rows).find((r) => r.target === 'quorumkv' && r.via === 'endpoint')!;
    expect(endpoint.cpuByRole).toEqual({ gateway: 70, writers: 120 });
    expect(endpoint.errors).toBe(2);
    const ratios = capacityRatios(rows);
    expect(ratios).toContain('| put: gateway µs per forwarded request ÷ echo | 1.40× |');
    expect(ratios).toContain('| put direct: writers µs per put ÷ echo | 1.80× |');
    expect(ratios).toContain("| put through the endpoint: (gateway + writers) ÷ etcd's whole cluster | 0.50× |");
    expect(ratios).not.toContain('TLS ÷ plaintext');
    const withTls = capacityRatios([...rows, row({ target: 'quorumkv-tls', cpuByRole: { gateway: 105, writers: 180 }, serverCpuUs: 285 })]);
    expect(withTls).toContain('| put: all servers µs/op, TLS ÷ plaintext (endpoint; direct) | 1.50×; – |');
    expect(capacityTable(rows).split('\n')[0]).toMatch(/^\| store \| workload \| way in \| ops\/s .*\| echo µs\/op \| gateway µs\/op \| writers µs\/op \| etcd leader µs\/op/);
  });
});
