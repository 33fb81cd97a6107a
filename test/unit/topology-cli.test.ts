import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/usage-error.js';
import { parseCommandLine } from '../../src/cli/parse.js';
import { resolveNodeOptions } from '../../src/node/options.js';
import { PACKAGE_ROOT } from '../../src/proto/root.js';
import { resolveStorageOptions } from '../../src/storage/options.js';
import { childSpecs, loadTopology, validateTopology } from '../../src/up/topology.js';

// The server entry points are replaced so that a test can tell whether anything was started.
const started = vi.hoisted(() => ({ storage: [] as unknown[], node: [] as unknown[], gateway: [] as unknown[], clusters: 0 }));
vi.mock('../../src/storage/run-storage.js', () => ({ runStorage: async (options: unknown) => void started.storage.push(options) }));
vi.mock('../../src/node/run-node.js', () => ({ runNode: async (options: unknown) => void started.node.push(options) }));
vi.mock('../../src/gateway/run-gateway.js', () => ({ runGateway: async (options: unknown) => void started.gateway.push(options) }));
vi.mock('../../src/up/local-cluster.js', () => ({
  LocalCluster: class {
    constructor() {
      started.clusters++;
    }
  },
}));

const LOCAL_YAML = join(PACKAGE_ROOT, 'deploy', 'local.yaml');

function nothingStarted() {
  expect(started).toEqual({ storage: [], node: [], gateway: [], clusters: 0 });
}

function usageError(argv: string[], message?: RegExp): void {
  let thrown: unknown;
  try {
    parseCommandLine(argv);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, argv.join(' ')).toBeInstanceOf(UsageError);
  if (message) expect((thrown as Error).message).toMatch(message);
}

const proc = (id: string, port: number) => ({ id, listen: `127.0.0.1:${port}`, metrics: `127.0.0.1:${port + 1000}` });
const minimal = () => ({ cluster: 'c', storage: [proc('s1', 1)], writers: [proc('w1', 2)], gateway: proc('g1', 3) });

beforeEach(() => {
  started.storage = [];
  started.node = [];
  started.gateway = [];
  started.clusters = 0;
});

describe('validateTopology', () => {
  it('accepts a minimal topology and defaults the cluster name to "local"', () => {
    const { cluster, ...rest } = minimal();
    const topology = validateTopology(rest, 'test');
    expect(topology.cluster).toBe('local');
    expect(topology.storage.map((s) => s.id)).toEqual(['s1']);
    expect(topology.gateway).toMatchObject({ id: 'g1', listen: '127.0.0.1:3', zone: undefined });
    expect(validateTopology({ ...rest, cluster }, 'test').cluster).toBe('c');
  });

  it('refuses a document that is not a mapping', () => {
    expect(() => validateTopology(null, 'f.yaml')).toThrow(/^topology f\.yaml: expected a mapping/);
    expect(() => validateTopology('text', 'f.yaml')).toThrow(/expected a mapping/);
  });

  it('refuses missing or empty process lists', () => {
    const { storage, ...noStorage } = minimal();
    expect(storage).toHaveLength(1);
    expect(() => validateTopology(noStorage, 't')).toThrow(/storage must list at least 1 process/);
    expect(() => validateTopology({ ...minimal(), writers: [] }, 't')).toThrow(/writers must list at least 1 process/);
    expect(() => validateTopology({ ...minimal(), writers: 'w1' }, 't')).toThrow(/writers must list/);
    const { gateway, ...noGateway } = minimal();
    expect(gateway.id).toBe('g1');
    expect(() => validateTopology(noGateway, 't')).toThrow(/gateway needs id, listen and metrics/);
  });

  it('refuses a process missing id, listen or metrics, naming it', () => {
    for (const field of ['id', 'listen', 'metrics'] as const) {
      const broken: Record<string, unknown> = { ...proc('s2', 5) };
      delete broken[field];
      expect(() => validateTopology({ ...minimal(), storage: [proc('s1', 1), broken] }, 't')).toThrow(/storage\[1\] needs id, listen and metrics/);
    }
    expect(() => validateTopology({ ...minimal(), writers: [{ ...proc('w1', 2), id: 7 }] }, 't')).toThrow(/writers\[0\] needs id/);
  });

  it('refuses an address that is not HOST:PORT', () => {
    for (const bad of ['127.0.0.1', 'localhost:http', '127.0.0.1:65536', 'host:-1', 'host:1.5']) {
      expect(() => validateTopology({ ...minimal(), writers: [{ ...proc('w1', 2), listen: bad }] }, 't'), bad).toThrow(/writers\[0\]: address .* is not HOST:PORT/);
      expect(() => validateTopology({ ...minimal(), gateway: { ...proc('g1', 3), metrics: bad } }, 't'), bad).toThrow(/gateway: address .* is not HOST:PORT/);
    }
  });

  it('refuses an id used twice, across roles too', () => {
    expect(() => validateTopology({ ...minimal(), storage: [proc('s1', 1), proc('s1', 5)] }, 't')).toThrow(/id s1 is used twice/);
    expect(() => validateTopology({ ...minimal(), gateway: proc('w1', 3) }, 't')).toThrow(/id w1 is used twice/);
  });

  it('keeps a zone when one is given', () => {
    const topology = validateTopology({ ...minimal(), storage: [{ ...proc('s1', 1), zone: 'zone-a' }] }, 't');
    expect(topology.storage[0].zone).toBe('zone-a');
  });
});

