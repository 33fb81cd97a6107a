import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from '../../src/proto/root.js';
import { freePorts } from '../../src/up/loopback-topology.js';

// What a client command loads decides how long `quorumkv get` takes (docs/BENCHMARKS.md): no
// .proto parsing, no proto-loader, none of the servers' packages. A loader hook records every
// module the CLI resolves.

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'quorumkv-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function modulesLoadedBy(...args: string[]): Promise<string[]> {
  const out = join(dir, `modules-${args[0]}.txt`);
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(out)}, r.url + '\\n'); return r; }\n`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  writeFileSync(out, '');
  await run(process.execPath, ['--import', pathToFileURL(register).href, CLI_ENTRY, ...args], { timeout: 30_000 }).catch(() => undefined);
  return readFileSync(out, 'utf8').split('\n').filter(Boolean);
}

const packageOf = (url: string) => url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/);

describe('what a client command loads', () => {
  it('get loads gRPC and protobufjs\'s light build, and no proto-loader, .proto parser, YAML, LevelDB, metrics or logger', async () => {
    const [port] = await freePorts(1);
    const urls = await modulesLoadedBy('get', 'k', `--endpoint=127.0.0.1:${port}`, '--timeout-ms=200');
    const packages = new Set(urls.map((u) => packageOf(u)?.[1]).filter(Boolean));
    expect(packages).toContain('@grpc/grpc-js');
    for (const heavy of ['@grpc/proto-loader', 'yaml', 'level', 'classic-level', 'prom-client', 'pino', '@grpc/reflection']) expect(packages, heavy).not.toContain(heavy);
    const protobufFiles = urls.map(packageOf).filter((m) => m?.[1] === 'protobufjs').map((m) => m![2]);
    expect(protobufFiles).toContain('light.js');
    expect(protobufFiles).not.toContain('index.js');
    // Command lines are checked with the servers' option parsers; the servers themselves stay unloaded.
    const serverModules = ['proto/services.js', 'proto/etcd-services.js', 'etcd/watch-service.js', 'storage/storage-member.js', 'node/run-node.js', 'gateway/run-gateway.js'];
    expect(urls.filter((u) => serverModules.some((m) => u.endsWith(`/dist/src/${m}`)))).toEqual([]);
  }, 60_000);

  it('--version and --help load no gRPC at all', async () => {
    for (const flag of ['--version', '--help']) {
      const packages = new Set((await modulesLoadedBy(flag)).map((u) => packageOf(u)?.[1]).filter(Boolean));
      expect([...packages], flag).toEqual([]);
    }
  }, 60_000);
});
