import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCommandLine } from '../../src/cli/parse.js';
import { makeCerts, TLS_FILE_FLAGS, underMounts } from './certs.js';
import { entrypoint, loadDockerfile } from './dockerfile.js';
import { flag } from './pods.js';
import { REPO_ROOT } from './render.js';

// deploy/Dockerfile and deploy/compose.yaml, read statically: no container engine runs here.

describe('deploy/Dockerfile', () => {
  const stages = loadDockerfile();
  const final = stages[stages.length - 1];

  it('is multi-stage: builds with npm ci and npm run build, runs with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runs = (stage: typeof final) => stage.instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
    expect(stages.some((s) => /npm ci\b/.test(runs(s)) && /npm run build/.test(runs(s)))).toBe(true);
    expect(stages.some((s) => /npm ci\b.*--omit=dev/.test(runs(s)))).toBe(true);
    expect(runs(final), 'nothing is built in the runtime stage').not.toMatch(/npm (ci|install|run)/);
    const copiedFrom = final.instructions.filter((i) => i.op === 'COPY' && /--from=/.test(i.args)).map((i) => /--from=(\S+)/.exec(i.args)![1]);
    for (const source of copiedFrom) expect(stages.map((s) => s.name), `COPY --from=${source}`).toContain(source);
    const devStage = stages.find((s) => /npm run build/.test(runs(s)))!;
    expect(copiedFrom, 'the build stage (with dev dependencies) gives only dist/').toContain(devStage.name);
    expect(final.instructions.find((i) => i.op === 'COPY' && i.args.includes(`--from=${devStage.name}`))?.args).toMatch(/dist/);
  });

  it('runs as a numeric non-root user', () => {
    const user = final.instructions.filter((i) => i.op === 'USER').pop()?.args;
    expect(user).toBeDefined();
    expect(user).toMatch(/^[0-9]+(:[0-9]+)?$/);
    expect(user!.split(':')[0]).not.toBe('0');
  });

  it("ENTRYPOINT runs the package's quorumkv bin", () => {
    const bin = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).bin.quorumkv as string;
    expect(entrypoint(stages)).toEqual(['node', `/app/${bin}`]);
    const workdir = final.instructions.filter((i) => i.op === 'WORKDIR').pop()?.args;
    expect(workdir).toBe('/app');
  });

  it('copies only files that exist in the repository (and the runtime gets proto/ and the local topology)', () => {
    const sources = stages.flatMap((s) => s.instructions.filter((i) => i.op === 'COPY' && !i.args.includes('--from=')))
      .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
    const finalSources = final.instructions.filter((i) => i.op === 'COPY').map((i) => i.args).join('\n');
    for (const needed of ['proto', 'deploy/local.yaml', 'package.json', 'node_modules']) expect(finalSources).toContain(needed);
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync(join(REPO_ROOT, 'deploy', 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, any> };
  const services = Object.entries(compose.services);
  const role = (args: string[]) => (args[0] === 'node' ? flag(args, 'mode')! : args[0]);

  it('is a 3-zone topology: 3 storage members in 3 zones, 2 writers, 1 reader, a gateway with both endpoints', () => {
    const roles = services.map(([, s]) => role(s.command));
    expect(roles.sort()).toEqual(['gateway', 'reader', 'storage', 'storage', 'storage', 'writer', 'writer']);
    const zones = new Set(services.filter(([, s]) => s.command[0] === 'storage').map(([, s]) => flag(s.command, 'zone')));
    expect(zones.size).toBe(3);
    const gateway = services.find(([, s]) => s.command[0] === 'gateway')![1];
    expect(flag(gateway.command, 'reader-listen')).toBeDefined();
  });

  // The certificate folders the services mount from deploy/certs, made by k8s/make-certs.sh.
  let certsDir: string;
  beforeAll(() => {
    certsDir = makeCerts(mkdtempSync(join(tmpdir(), 'quorumkv-compose-certs-')), 'compose');
  });
  afterAll(() => rmSync(certsDir, { recursive: true, force: true }));
  /** Container path → the deploy/certs folder mounted there. */
  const certMounts = (service: any) =>
    new Map<string, string>(
      (service.volumes ?? [])
        .map((v: string) => v.split(':'))
        .filter(([from]: string[]) => from.startsWith('./certs/'))
        .map(([from, to]: string[]) => [to, from.slice('./certs/'.length)]),
    );

  it('every service runs the one image as non-root, read-only, with its command accepted by the real parser', () => {
    for (const [name, service] of services) {
      expect(service.image, name).toBe('quorumkv:0.1.0');
      expect(service.build.dockerfile, name).toBe('deploy/Dockerfile');
      expect(service.user, name).not.toMatch(/^0(:|$)/);
      expect(service.read_only, name).toBe(true);
      const local = new Map([...certMounts(service)].map(([to, folder]) => [to, join(certsDir, folder)]));
      expect(() => parseCommandLine(underMounts(service.command, local)), name).not.toThrow();
    }
  });

  it('no service runs in plaintext: TLS files from its role\'s certificate folder, client certificates required at the endpoints', () => {
    for (const [name, service] of services) {
      const args = service.command as string[];
      expect(args.filter((a) => a.startsWith('--insecure')), name).toEqual([]);
      const mounts = certMounts(service);
      for (const flagName of TLS_FILE_FLAGS) {
        const file = flag(args, flagName);
        const mount = file && [...mounts.keys()].find((m) => file.startsWith(`${m}/`));
        expect(mount && mounts.get(mount), `${name}: --${flagName} ${file}`).toBe(`quorumkv-${role(args)}-tls`);
      }
      if (role(args) !== 'storage') expect(args, name).toContain('--client-cert-auth');
    }
  });

  it('every address names a service of the file, and nodes register an address the others can reach', () => {
    const names = new Set(services.map(([name]) => name));
    for (const [name, service] of services) {
      for (const list of [flag(service.command, 'peers'), flag(service.command, 'storage')].filter(Boolean)) {
        for (const item of list!.split(',')) expect(names, `${name}: ${item}`).toContain(item.split('=')[1].split(':')[0]);
      }
      if (service.command[0] === 'node') expect(flag(service.command, 'listen')!.split(':')[0], name).toBe(name);
      if (service.command[0] === 'storage') expect(flag(service.command, 'peers')!.split(',').map((p) => p.split('=')[0]), name).toContain(flag(service.command, 'id'));
    }
  });
});

describe('k8s/prometheus/scrape-config.yaml', () => {
  it('keeps annotated quorumkv pods and scrapes the annotated port', () => {
    const config = parse(readFileSync(join(REPO_ROOT, 'k8s', 'prometheus', 'scrape-config.yaml'), 'utf8'));
    const job = config.scrape_configs.find((j: any) => j.job_name === 'quorumkv');
    const rules = job.relabel_configs as Array<{ source_labels?: string[]; action?: string; target_label?: string }>;
    expect(rules.some((r) => r.action === 'keep' && r.source_labels?.includes('__meta_kubernetes_pod_annotation_prometheus_io_scrape'))).toBe(true);
    expect(rules.some((r) => r.target_label === '__address__' && r.source_labels?.includes('__meta_kubernetes_pod_annotation_prometheus_io_port'))).toBe(true);
  });
});
