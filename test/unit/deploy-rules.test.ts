import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/proto/root.js';

const run = promisify(execFile);
const RULES = join(PACKAGE_ROOT, 'deploy', 'prometheus', 'alerts.yaml');

describe('the Prometheus alert rules in deploy/', () => {
  it('load in promtool', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', RULES]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('fire as alerts.test.yaml expects in promtool\'s rule tests (hash mismatch at one revision, no leader, member down)', async () => {
    const { stdout } = await run('promtool', ['test', 'rules', join(PACKAGE_ROOT, 'deploy', 'prometheus', 'alerts.test.yaml')]);
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('alert on no leader, fsync latency, replica lag, hash mismatch, members down and failing proposals, using metrics quorumkv exports', () => {
    const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> }).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['QuorumkvNoLeader', 'QuorumkvHighFsyncLatency', 'QuorumkvReplicaLag', 'QuorumkvHashMismatch', 'QuorumkvMemberDown', 'QuorumkvFailingProposals']));
    const exported = readFileSync(join(PACKAGE_ROOT, 'src', 'observability', 'metrics.ts'), 'utf8');
    for (const rule of rules) {
      for (const name of rule.expr.match(/\b(?:quorumkv|etcd)_[a-z_]+/g) ?? []) {
        expect(exported, `${rule.alert} uses ${name}`).toContain(`'${name.replace(/_bucket$/, '')}'`);
      }
    }
  });
});
