import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../proto/root.js';
import type { LocalCluster } from '../up/local-cluster.js';
import { loadTopology } from '../up/topology.js';
import type { Command } from './command.js';

export const DEFAULT_TOPOLOGY = join(PACKAGE_ROOT, 'deploy', 'local.yaml');

export const upCommand: Command = {
  name: 'up',
  summary: 'start a whole local cluster from a topology file and stop it on Ctrl-C',
  usage:
    'quorumkv up [--topology FILE] [--data-dir DIR] [--insecure]   (defaults: deploy/local.yaml, ./data; TLS on, certificates made in DATA_DIR/certs on first start)',
  options: { topology: { type: 'string' }, 'data-dir': { type: 'string' }, insecure: { type: 'boolean' } },
  prepare: ({ values }) => {
    const topologyFile = (values.topology as string | undefined) ?? DEFAULT_TOPOLOGY;
    const dataDir = resolve((values['data-dir'] as string | undefined) ?? 'data');
    const topology = loadTopology(topologyFile);
    const security = values.insecure ? 'insecure' : 'tls';
    return async () => {
      const { LocalCluster } = await import('../up/local-cluster.js');
      return runUp(new LocalCluster(topology, dataDir, { output: 'console', onUnexpectedExit, security }));
    };
  },
};

function onUnexpectedExit(name: string, code: number | null, signal: NodeJS.Signals | null): void {
  process.stdout.write(`quorumkv up: ${name} exited (${signal ?? `code ${code}`}); the rest keep running. Ctrl-C stops all.\n`);
}

async function runUp(cluster: LocalCluster): Promise<number> {
  const { topology } = cluster;
  process.stdout.write(`quorumkv up: starting ${cluster.names.length} processes (data in ${cluster.dataDir})\n`);
  if (cluster.security === 'insecure') {
    process.stdout.write('quorumkv up: WARNING: --insecure: TLS is OFF. Every listener and every link between processes is plaintext, and anyone who reaches a port can read, write and step raft.\n');
  } else {
    process.stdout.write(`quorumkv up: TLS on: mutual TLS between processes, client certificates required; CA and certificates in ${cluster.certsDir}\n`);
  }
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.stdout.write('quorumkv up: stopping every process\n');
      await cluster.stopAll();
      process.stdout.write('quorumkv up: stopped\n');
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  cluster.startAll();
  try {
    await cluster.waitReady();
  } catch (error) {
    process.stdout.write(`quorumkv up: ${(error as Error).message}\n`);
    await cluster.stopAll();
    return 1;
  }
  const g = topology.gateway;
  process.stdout.write(
    [
      '',
      'quorumkv is up.',
      `  cluster endpoint  ${g.listen}   (try: npx quorumkv put a 1 && npx quorumkv get a)`,
      ...(g.readerListen ? [`  reader endpoint   ${g.readerListen}   (reads balanced over reader nodes: npx quorumkv get a --endpoint ${g.readerListen} --consistency stale)`] : []),
      `  status            npx quorumkv status`,
      `  console           http://${g.metrics}/   (topology, traffic, history, key browser)`,
      cluster.security === 'tls'
        ? `  certificates      ${cluster.certsDir} (the CLI finds them there from this folder; elsewhere: --certs-dir or QUORUMKV_CERTS_DIR)`
        : '  certificates      none: plaintext (--insecure)',
      `  metrics           http://${g.metrics}/metrics, and on every process (see deploy/local.yaml)`,
      `  storage           ${topology.storage.map((s) => `${s.id}=${s.listen}`).join(' ')}`,
      `  writers           ${topology.writers.map((w) => `${w.id}=${w.listen}`).join(' ')}`,
      `  readers           ${topology.readers.map((r) => `${r.id}=${r.listen}`).join(' ') || '(none)'}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise(() => {});
  return 0;
}
