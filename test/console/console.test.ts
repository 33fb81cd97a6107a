import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import { CLI_ENTRY, PACKAGE_ROOT } from '../../src/proto/root.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// The console in a real browser (Debian's chromium, headless) against a cluster of real
// processes: 3 storage members, 2 writers, 1 reader and the gateway that serves the page. One
// browser and one cluster for the whole file; the tests run in order and the last ones kill
// storage members. Screenshots go to test-artifacts/console/ (not committed).

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(PACKAGE_ROOT, 'test-artifacts', 'console');
const NEW_LEADER_BOUND_MS = 3_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

describe('the web console', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const requested: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = mkdtempSync(join(tmpdir(), 'quorumkv-console-browser-'));
    cluster = await startTestCluster({ storage: 3, writers: 2, readers: 1 });
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1440, height: 1000 } });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 15_000 });
    context.on('request', (request) => requested.push(request.url()));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    await page.goto(`http://${cluster.topology.gateway.metrics}/`);
  }, 90_000);

  afterAll(async () => {
    client?.close();
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    if (cluster) await stopTestCluster(cluster);
  }, 60_000);

  const leaderOnPage = () => page.locator('[data-testid=storage-row][data-leader=true]');

  it('shows 3 storage members with exactly one leader, the endpoints and every process by zone', async () => {
    // One snapshot: three healthy members, exactly one of them the leader.
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('[data-testid=storage-row]')];
        return rows.length === 3 && rows.every((r) => r.getAttribute('data-healthy') === 'true') && rows.filter((r) => r.getAttribute('data-leader') === 'true').length === 1;
      },
      undefined,
      { timeout: 15_000, polling: 100 },
    );
    await page.locator('[data-testid=cluster-state][data-state=healthy]').waitFor({ timeout: 15_000 });
    // db size comes from each member's own metrics.
    await expect.poll(() => page.locator('[data-testid=db-size]').allTextContents(), { timeout: 5_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/[0-9.]+ (B|KiB|MiB)/)]));
    const cluster_ = await page.locator('[data-testid=endpoint-cluster]').innerText();
    expect(cluster_).toContain(cluster.topology.gateway.listen);
    // Health checks on a loaded machine can miss one; the page follows the gateway's view.
    await expect.poll(() => page.locator('[data-testid=endpoint-cluster] [data-testid=balanced-node]').allTextContents(), { timeout: 10_000 }).toEqual(['w1', 'w2']);
    await expect.poll(() => page.locator('[data-testid=endpoint-reader] [data-testid=balanced-node]').allTextContents(), { timeout: 10_000 }).toEqual(['r1']);
    expect(await page.locator('[data-testid=zone-storage]').count()).toBe(3);
    expect(await page.locator('[data-zone=zone-a] [data-testid=zone-reader]').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid=reader-lag]').innerText(), { timeout: 5_000 }).toMatch(/ms|s$/);
    await page.screenshot({ path: join(ARTIFACTS, 'healthy.png'), fullPage: true });
  }, 40_000);

  it('finds a key that was just written and shows its history by revision', async () => {
    const revisions: number[] = [];
    for (const value of ['first', 'second', 'third']) revisions.push((await client.put('console-test/greeting', value)).header!.revision);
    await page.fill('[data-testid=key-prefix]', 'console-test/');
    await page.click('[data-testid=key-search]');
    await page.locator('[data-testid=key-item][data-key="console-test/greeting"]').click();
    await page.locator('[data-testid=key-version]').nth(2).waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=key-value]').innerText()).toBe('third');
    const shown = await page.locator('[data-testid=key-version]').evaluateAll((rows) => rows.map((r) => [Number(r.getAttribute('data-revision')), r.lastElementChild?.textContent]));
    expect(shown).toEqual([
      [revisions[2], 'third'],
      [revisions[1], 'second'],
      [revisions[0], 'first'],
    ]);
  }, 60_000);

  it('refuses bad input to its read-only calls with a message', async () => {
    const base = `http://${cluster.topology.gateway.metrics}`;
    const noKey = await fetch(`${base}/api/key?key=`);
    expect([noKey.status, await noKey.json()]).toEqual([400, { error: 'give a key' }]);
    const badLimit = await fetch(`${base}/api/keys?prefix=a&limit=0`);
    expect(badLimit.status).toBe(400);
    expect((await badLimit.json()).error).toMatch(/limit must be 1 to 500/);
    const post = await fetch(`${base}/api/keys`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect((await fetch(`${base}/no-such-page`)).status).toBe(404);
  });

  it('shows throughput rise while a bench runs', async () => {
    const throughput = () => page.locator('[data-testid=throughput-cluster]').getAttribute('data-value').then(Number);
    const before = await throughput();
    // Bounded: 6 s of puts from 8 clients. Its own exit status is the bench's business (a slow
    // shared machine can time some requests out); what matters here is what the page shows.
    const bench = promisify(execFile)(process.execPath, [CLI_ENTRY, 'bench', 'put', `--endpoint=${cluster.topology.gateway.listen}`, '--duration=8s', '--warmup=0s', '--clients=8', '--keys=1000', '--json'], { timeout: 30_000 })
      .then(({ stdout }) => stdout, (error: { stdout?: string }) => error.stdout ?? '');
    try {
      // A loaded machine can take seconds to answer a put, and a node counts a request once answered.
      await expect.poll(throughput, { timeout: 20_000, interval: 250 }).toBeGreaterThan(Math.max(1, before * 2));
      expect(await page.locator('[data-testid=chart-throughput-cluster] polyline').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(ARTIFACTS, 'under-load.png'), fullPage: true });
    } finally {
      process.stdout.write(`bench during the throughput test: ${(await bench).trim().slice(0, 300)}\n`);
    }
  }, 40_000);

  it('shows the new leader within 3 s of killing the leader, and the cluster as degraded', async () => {
    const oldLeader = (await leaderOnPage().getAttribute('data-member'))!;
    await cluster.signal(oldLeader, 'SIGKILL');
    const killedAt = Date.now();
    await page.waitForFunction(
      (old) => {
        const leaders = [...document.querySelectorAll('[data-testid=storage-row][data-leader=true]')];
        return leaders.length === 1 && leaders[0].getAttribute('data-member') !== old;
      },
      oldLeader,
      { timeout: NEW_LEADER_BOUND_MS, polling: 50 },
    );
    process.stdout.write(`console showed a new leader ${Date.now() - killedAt} ms after ${oldLeader} was killed\n`);
    await page.locator('[data-testid=cluster-state][data-state=degraded]').waitFor({ timeout: 3_000 });
    expect(await page.locator(`[data-testid=storage-row][data-member=${oldLeader}]`).getAttribute('data-healthy')).toBe('false');
    await page.locator('[data-testid=history-event][data-kind=failover]').first().waitFor({ timeout: 3_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'degraded.png'), fullPage: true });
  }, 20_000);

  it('shows the cluster as broken when no leader is left', async () => {
    const leader = (await leaderOnPage().getAttribute('data-member'))!;
    await cluster.signal(leader, 'SIGKILL');
    await page.locator('[data-testid=cluster-state][data-state=broken]').waitFor({ timeout: 10_000 });
    expect(await leaderOnPage().count()).toBe(0);
    expect(await page.locator('[data-testid=reasons]').innerText()).toContain('no storage leader');
    await page.screenshot({ path: join(ARTIFACTS, 'broken.png'), fullPage: true });
  }, 20_000);

  it('logged no error in the browser console and made no request off loopback', () => {
    expect(consoleErrors).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !LOOPBACK_HOSTS.has(new URL(url).hostname))).toEqual([]);
  });
});