describe('loadTopology', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'quorumkv-topology-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads deploy/local.yaml: three storage members in distinct zones, writers, a gateway, all on loopback', () => {
    const topology = loadTopology(LOCAL_YAML);
    expect(topology.cluster).toBe('local');
    expect(topology.storage.map((s) => [s.id, s.listen, s.metrics, s.zone])).toEqual([
      ['s1', '127.0.0.1:7101', '127.0.0.1:9101', 'zone-a'],
      ['s2', '127.0.0.1:7102', '127.0.0.1:9102', 'zone-b'],
      ['s3', '127.0.0.1:7103', '127.0.0.1:9103', 'zone-c'],
    ]);
    expect(topology.writers.length).toBeGreaterThanOrEqual(1);
    expect(topology.writers[0]).toEqual({ id: 'w1', listen: '127.0.0.1:7201', metrics: '127.0.0.1:9201', zone: undefined });
    expect(topology.gateway).toEqual({ id: 'g1', listen: '127.0.0.1:7000', readerListen: '127.0.0.1:7001', metrics: '127.0.0.1:9000', zone: undefined });
    const all = [...topology.storage, ...topology.writers, topology.gateway];
    const addresses = all.flatMap((p) => [p.listen, p.metrics]);
    expect(new Set(addresses).size).toBe(addresses.length); // no two processes share a port
    expect(addresses.every((a) => a.startsWith('127.0.0.1:'))).toBe(true);
  });

  it('names the file when it is missing, not YAML, or invalid', () => {
    expect(() => loadTopology(join(dir, 'absent.yaml'))).toThrow(new RegExp(`^topology ${join(dir, 'absent.yaml')}: `));
    writeFileSync(join(dir, 'bad.yaml'), 'storage: [unclosed\n');
    expect(() => loadTopology(join(dir, 'bad.yaml'))).toThrow(/^topology .*bad\.yaml: /);
    writeFileSync(join(dir, 'dup.yaml'), 'storage: [{id: a, listen: "h:1", metrics: "h:2"}]\nwriters: [{id: a, listen: "h:3", metrics: "h:4"}]\ngateway: {id: g, listen: "h:5", metrics: "h:6"}\n');
    expect(() => loadTopology(join(dir, 'dup.yaml'))).toThrow(/dup\.yaml: id a is used twice/);
  });
});

