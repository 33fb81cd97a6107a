import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { CLI_BIN, PACKAGE_ROOT } from '../../src/proto/root.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// Every client command against a real cluster in each --output format: json and yaml carry the
// same result, table is for people. Also what `status` reports of every process.

const run = promisify(execFile);
const VERSION = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;

describe('--output table|json|yaml against a cluster', () => {
  let cluster: LocalCluster;
  let dir: string;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1, readers: 1 });
    dir = mkdtempSync(join(tmpdir(), 'quorumkv-output-'));
  }, 60_000);

  afterAll(async () => {
    if (cluster) await stopTestCluster(cluster);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, QUORUMKV_ENDPOINT: cluster.topology.gateway.listen }, timeout: 30_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  /** The command run three times, in this order: its result as JSON, as YAML (one document), and as table text. */
  async function inEveryFormat(...args: string[]): Promise<{ json: Record<string, unknown>; yaml: Record<string, unknown>; table: string }> {
    const json = await cli(...args, '--output', 'json');
    const yaml = await cli(...args, '-o', 'yaml');
    const table = await cli(...args);
    for (const r of [json, yaml, table]) expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    const docs = parseAllDocuments(yaml.stdout);
    expect(docs, yaml.stdout).toHaveLength(1);
    return { json: JSON.parse(json.stdout), yaml: docs[0].toJS(), table: table.stdout };
  }

  const keysOf = (o: Record<string, unknown>) => Object.keys(o).sort();

  it('put, get, add, del and txn give one result in every format', async () => {
    const put = await inEveryFormat('put', 'out/a', 'hello');
    expect(put.json.revision).toBeGreaterThan(1);
    expect(put.yaml.revision).toBeGreaterThan(1);
    expect(keysOf(put.yaml)).toEqual(keysOf(put.json));
    expect(put.table.trim()).toBe('OK');

    const get = await inEveryFormat('get', 'out/a');
    expect(get.yaml).toEqual(get.json);
    expect((get.json.kvs as Array<{ key: string; value: string }>)[0]).toMatchObject({ key: 'out/a', value: 'hello' });
    expect(get.table.trim()).toBe('hello');

    const add = await inEveryFormat('add', 'out/n', '5');
    expect(keysOf(add.yaml)).toEqual(['revision', 'value']);
    expect([add.json.value, add.yaml.value, Number(add.table)]).toEqual([5, 10, 15]);

    const txnFile = join(dir, 'txn.json');
    writeFileSync(txnFile, JSON.stringify({ success: [{ put: { key: 'out/t', value: 'x' } }, { get: { key: 'out/a' } }] }));
    const txn = await inEveryFormat('txn', '--file', txnFile);
    expect(txn.json).toMatchObject({ outcome: 'committed', succeeded: true, responses: [{ put: 'ok' }, { get: [{ key: 'out/a', value: 'hello' }] }] });
    expect(keysOf(txn.yaml)).toEqual(keysOf(txn.json));
    expect(txn.table).toMatch(/^committed at revision \d+\nput: ok\nget: out\/a=hello \(mod \d+\)\n$/);

    const missing = await cli('get', 'out/none', '-o', 'yaml');
    expect(missing.code).toBe(1);
    expect(parseYaml(missing.stdout)).toMatchObject({ count: 0, kvs: [] });

    const del = await inEveryFormat('del', 'out/', '--prefix');
    expect([del.json.deleted, del.yaml.deleted, del.table.trim()]).toEqual([3, 0, '0']);
  }, 90_000);

  it('members and status give one result in every format, and status shows version, db size, learner, raft index and lag', async () => {
    const members = await inEveryFormat('members', 'list');
    expect(members.yaml).toEqual(members.json);
    expect(members.json.members).toHaveLength(3);
    expect(members.table).toMatch(/^ID\s+ADDRESS\s+ROLE\s+MATCH\s+LEADER\n/);

    const status = await inEveryFormat('status');
    type Row = Record<string, unknown> & { role: string; id: string };
    const rows = status.json.members as Row[];
    const yamlRows = status.yaml.members as Row[];
    expect(yamlRows.map((r) => `${r.role}/${r.id}`).sort()).toEqual(rows.map((r) => `${r.role}/${r.id}`).sort());
    expect(rows.map((r) => r.role).sort()).toEqual(['gateway', 'reader', 'storage', 'storage', 'storage', 'writer']);
    for (const row of rows) expect(row.version, row.id).toBe(VERSION);
    for (const storage of rows.filter((r) => r.role === 'storage')) {
      expect(storage.learner).toBe(false);
      expect(storage.dbSizeBytes).toBeGreaterThan(0);
      expect(storage.commitIndex).toBeGreaterThan(0);
      expect(storage.lagEntries).toBeGreaterThanOrEqual(0);
    }
    const reader = rows.find((r) => r.role === 'reader')!;
    expect(reader.lagRevisions).toBeGreaterThanOrEqual(0);
    expect(reader.lagMs).toBeGreaterThanOrEqual(0);

    const [header, ...lines] = status.table.trimEnd().split('\n');
    expect(header).toMatch(/^ROLE\s+ID\s+ADDRESS\s+VERSION\s+PID\s+ZONE\s+LEADER\s+LEARNER\s+TERM\s+RAFT INDEX\s+APPLIED\s+LAG\s+DB SIZE\s+HASH@REV\s+HEALTHY$/);
    const storageLines = lines.filter((l) => l.startsWith('storage'));
    expect(storageLines).toHaveLength(3);
    for (const line of storageLines) expect(line).toMatch(new RegExp(`${VERSION.replace(/\./g, '\\.')} .* (yes|no) +no +\\d+ +\\d+ +\\d+ +\\d+ entries.* [\\d.]+ [kMG]?B +- +yes$`));
    expect(lines.find((l) => l.startsWith('reader'))).toMatch(/\d+ rev, \d+ ms/);
  }, 60_000);

  it('watch prints one JSON object a line, or one YAML document an event', async () => {
    for (const format of ['json', 'yaml']) {
      const watcher = spawn(process.execPath, [CLI_BIN, 'watch', `w-${format}/`, '--output', format], { env: { ...process.env, QUORUMKV_ENDPOINT: cluster.topology.gateway.listen } });
      let stdout = '';
      watcher.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      try {
        const events = async () => (format === 'json' ? stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)) : parseAllDocuments(stdout).map((d) => d.toJS()));
        // The watch starts when its stream is open; keep writing until events arrive, bounded.
        for (let i = 0; i < 100 && (await events()).length < 2; i++) {
          expect((await cli('put', `w-${format}/k`, `v${i}`)).code).toBe(0);
        }
        const seen = await events();
        expect(seen.length).toBeGreaterThanOrEqual(2);
        expect(seen[0]).toMatchObject({ type: 'PUT', key: `w-${format}/k` });
        expect(seen[0].revision).toBe(seen[0].modRevision);
      } finally {
        watcher.kill('SIGTERM');
      }
    }
  }, 90_000);
});
