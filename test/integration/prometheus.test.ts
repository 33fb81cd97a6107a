import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { connect } from '../../src/client/index.js';
import { parsePrometheusText } from '../../src/console/prom-text.js';
import { PACKAGE_ROOT } from '../../src/proto/root.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, freePorts, processLogs, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// A real Prometheus (Debian's package) scrapes every process of a running cluster, and its HTTP
// API answers queries; the Grafana dashboard in deploy/ names only metrics the processes export,
// and every one of its queries is valid PromQL that this Prometheus evaluates.

const DASHBOARD = join(PACKAGE_ROOT, 'deploy', 'grafana', 'quorumkv-overview.json');

interface Panel {
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ expr: string; refId: string }>;
}

describe('Prometheus scraping a cluster, and the Grafana dashboard', () => {
  let cluster: LocalCluster;
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';
  let api: string;
  let dir: string;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1, readers: 1 });
    const client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000 });
    try {
      for (let i = 0; i < 20; i++) await client.put(`prom/${i}`, String(i));
      await client.get('prom/1');
    } finally {
      client.close();
    }
    dir = mkdtempSync(join(tmpdir(), 'quorumkv-prometheus-'));
    const [port] = await freePorts(1);
    api = `http://127.0.0.1:${port}`;
    const t = cluster.topology;
    const targets = [...t.storage, ...t.writers, ...t.readers, t.gateway].map((p) => p.metrics);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(PACKAGE_ROOT, 'deploy', 'prometheus', 'alerts.yaml')],
        scrape_configs: [{ job_name: 'quorumkv', static_configs: [{ targets }] }],
      }),
    );
    prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stdout!.on('data', (c: Buffer) => (prometheusLog += c.toString()));
    prometheus.stderr!.on('data', (c: Buffer) => (prometheusLog += c.toString()));
    await eventually(30_000, async () => {
      if (prometheus!.exitCode !== null) throw new Error(`prometheus exited: ${prometheusLog}`);
      const ready = await fetch(`${api}/-/ready`);
      if (!ready.ok) throw new Error(`not ready: ${ready.status}`);
    }, 100);
  }, 90_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    if (cluster) await stopTestCluster(cluster);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  async function query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; error?: string; data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  }

  it('scrapes every process (up == 1) and answers that every storage member has a leader and agrees on the state hash', async () => {
    const processes = cluster.names.length;
    await eventually(30_000, async () => {
      const up = await query('up{job="quorumkv"} == 1');
      if (up.length !== processes) throw new Error(`${up.length} of ${processes} targets up: ${JSON.stringify(await query('up'))}`);
    }, 250).catch((error: Error) => {
      throw new Error(`${error.message}\n${prometheusLog}\n${processLogs(cluster)}`);
    });
    const hasLeader = await query('etcd_server_has_leader{role="storage"} == 1');
    expect(hasLeader.map((r) => r.metric.member).sort()).toEqual(['s1', 's2', 's3']);
    expect((await query('sum(quorumkv_raft_is_leader{role="storage"})'))[0].value[1]).toBe('1');
    // Every member reports its hash at the same checkpoint, and they agree: the mismatch alert's expression is empty.
    await eventually(30_000, async () => {
      const hashes = await query('count_values by (revision) ("hash", quorumkv_storage_state_hash)');
      if (hashes.length !== 1 || hashes[0].value[1] !== '3') throw new Error(`hashes: ${JSON.stringify(hashes)}`);
    }, 250);
    expect(await query('count by (job, revision) (count_values by (job, revision) ("hash", quorumkv_storage_state_hash)) > 1')).toEqual([]);
  }, 60_000);

  it('the dashboard is a Grafana dashboard whose queries name exported metrics and evaluate in Prometheus', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { title: string; uid: string; schemaVersion: number; panels: Panel[]; templating: { list: Array<{ name: string }> } };
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(30);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'job']);
    const ids = dashboard.panels.map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      if (panel.type !== 'row') expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join('\n');
    for (const topic of ['leader', 'proposals', 'fsync', 'request rate', 'latency', 'replica lag', 'members up']) expect(titles, topic).toContain(topic);

    // Every metric every process exports, as scraped now.
    const t = cluster.topology;
    const exported = new Set<string>();
    for (const spec of [...t.storage, ...t.writers, ...t.readers, t.gateway]) {
      for (const sample of parsePrometheusText(await (await fetch(`http://${spec.metrics}/metrics`)).text())) exported.add(sample.name);
    }
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((target) => target.expr);
    for (const expr of exprs) {
      for (const name of expr.match(/\b(?:quorumkv|etcd)_[a-z_]+/g) ?? []) expect(exported.has(name), `${name} (in ${expr})`).toBe(true);
    }
    // Grafana's variables as Grafana would fill them in; then Prometheus must accept every query.
    for (const expr of exprs) {
      await expect(query(expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', '.*')), expr).resolves.toBeInstanceOf(Array);
    }
    // And a panel shows data: the storage members' leader flags.
    expect((await query('max by (member) (quorumkv_raft_is_leader{job=~".*", role="storage"})')).length).toBe(3);
  }, 60_000);
});