describe('the command lines of a topology are real', () => {
  it('childSpecs lists storage first, then writers, readers, and the gateway, with their roles', () => {
    const topology = loadTopology(LOCAL_YAML);
    const specs = childSpecs(topology, '/tmp/x');
    expect(specs.map((s) => [s.name, s.role, s.args[0], s.metrics])).toEqual([
      ...topology.storage.map((s) => [s.id, 'storage', 'storage', s.metrics]),
      ...topology.writers.map((w) => [w.id, 'writer', 'node', w.metrics]),
      ...topology.readers.map((r) => [r.id, 'reader', 'node', r.metrics]),
      [topology.gateway.id, 'gateway', 'gateway', topology.gateway.metrics],
    ]);
  });

  it("routes a storage member's own --peers entry through a peer's route, so its peers cannot learn a way round it", () => {
    const topology = loadTopology(LOCAL_YAML);
    const peersOf = (specs: ReturnType<typeof childSpecs>, id: string) => specs.find((s) => s.name === id)!.args.find((a) => a.startsWith('--peers='))!;
    const [first, second] = topology.storage;
    expect(peersOf(childSpecs(topology, '/tmp/x'), first.id)).toContain(`${first.id}=${first.listen}`);
    const routed = childSpecs(topology, '/tmp/x', (from, to) => `${from}.to.${to}:1`);
    expect(peersOf(routed, first.id)).toContain(`${first.id}=${second.id}.to.${first.id}:1`);
    expect(peersOf(routed, first.id)).toContain(`${second.id}=${first.id}.to.${second.id}:1`);
  });

  it('every child command line is accepted by parseCommandLine, which starts nothing', () => {
    const specs = childSpecs(loadTopology(LOCAL_YAML), '/tmp/x');
    for (const spec of specs) {
      const parsed = parseCommandLine([...spec.args, '--insecure']);
      expect(parsed.command.name).toBe(spec.args[0]);
      expect(typeof parsed.run).toBe('function');
    }
    nothingStarted();
  });

  it('each command line, when run, passes options its server accepts', async () => {
    const topology = loadTopology(LOCAL_YAML);
    for (const spec of childSpecs(topology, '/tmp/x')) await parseCommandLine([...spec.args, '--insecure']).run();
    expect(started.storage).toHaveLength(topology.storage.length);
    expect(started.node).toHaveLength(topology.writers.length + topology.readers.length);
    expect(started.gateway).toHaveLength(1);
    expect(started.clusters).toBe(0);

    const peers = topology.storage.map((s) => [s.id, s.listen]);
    const storage = started.storage.map((o) => resolveStorageOptions(o as Parameters<typeof resolveStorageOptions>[0]));
    expect(storage.map((s) => [s.id, s.listen, s.dataDir, s.zone, s.cluster, s.metricsListen])).toEqual(
      topology.storage.map((s) => [s.id, s.listen, join('/tmp/x', s.id), s.zone ?? '', 'local', s.metrics]),
    );
    for (const s of storage) expect([...s.peers]).toEqual(peers);

    const nodes = started.node.map((o) => resolveNodeOptions(o as Parameters<typeof resolveNodeOptions>[0]));
    expect(nodes.map((n) => [n.mode, n.id, n.listen, n.metricsListen, n.cluster])).toEqual([
      ...topology.writers.map((w) => ['writer', w.id, w.listen, w.metrics, 'local']),
      ...topology.readers.map((r) => ['reader', r.id, r.listen, r.metrics, 'local']),
    ]);
    for (const n of nodes) expect([...n.storage]).toEqual(peers);

    const gateway = started.gateway[0] as { id: string; listen: string; readerListen: string; storage: Map<string, string>; metricsListen: string };
    expect(gateway).toMatchObject({ id: 'g1', listen: '127.0.0.1:7000', readerListen: '127.0.0.1:7001', metricsListen: '127.0.0.1:9000' });
    expect([...gateway.storage]).toEqual(peers);
  });

  it('up parses the default topology without starting a cluster', () => {
    const parsed = parseCommandLine(['up', `--topology=${LOCAL_YAML}`, '--data-dir=/tmp/x']);
    expect(parsed.command.name).toBe('up');
    nothingStarted();
  });
});

