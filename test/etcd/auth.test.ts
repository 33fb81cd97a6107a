import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster } from '../support/local-cluster.js';
import { etcdctl } from './etcdctl.js';

// Users, roles and key-range permissions through etcdctl, as an etcd operator sets them up. The
// test cluster's client certificate names the user "root" (its common name), so etcdctl without
// --user acts as root once authentication is on; `--user alice:…` authenticates with a password
// and sends a token instead.

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ storage: 1, writers: 2 });
}, 120_000);

afterAll(async () => {
  if (cluster) await stopTestCluster(cluster);
}, 30_000);

const ALICE = ['--user=alice:alice-password'];

/** Runs etcdctl until it fails (a change made through another node takes up to a second to reach this one); returns its error. */
async function untilRefused(endpoint: string, args: string[]): Promise<string> {
  const deadline = Date.now() + 10_000;
  let result = await etcdctl(endpoint, args);
  while (result.code === 0 && Date.now() < deadline) result = await etcdctl(endpoint, args);
  expect(result.code, `etcdctl ${args.join(' ')} kept succeeding`).not.toBe(0);
  return result.stderr;
}

describe('authentication and key-range permissions', { timeout: 60_000 }, () => {
  let endpoint: string;
  const ctl = async (...args: string[]) => {
    const result = await etcdctl(endpoint, args);
    expect(result.code, `etcdctl ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const refused = async (...args: string[]) => {
    const result = await etcdctl(endpoint, args);
    expect(result.code, `etcdctl ${args.join(' ')} should fail: ${result.stdout}`).not.toBe(0);
    return result.stderr;
  };

  it('sets up users and roles while authentication is off, then enables it', async () => {
    endpoint = cluster.topology.writers[0].listen;
    await ctl('user', 'add', 'root:root-password');
    await ctl('role', 'add', 'root');
    await ctl('user', 'grant-role', 'root', 'root');
    await ctl('role', 'add', 'app-reader');
    await ctl('role', 'grant-permission', 'app-reader', 'read', 'app/', '--prefix=true');
    await ctl('role', 'add', 'app-writer');
    await ctl('role', 'grant-permission', 'app-writer', 'readwrite', 'app/w/', '--prefix=true');
    await ctl('user', 'add', 'alice:alice-password');
    await ctl('user', 'grant-role', 'alice', 'app-reader');
    await ctl('user', 'grant-role', 'alice', 'app-writer');
    expect(await refused('user', 'add', 'alice:again')).toMatch(/user name already exists/);
    expect(await refused('user', 'grant-role', 'alice', 'nope')).toMatch(/role name not found/);
    expect(await ctl('user', 'get', 'alice')).toMatch(/Roles: app-reader app-writer/);
    expect(await ctl('role', 'get', 'app-writer')).toMatch(/\[app\/w\/, app\/w0\) \(prefix app\/w\/\)/);
    expect(await ctl('user', 'list')).toBe('alice\nroot\n');
    await ctl('put', 'app/config', 'v1');
    await ctl('put', 'secret', 's1');
    expect(await ctl('auth', 'enable')).toMatch(/Authentication Enabled/);
  });

  for (const via of ['writer', 'gateway'] as const) {
    it(`checks every call against the caller's roles, through the ${via}`, async () => {
      endpoint = via === 'writer' ? cluster.topology.writers[1].listen : cluster.topology.gateway.listen;
      // The other writer sees the change made through the first within its next read of the records.
      await untilRefused(endpoint, [...ALICE, 'get', 'secret']);
      // root, by its client certificate
      expect(await ctl('get', 'secret', '--print-value-only')).toBe('s1\n');
      // alice, by password and token
      expect(await ctl(...ALICE, 'get', 'app/config', '--print-value-only')).toBe('v1\n');
      expect(await ctl(...ALICE, 'put', `app/w/${via}`, 'x')).toBe('OK\n');
      expect(await refused(...ALICE, 'put', 'app/config', 'v2')).toMatch(/etcdserver: permission denied/);
      expect(await refused(...ALICE, 'get', 'secret')).toMatch(/etcdserver: permission denied/);
      expect(await refused(...ALICE, 'get', '', '--from-key')).toMatch(/etcdserver: permission denied/);
      expect(await refused(...ALICE, 'del', 'app/config')).toMatch(/etcdserver: permission denied/);
      // A transaction is checked whole: its compare reads a key alice may not read.
      const txn = await etcdctl(endpoint, [...ALICE, 'txn'], 'value("secret") = "s1"\n\nput app/w/t yes\n\n\n');
      expect(txn.stderr).toMatch(/etcdserver: permission denied/);
      // A watch over a range alice may not read is cancelled with etcd's reason.
      const watch = await etcdctl(endpoint, [...ALICE, 'watch', 'secret']);
      expect(`${watch.stdout}${watch.stderr}`).toMatch(/permission denied/);
      expect(await refused(...ALICE, 'user', 'add', 'bob:pw')).toMatch(/etcdserver: permission denied/);
      expect(await refused(...ALICE, 'compaction', '1')).toMatch(/etcdserver: permission denied/);
      expect(await refused('--user=alice:wrong', 'get', 'app/config')).toMatch(/authentication failed, invalid user ID or password/);
      // Revoking a lease deletes its keys: alice may not, once one of them is not hers to write.
      const granted = await ctl(...ALICE, 'lease', 'grant', '600');
      const lease = /lease ([0-9a-f]+) granted/.exec(granted)![1];
      await ctl(...ALICE, 'put', `app/w/leased-${via}`, 'x', `--lease=${lease}`);
      await ctl('put', `leased-secret-${via}`, 'x', `--lease=${lease}`);
      expect(await refused(...ALICE, 'lease', 'revoke', lease)).toMatch(/etcdserver: permission denied/);
      expect(await ctl('lease', 'revoke', lease)).toMatch(/revoked/);
      // The auth records themselves are out of every client's reach, root's too.
      expect(await ctl('get', '', '--from-key', '--keys-only')).not.toMatch(/auth\//);
    });
  }

  it('keeps the web console\'s key browser from reading as anyone while authentication is on', async () => {
    const keys = await fetch(`http://${cluster.topology.gateway.metrics}/api/keys?prefix=app/`);
    expect(keys.status).toBe(503);
    expect(((await keys.json()) as { error: string }).error).toMatch(/authentication is enabled/);
  });

  it('takes a revoked permission away on every node', async () => {
    endpoint = cluster.topology.writers[0].listen;
    await ctl('role', 'revoke-permission', 'app-reader', 'app/', '--prefix=true');
    endpoint = cluster.topology.writers[1].listen;
    expect(await untilRefused(endpoint, [...ALICE, 'get', 'app/config'])).toMatch(/etcdserver: permission denied/);
    expect(await ctl(...ALICE, 'get', 'app/w/writer', '--print-value-only')).toBe('x\n');
  });

  it('lets root turn authentication off again', async () => {
    expect(await refused('user', 'delete', 'root')).toMatch(/invalid auth management/);
    expect(await ctl('auth', 'disable')).toMatch(/Authentication Disabled/);
    expect(await ctl('get', 'secret', '--print-value-only')).toBe('s1\n');
    // Every node sees the change within its next read of the auth records.
    const browse = () => fetch(`http://${cluster.topology.gateway.metrics}/api/keys?prefix=app/`).then((r) => r.status);
    const deadline = Date.now() + 10_000;
    let status = await browse();
    while (status !== 200 && Date.now() < deadline) status = await browse();
    expect(status).toBe(200);
  });
});
