import { execFile } from 'node:child_process';
import * as http2 from 'node:http2';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_COMMAND_NAMES } from '../../src/cli/client-command-names.js';
import { CLIENT_COMMANDS } from '../../src/cli/client-commands.js';
import { COMMANDS } from '../../src/cli/parse.js';
import { CLI_ENTRY } from '../../src/proto/root.js';
import { freePorts } from '../../src/up/loopback-topology.js';

// What a client command loads decides how long `quorumkv get` takes (docs/BENCHMARKS.md): the
// one-shot commands load no package at all (no grpc-js, no protobufjs), and watch no .proto
// parsing, no proto-loader, none of the servers' packages. A loader hook records every module the
// CLI resolves.

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

const ownModule = (url: string) => url.match(/\/dist\/src\/(.*)$/)?.[1];

// An endpoint that answers every call UNIMPLEMENTED at once, so that each command (watch too,
// which would otherwise retry for ever) ends as soon as it has made its call.
let endpoint = '';
const refuser = http2.createServer((_request, response) => {
  response.stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'not here' }, { endStream: true });
});
beforeAll(async () => {
  const [port] = await freePorts(1);
  await new Promise<void>((resolve) => refuser.listen(port, '127.0.0.1', resolve));
  endpoint = `--endpoint=127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => refuser.close(() => resolve())));

describe('what a client command loads', () => {
  // The one-shot path: node:http2 and the precompiled descriptor, no package at all.
  for (const args of [['get', 'k'], ['put', 'k', 'v'], ['del', 'k'], ['status']]) {
    it(`${args[0]} loads no package (no gRPC, no protobufjs), no other command and no server module`, async () => {
      const urls = await modulesLoadedBy(...args, endpoint, '--insecure');
      expect(urls.filter((u) => u.includes('/dist/src/cli/client-commands.js')), 'the command ran').toHaveLength(1);
      expect(urls.filter((u) => u.includes('/node_modules/')).map((u) => packageOf(u)?.[1])).toEqual([]);
      expect(urls).toContain('node:http2');
      const own = urls.map(ownModule).filter(Boolean);
      const notOnThePath = ['client/client.js', 'proto/client-services.js', 'cli/parse.js', 'cli/server-commands.js', 'cli/bench-command.js', 'cli/up-command.js', 'proto/services.js', 'security/tls.js', 'rpc/status.js'];
      expect(own.filter((m) => notOnThePath.includes(m!))).toEqual([]);
    }, 60_000);
  }

  it('watch streams with the client library: gRPC and protobufjs\'s light build, and no proto-loader, .proto parser, YAML, LevelDB, metrics or logger', async () => {
    const urls = await modulesLoadedBy('watch', 'k', endpoint, '--insecure');
    const packages = new Set(urls.map((u) => packageOf(u)?.[1]).filter(Boolean));
    expect(packages).toContain('@grpc/grpc-js');
    for (const heavy of ['@grpc/proto-loader', 'yaml', 'level', 'classic-level', 'prom-client', 'pino', '@grpc/reflection']) expect(packages, heavy).not.toContain(heavy);
    const protobufFiles = urls.map(packageOf).filter((m) => m?.[1] === 'protobufjs').map((m) => m![2]);
    expect(protobufFiles).toContain('light.js');
    expect(protobufFiles).not.toContain('index.js');
    const serverModules = ['proto/services.js', 'proto/etcd-services.js', 'etcd/watch-service.js', 'storage/storage-member.js', 'node/run-node.js', 'gateway/run-gateway.js'];
    expect(urls.filter((u) => serverModules.some((m) => u.endsWith(`/dist/src/${m}`)))).toEqual([]);
  }, 60_000);

  it('finds the client commands by name without the full command table, as the same commands', () => {
    expect(CLIENT_COMMANDS.map((c) => c.name)).toEqual([...CLIENT_COMMAND_NAMES]);
    for (const command of CLIENT_COMMANDS) expect(COMMANDS).toContain(command);
  });

  it('--version and --help load no package at all', async () => {
    for (const flag of ['--version', '--help']) {
      const packages = new Set((await modulesLoadedBy(flag)).map((u) => packageOf(u)?.[1]).filter(Boolean));
      expect([...packages], flag).toEqual([]);
    }
  }, 60_000);
});
