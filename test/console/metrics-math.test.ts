import { describe, expect, it } from 'vitest';
import { metricsUrl, readerLag } from '../../src/console/collector.js';
import { parsePrometheusText, sampleValue } from '../../src/console/prom-text.js';
import { EndpointSeries, MAX_POINTS, addRates, bucketQuantile, opDelta, opOf, opTotals } from '../../src/console/traffic.js';

const scrape = (puts: number, fast: number, slow: number) => `
# HELP quorumkv_grpc_requests_total gRPC requests served, by method and status code.
# TYPE quorumkv_grpc_requests_total counter
quorumkv_grpc_requests_total{method="KV/Put",code="OK",role="writer",member="w1"} ${puts}
quorumkv_grpc_requests_total{method="KV/Put",code="UNAVAILABLE",role="writer",member="w1"} 1
quorumkv_grpc_requests_total{method="Cluster/Status",code="OK",role="writer",member="w1"} 40
quorumkv_grpc_request_duration_seconds_bucket{le="0.001",method="KV/Put",role="writer",member="w1"} ${fast}
quorumkv_grpc_request_duration_seconds_bucket{le="0.01",method="KV/Put",role="writer",member="w1"} ${fast + slow}
quorumkv_grpc_request_duration_seconds_bucket{le="+Inf",method="KV/Put",role="writer",member="w1"} ${fast + slow}
quorumkv_replica_lag_seconds{role="reader",member="r1"} 0.25
quorumkv_replica_lag_revisions{role="reader",member="r1"} 3
`;

describe('reading /metrics', () => {
  it('parses samples with labels, escapes and special values, skipping comments', () => {
    const samples = parsePrometheusText('# a comment\nx_total{a="1",b="q\\"uote"} 5\ny +Inf\nz{} NaN 1700000000\nnot a sample line\n');
    expect(samples).toEqual([
      { name: 'x_total', labels: { a: '1', b: 'q"uote' }, value: 5 },
      { name: 'y', labels: {}, value: Infinity },
      { name: 'z', labels: {}, value: NaN },
    ]);
    expect(sampleValue(samples, 'x_total', { a: '1' })).toBe(5);
    expect(sampleValue(samples, 'x_total', { a: '2' })).toBeUndefined();
  });

  it("reads a reader's lag from its gauges in base units", () => {
    expect(readerLag(parsePrometheusText(scrape(0, 0, 0)))).toEqual({ ms: 250, revisions: 3 });
  });

  it('reaches a metrics listener on a wildcard host at the host of the process', () => {
    expect(metricsUrl('0.0.0.0:9100', '10.1.2.3:7000')).toBe('http://10.1.2.3:9100/metrics');
    expect(metricsUrl('127.0.0.1:9101', '127.0.0.1:7101')).toBe('http://127.0.0.1:9101/metrics');
    expect(metricsUrl('[::]:9100', '[fd00::1]:7000')).toBe('http://[fd00::1]:9100/metrics');
  });
});

describe('throughput and latency from counters', () => {
  it('takes KV ops only, summing status codes', () => {
    expect(opOf('KV/Range')).toBe('Range');
    expect(opOf('Cluster/Status')).toBeUndefined();
    const totals = opTotals(parsePrometheusText(scrape(10, 8, 2)));
    expect([...totals.keys()]).toEqual(['Put']);
    expect(totals.get('Put')!.requests).toBe(11);
  });

  it('turns two scrapes into a rate and a p99, and a restart into a fresh count', () => {
    const before = opTotals(parsePrometheusText(scrape(10, 8, 2)));
    const after = opTotals(parsePrometheusText(scrape(110, 58, 52)));
    const delta = opDelta(before, after);
    expect(delta.get('Put')!.requests).toBe(100);
    const rates = new Map();
    addRates(rates, delta, 2);
    expect(rates.get('Put').requests).toBe(50);
    // 50 of 100 under 1 ms, the other 50 in (1 ms, 10 ms]: p99 is near 10 ms.
    expect(bucketQuantile(delta.get('Put')!.buckets, 0.99)! * 1_000).toBeCloseTo(9.82, 2);
    expect(bucketQuantile(delta.get('Put')!.buckets, 0.5)! * 1_000).toBeCloseTo(1, 5);
    const restarted = opDelta(after, opTotals(parsePrometheusText(scrape(4, 3, 1))));
    expect(restarted.get('Put')!.requests).toBe(5);
  });

  it('has no quantile without requests, and refuses a quantile outside [0, 1]', () => {
    expect(bucketQuantile(new Map([[0.1, 0], [Infinity, 0]]), 0.99)).toBeUndefined();
    expect(() => bucketQuantile(new Map(), 1.5)).toThrow(/quantile/);
  });

  it('keeps at most MAX_POINTS points a series, with a zero for an op that went quiet', () => {
    const series = new EndpointSeries('cluster', 'writer nodes');
    const busy = opDelta(undefined, opTotals(parsePrometheusText(scrape(10, 10, 0))));
    for (let i = 0; i < MAX_POINTS + 10; i++) series.record(1_000 * i, i === MAX_POINTS + 9 ? new Map() : busy, 'writer nodes: w1');
    const view = series.view();
    expect(view.throughput[0].points).toHaveLength(MAX_POINTS);
    expect(view.throughput[0].points.at(-1)).toEqual([1_000 * (MAX_POINTS + 9), 0]);
    expect(view.totalPerSecond).toBe(0);
    expect(view.latencyP99Ms[0].points).toHaveLength(MAX_POINTS);
    expect(view.servedBy).toBe('writer nodes: w1');
  });
});
