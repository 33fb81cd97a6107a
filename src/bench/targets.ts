import type { BenchConfig } from './options.js';
import type { BenchTarget } from './target.js';
import { EtcdTarget } from './target-etcd.js';
import { QuorumkvTarget } from './target-quorumkv.js';

/** Opens the configured target; the caller closes it. */
export function openTarget(config: Pick<BenchConfig, 'target' | 'endpoints' | 'connections' | 'timeoutMs'>): BenchTarget {
  return config.target === 'etcd' ? new EtcdTarget(config) : new QuorumkvTarget(config);
}
