import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from './durable-files.js';

// A storage member's data directory records the cluster it belongs to, so a member never joins a
// cluster its data is not from (a restored copy next to its original, a directory reused by hand).

const CLUSTER_FILE = 'CLUSTER';

/** The cluster recorded in `dataDir`, or undefined for a directory that has none yet. */
export function recordedCluster(dataDir: string): string | undefined {
  const path = join(dataDir, CLUSTER_FILE);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

export function recordCluster(dataDir: string, cluster: string): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileDurably(join(dataDir, CLUSTER_FILE), `${cluster}\n`);
}

/** Refuses to start with data of another cluster; records the cluster in a directory that has none. */
export function checkClusterIdentity(dataDir: string, cluster: string): void {
  const recorded = recordedCluster(dataDir);
  if (recorded === undefined) recordCluster(dataDir, cluster);
  else if (recorded !== cluster) {
    throw new Error(`the data in ${dataDir} belongs to cluster ${JSON.stringify(recorded)}, not ${JSON.stringify(cluster)}: start it with --cluster ${recorded}`);
  }
}
