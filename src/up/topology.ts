import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { splitHostPort } from '../observability/http-server.js';

// A cluster topology: which processes to run and where. `quorumkv up` reads it from YAML
// (deploy/local.yaml by default); tests build one in code with free ports.

export interface ProcessSpec {
  id: string;
  listen: string;
  metrics: string;
  zone?: string;
}

export interface Topology {
  cluster: string;
  storage: ProcessSpec[];
  writers: ProcessSpec[];
  gateway: ProcessSpec;
}

export type Role = 'storage' | 'writer' | 'gateway';

/** One child process of a local cluster: its name, role and `quorumkv` arguments. */
export interface ChildSpec {
  name: string;
  role: Role;
  args: string[];
  metrics: string;
}

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
    return { id: s!.id as string, listen: s!.listen as string, metrics: s!.metrics as string, zone: typeof s!.zone === 'string' ? s!.zone : undefined };
  };
  const list = (key: string, min: number): ProcessSpec[] => {
    const items = value[key];
    if (!Array.isArray(items) || items.length < min) fail(`${key} must list at least ${min} process${min === 1 ? '' : 'es'}`);
    return (items as unknown[]).map((item, i) => spec(item, `${key}[${i}]`));
  };
  const topology: Topology = {
    cluster: typeof value.cluster === 'string' ? value.cluster : 'local',
    storage: list('storage', 1),
    writers: list('writers', 1),
    gateway: spec(value.gateway, 'gateway'),
  };
  const ids = [...topology.storage, ...topology.writers, topology.gateway].map((p) => p.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) fail(`id ${duplicate} is used twice`);
  return topology;
}

function joinAddresses(specs: ProcessSpec[]): string {
  return specs.map((s) => `${s.id}=${s.listen}`).join(',');
}

/** The `quorumkv` command line of every process in the topology, storage first. */
export function childSpecs(topology: Topology, dataDir: string): ChildSpec[] {
  const storage = topology.storage.map((s) => ({
    name: s.id,
    role: 'storage' as const,
    metrics: s.metrics,
    args: [
      'storage',
      `--id=${s.id}`,
      `--cluster=${topology.cluster}`,
      `--listen=${s.listen}`,
      `--peers=${joinAddresses(topology.storage)}`,
      `--data-dir=${join(dataDir, s.id)}`,
      `--metrics-listen=${s.metrics}`,
      ...(s.zone ? [`--zone=${s.zone}`] : []),
    ],
  }));
  const writers = topology.writers.map((w) => ({
    name: w.id,
    role: 'writer' as const,
    metrics: w.metrics,
    args: [
      'node',
      '--mode=writer',
      `--id=${w.id}`,
      `--cluster=${topology.cluster}`,
      `--listen=${w.listen}`,
      `--storage=${joinAddresses(topology.storage)}`,
      `--metrics-listen=${w.metrics}`,
      ...(w.zone ? [`--zone=${w.zone}`] : []),
    ],
  }));
  const g = topology.gateway;
  const gateway = {
    name: g.id,
    role: 'gateway' as const,
    metrics: g.metrics,
    args: ['gateway', `--id=${g.id}`, `--listen=${g.listen}`, `--writers=${joinAddresses(topology.writers)}`, `--metrics-listen=${g.metrics}`],
  };
  return [...storage, ...writers, gateway];
}
