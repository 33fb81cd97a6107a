import { execFile } from 'node:child_process';
import * as http2 from 'node:http2';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_COMMAND_NAMES, ONE_SHOT_COMMAND_NAMES } from '../../src/cli/client-command-names.js';
import { CLIENT_COMMANDS } from '../../src/cli/client-commands.js';
import { COMMANDS } from '../../src/cli/parse.js';
import { CLI_BIN, CLI_ENTRY, PACKAGE_ROOT } from '../../src/proto/root.js';
import { freePorts } from '../../src/up/loopback-topology.js';

// What a client command loads decides how long `quorumkv get` takes (docs/BENCHMARKS.md). The
// installed command (CLI_BIN, one CommonJS file made by scripts/bundle-cli.mjs) runs a one-shot
// command without loading any other file: no package (no grpc-js, no protobufjs), and not even
// the ES modules of dist/src. main.js, the full command table, still loads no package for them.
// watch streams with the client library: no .proto parsing, no proto-loader, none of the
// servers' packages. A preload records every file and built-in module the child loaded, through
// require (CommonJS) and through import (an ES module loader hook).

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'quorumkv-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PACKAGE_JSON = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));

/** Every module the command loaded: file: URLs of files, node:NAME of Node's public built-in modules. */
async function modulesLoadedBy(entry: string, ...args: string[]): Promise<{ urls: string[]; stdout: string }> {
  const out = join(dir, `modules-${args[0]}-${entry.endsWith('.cjs') ? 'bin' : 'main'}.txt`);
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.LOADED_FILE, r.url + '\\n'); return r; }\n`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const recorder = join(dir, 'recorder.cjs');
  writeFileSync(
    recorder,
    [
      `const { appendFileSync } = require('node:fs');`,
      `const { pathToFileURL } = require('node:url');`,
      `process.on('exit', () => {`,
      `  const files = Object.keys(require.cache).filter((f) => f !== __filename).map((f) => pathToFileURL(f).href);`,
      `  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ') && !m.includes('internal/')).map((m) => 'node:' + m.slice(13));`,
      `  appendFileSync(process.env.LOADED_FILE, [...files, ...builtins].join('\\n') + '\\n');`,
      `});`,
    ].join('\n'),
  );
  writeFileSync(out, '');
  const env = { ...process.env, LOADED_FILE: out };
  const result = await run(process.execPath, ['--require', recorder, '--import', pathToFileURL(register).href, entry, ...args], { env, timeout: 30_000 }).catch((e: { stdout: string }) => e);
  return { urls: [...new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean))], stdout: result.stdout };
}

const packageOf = (url: string) => url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/);

const ownModule = (url: string) => url.match(/\/dist\/src\/(.*)$/)?.[1];

const files = (urls: string[]) => urls.filter((u) => u.startsWith('file:') && !u.startsWith(pathToFileURL(dir).href));

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

const TXN_FILE = join(dir, 'txn.json');
writeFileSync(TXN_FILE, JSON.stringify({ success: [{ put: { key: 'k', value: 'v' } }] }));
const ONE_SHOT_CALLS = [['get', 'k'], ['put', 'k', 'v'], ['del', 'k'], ['add', 'k', '1'], ['txn', '--file', TXN_FILE], ['status'], ['members', 'list']];

describe('what the installed quorumkv loads', () => {
  it('is the one-file bundle', () => {
    expect(join(PACKAGE_ROOT, PACKAGE_JSON.bin.quorumkv)).toBe(CLI_BIN);
  });

  it('bundles no package: a package on the one-shot path would be loaded at run time, where the tests below see it', () => {
    const bundle = readFileSync(CLI_BIN, 'utf8');
    // esbuild marks each bundled file with a comment naming its path.
    expect(bundle).not.toMatch(/node_modules\//);
    expect(bundle).toMatch(/^\/\/ dist\/src\/client\/one-shot-client\.js$/m);
  });

  it('covers every one-shot client command', () => {
    expect([...ONE_SHOT_COMMAND_NAMES].sort()).toEqual(ONE_SHOT_CALLS.map(([name]) => name).sort());
  });

  for (const args of ONE_SHOT_CALLS) {
    it(`${args[0]} loads no file but itself: no package, no module of dist/src; node:http2 for the call`, async () => {
      const { urls, stdout } = await modulesLoadedBy(CLI_BIN, ...args, endpoint, '--insecure');
      expect(files(urls)).toEqual([pathToFileURL(CLI_BIN).href]);
      expect(urls).toContain('node:http2');
      expect(stdout).toBe(''); // it made its call, and the call was refused
    }, 60_000);
  }

  it('hands every other command line to main.js: watch, --version', async () => {
    const watch = await modulesLoadedBy(CLI_BIN, 'watch', 'k', endpoint, '--insecure');
    expect(files(watch.urls).map(ownModule)).toContain('cli/main.js');
    expect(files(watch.urls).map((u) => packageOf(u)?.[1])).toContain('@grpc/grpc-js');
    const version = await modulesLoadedBy(CLI_BIN, '--version');
    expect(version.stdout).toBe(`quorumkv ${PACKAGE_JSON.version}\n`);
    expect(files(version.urls).map(ownModule)).toContain('cli/main.js');
  }, 60_000);
});

describe('what main.js loads for a client command', () => {
  // The one-shot path through the full command table: node:http2 and the precompiled descriptor, no package at all.
  for (const args of [['get', 'k'], ['put', 'k', 'v'], ['del', 'k'], ['status']]) {
    it(`${args[0]} loads no package (no gRPC, no protobufjs), no other command and no server module`, async () => {
      const { urls } = await modulesLoadedBy(CLI_ENTRY, ...args, endpoint, '--insecure');
      expect(urls.filter((u) => u.includes('/dist/src/cli/client-commands.js')), 'the command ran').toHaveLength(1);
      expect(urls.filter((u) => u.includes('/node_modules/')).map((u) => packageOf(u)?.[1])).toEqual([]);
      expect(urls).toContain('node:http2');
      const own = urls.map(ownModule).filter(Boolean);
      const notOnThePath = ['client/client.js', 'proto/client-services.js', 'cli/parse.js', 'cli/server-commands.js', 'cli/bench-command.js', 'cli/up-command.js', 'proto/services.js', 'security/tls.js', 'rpc/status.js'];
      expect(own.filter((m) => notOnThePath.includes(m!))).toEqual([]);
    }, 60_000);
  }

  it('watch streams with the client library: gRPC and protobufjs\'s light build, and no proto-loader, .proto parser, YAML, LevelDB, metrics or logger', async () => {
    const { urls } = await modulesLoadedBy(CLI_ENTRY, 'watch', 'k', endpoint, '--insecure');
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
      const packages = new Set((await modulesLoadedBy(CLI_ENTRY, flag)).urls.map((u) => packageOf(u)?.[1]).filter(Boolean));
      expect([...packages], flag).toEqual([]);
    }
  }, 60_000);
});
