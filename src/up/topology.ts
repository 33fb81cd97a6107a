import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { splitHostPort } from '../observability/http-server.js';

// The YAML parser is required when a topology is read, not when this module loads: every command
// line is checked through this module, and a client command must not pay for the parser.
const require = createRequire(import.meta.url);
const parse = (text: string): unknown => (require('yaml') as typeof import('yaml')).parse(text);

// A cluster topology: which processes to run and where. `quorumkv up` reads it from YAML
// (deploy/local.yaml by default); tests build one in code with free ports.

export interface ProcessSpec {
  id: string;
  listen: string;
  metrics: string;
  zone?: string;
  /** Extra command-line flags for this process (e.g. tuning). */
  flags?: string[];
}

export interface Topology {
  cluster: string;
  storage: ProcessSpec[];
  writers: ProcessSpec[];
  /** Reader nodes: 0 to MAX_READERS. */
  readers: ProcessSpec[];
  /** `readerListen` is the reader endpoint. */
  gateway: ProcessSpec & { readerListen?: string };
}

export const MAX_READERS = 15;

export type Role = 'storage' | 'writer' | 'reader' | 'gateway';

/** One child process of a local cluster: its name, role and `quorumkv` arguments. */
export interface ChildSpec {
  name: string;
  role: Role;
  args: string[];
  metrics: string;
  /** Extra environment for this process. */
  env?: Record<string, string>;
}

/**
 * The address process `from` uses to reach process `to` (whose own address is `address`). The
 * identity by default; the chaos suite puts a fault-injecting proxy on each link.
 */
export type Route = (from: string, to: string, address: string) => string;
const direct: Route = (_from, _to, address) => address;

export function loadTopology(file: string): Topology {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`topology ${file}: ${(error as Error).message}`);
  }
  return validateTopology(raw, file);
}

export function validateTopology(raw: unknown, source: string): Topology {
  const fail = (message: string): never => {
    throw new Error(`topology ${source}: ${message}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('expected a mapping with cluster, storage, writers and gateway');
  const value = raw as Record<string, unknown>;
  const spec = (item: unknown, where: string): ProcessSpec => {
    const s = item as Record<string, unknown> | null;
    if (!s || typeof s.id !== 'string' || typeof s.listen !== 'string' || typeof s.metrics !== 'string') {
      fail(`${where} needs id, listen and metrics`);
    }
    try {
      splitHostPort(s!.listen as string);
      splitHostPort(s!.metrics as string);
    } catch (error) {
      fail(`${where}: ${(error as Error).message}`);
    }
    if (s!.flags !== undefined && !(Array.isArray(s!.flags) && (s!.flags as unknown[]).every((f) => typeof f === 'string' && f.startsWith('--')))) {
      fail(`${where}.flags must be a list of --flag=value strings`);
    }
    return {
      id: s!.id as string,
      listen: s!.listen as string,
      metrics: s!.metrics as string,
      zone: typeof s!.zone === 'string' ? s!.zone : undefined,
      ...(s!.flags ? { flags: s!.flags as string[] } : {}),
    };
  };
  const list = (key: string, min: number, max = Infinity): ProcessSpec[] => {
    const items = value[key] ?? (min === 0 ? [] : undefined);
    if (!Array.isArray(items) || items.length < min) fail(`${key} must list at least ${min} process${min === 1 ? '' : 'es'}`);
    if ((items as unknown[]).length > max) fail(`${key} may list at most ${max} processes`);
    return (items as unknown[]).map((item, i) => spec(item, `${key}[${i}]`));
  };
  const gateway = spec(value.gateway, 'gateway');
  const readerListen = (value.gateway as Record<string, unknown>).readerListen;
  if (readerListen !== undefined) {
    if (typeof readerListen !== 'string') fail('gateway.readerListen must be HOST:PORT');
    try {
      splitHostPort(readerListen as string);
    } catch (error) {
      fail(`gateway.readerListen: ${(error as Error).message}`);
    }
  }
  const topology: Topology = {
    cluster: typeof value.cluster === 'string' ? value.cluster : 'local',
    storage: list('storage', 1),
    writers: list('writers', 1),
    readers: list('readers', 0, MAX_READERS),
    gateway: { ...gateway, ...(readerListen ? { readerListen: readerListen as string } : {}) },
  };
  const ids = [...topology.storage, ...topology.writers, ...topology.readers, topology.gateway].map((p) => p.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) fail(`id ${duplicate} is used twice`);
  return topology;
}

function joinAddresses(specs: ProcessSpec[], from: string, route: Route): string {
  return specs.map((s) => `${s.id}=${route(from, s.id, s.listen)}`).join(',');
}

/** The `quorumkv` command line of every process in the topology, storage first. */
export function childSpecs(topology: Topology, dataDir: string, route: Route = direct): ChildSpec[] {
  // A member's own entry is what its peers learn from its address book with a snapshot, so on a
  // routed network it goes through a peer's route to it too: else they would learn a way round.
  const ownEntry = (s: ProcessSpec) => {
    const peer = topology.storage.find((p) => p.id !== s.id);
    return peer === undefined ? s.listen : route(peer.id, s.id, s.listen);
  };
  const storage = topology.storage.map((s) => ({
    name: s.id,
    role: 'storage' as const,
    metrics: s.metrics,
    args: [
      'storage',
      `--id=${s.id}`,
      `--cluster=${topology.cluster}`,
      `--listen=${s.listen}`,
      `--peers=${topology.storage.map((p) => `${p.id}=${p.id === s.id ? ownEntry(p) : route(s.id, p.id, p.listen)}`).join(',')}`,
      `--data-dir=${join(dataDir, s.id)}`,
      `--metrics-listen=${s.metrics}`,
      ...(s.zone ? [`--zone=${s.zone}`] : []),
      ...(s.flags ?? []),
    ],
  }));
  const node = (mode: 'writer' | 'reader') => (n: ProcessSpec): ChildSpec => ({
    name: n.id,
    role: mode,
    metrics: n.metrics,
    args: [
      'node',
      `--mode=${mode}`,
      `--id=${n.id}`,
      `--cluster=${topology.cluster}`,
      `--listen=${n.listen}`,
      ...(route(topology.gateway.id, n.id, n.listen) !== n.listen ? [`--advertise=${route(topology.gateway.id, n.id, n.listen)}`] : []),
      `--storage=${joinAddresses(topology.storage, n.id, route)}`,
      `--metrics-listen=${n.metrics}`,
      ...(n.zone ? [`--zone=${n.zone}`] : []),
      ...(n.flags ?? []),
    ],
  });
  const g = topology.gateway;
  const gateway: ChildSpec = {
    name: g.id,
    role: 'gateway',
    metrics: g.metrics,
    args: [
      'gateway',
      `--id=${g.id}`,
      `--cluster=${topology.cluster}`,
      `--listen=${g.listen}`,
      ...(g.readerListen ? [`--reader-listen=${g.readerListen}`] : []),
      `--storage=${joinAddresses(topology.storage, g.id, route)}`,
      `--metrics-listen=${g.metrics}`,
    ],
  };
  return [...storage, ...topology.writers.map(node('writer')), ...topology.readers.map(node('reader')), gateway];
}