describe('parseCommandLine refuses bad command lines with UsageError', () => {
  const storage = ['storage', '--id=s1', '--listen=127.0.0.1:7101', '--peers=s1=127.0.0.1:7101', '--data-dir=/tmp/x/s1', '--insecure'];

  it('accepts the base storage command line used below', () => {
    expect(parseCommandLine(storage).command.name).toBe('storage');
  });

  it('refuses a missing or unknown command', () => {
    usageError([], /no command given/);
    usageError(['serve'], /unknown command "serve"/);
    usageError(['--id=s1'], /unknown command/);
  });

  it('refuses unknown flags and flags of the wrong type', () => {
    usageError([...storage, '--bogus=1'], /^storage: /);
    usageError(['put', 'k', 'v', '--prefix'], /^put: /); // --prefix belongs to get and del
    usageError(['get', 'k', '--prefix=yes'], /^get: /); // a boolean flag given a value
    usageError(['get', 'k', '--endpoint'], /^get: /); // a string flag without its value
  });

  it('refuses the wrong number of positional arguments', () => {
    usageError(['put', 'k'], /put: expected 2 argument\(s\), got 1/);
    usageError(['put', 'k', 'v', 'extra'], /put: expected 2 argument\(s\), got 3/);
    usageError(['get'], /get: expected 1 argument\(s\), got 0/);
    usageError(['del', 'a', 'b'], /del: expected 1 argument\(s\), got 2/);
    usageError(['status', 'extra'], /status: expected 0 argument\(s\), got 1/);
    usageError([...storage, 'stray'], /storage: expected 0 argument\(s\), got 1/);
    expect(parseCommandLine(['put', 'k', 'v']).args.positionals).toEqual(['k', 'v']);
  });

  it('refuses a missing required flag', () => {
    usageError(storage.filter((a) => !a.startsWith('--data-dir')), /--data-dir is required/);
    usageError(storage.filter((a) => !a.startsWith('--peers')), /--peers is required/);
    usageError(storage.map((a) => (a.startsWith('--id') ? '--id=' : a)), /--id is required/);
    usageError(['node', '--id=w1', '--listen=127.0.0.1:1'], /--storage is required/);
    usageError(['gateway', '--listen=127.0.0.1:1'], /give --storage \(to discover nodes\) or --writers/);
  });

  it('refuses malformed --peers lists', () => {
    const withPeers = (peers: string) => [...storage.filter((a) => !a.startsWith('--peers')), `--peers=${peers}`];
    usageError(withPeers('127.0.0.1:7101'), /--peers: expected ID=HOST:PORT/);
    usageError(withPeers('=127.0.0.1:7101'), /--peers: expected ID=HOST:PORT/);
    usageError(withPeers('s1='), /--peers: expected ID=HOST:PORT/);
    usageError(withPeers('s1=127.0.0.1:1,s2'), /--peers: expected ID=HOST:PORT.*"s2"/);
    usageError(withPeers('s1=127.0.0.1:1,s1=127.0.0.1:2'), /--peers: s1 is listed twice/);
    usageError(withPeers(','), /--peers is required/);
    const parsed = parseCommandLine(withPeers(' s1=127.0.0.1:1 , s2=127.0.0.1:2 '));
    expect(parsed.args.values.peers).toBe(' s1=127.0.0.1:1 , s2=127.0.0.1:2 ');
  });

  it('refuses malformed --storage and --writers lists the same way', () => {
    usageError(['node', '--id=w1', '--listen=127.0.0.1:1', '--storage=s1'], /--storage: expected ID=HOST:PORT/);
    usageError(['gateway', '--listen=127.0.0.1:1', '--writers=w1=a:1,w1=b:2'], /--writers: w1 is listed twice/);
  });

  it('refuses bad numbers and unsupported modes', () => {
    usageError([...storage, '--tick-ms=0'], /--tick-ms must be a positive integer/);
    usageError([...storage, '--election-ticks=ten'], /--election-ticks must be a positive integer/);
    usageError([...storage, '--election-ticks=1'], /--election-ticks must be more than the 1 heartbeat tick/);
    usageError([...storage, '--auto-compaction-retention=-1'], /--auto-compaction-retention in revision mode is a whole number of revisions/);
    usageError([...storage, '--auto-compaction-mode=periodic', '--auto-compaction-retention=soon'], /in periodic mode is a duration/);
    usageError([...storage, '--auto-compaction-mode=periodic'], /periodic needs --auto-compaction-retention/);
    usageError([...storage, '--auto-compaction-mode=hourly'], /--auto-compaction-mode must be revision or periodic/);
    usageError(['get', 'k', '--revision=-1'], /--revision must be a non-negative integer/);
    usageError(['get', 'k', '--limit=1.5'], /--limit must be a non-negative integer/);
    usageError(['node', '--mode=replica', '--id=w1', '--listen=127.0.0.1:1', '--storage=s1=127.0.0.1:2'], /--mode must be writer or reader/);
  });

  it('refuses an up whose topology file cannot be loaded', () => {
    usageError(['up', '--topology=/nonexistent/topology.yaml'], /^up: topology \/nonexistent\/topology\.yaml: /);
    nothingStarted();
  });

  it('answers --help without checking the other arguments or starting anything', () => {
    const parsed = parseCommandLine(['storage', '--help']);
    expect(parsed.args.values.help).toBe(true);
    nothingStarted();
  });
});
