import type { ClusterState, EndpointView, NodeView, StorageView } from './web/model.js';

// One word for the whole cluster, with the reasons behind it:
// broken: writes cannot succeed (no storage leader, or no writer to send them to);
// degraded: it serves, with less margin (a process down, a reader lagging);
// healthy: nothing of that.

/** A reader this far behind is shown as lagging (nodes stop reporting ready at 5 s). */
export const READER_LAG_WARN_MS = 1_000;

export function clusterState(
  storage: readonly StorageView[],
  nodes: readonly NodeView[],
  endpoints: readonly EndpointView[],
): { state: ClusterState; reasons: string[] } {
  const broken: string[] = [];
  const degraded: string[] = [];
  const leaders = storage.filter((s) => s.leader && s.healthy);
  if (storage.length === 0) broken.push('no storage member known');
  else if (leaders.length === 0) broken.push('no storage leader: writes and linearizable reads wait');
  const cluster = endpoints.find((e) => e.name === 'cluster');
  if (cluster && cluster.balancesOver.length === 0) broken.push('no healthy writer behind the cluster endpoint');
  for (const member of storage) if (!member.healthy) degraded.push(`storage member ${member.id} down${member.error ? ` (${member.error})` : ''}`);
  for (const node of nodes) if (!node.healthy) degraded.push(`${node.role} ${node.id} down`);
  for (const node of nodes) {
    if (node.healthy && node.lagMs !== undefined && node.lagMs > READER_LAG_WARN_MS) degraded.push(`reader ${node.id} lags ${(node.lagMs / 1_000).toFixed(1)} s behind the log`);
  }
  const reader = endpoints.find((e) => e.name === 'reader');
  if (reader && reader.over === 'writers' && nodes.some((n) => n.role === 'reader')) degraded.push('reader endpoint falls back to writers: no healthy reader');
  if (broken.length > 0) return { state: 'broken', reasons: [...broken, ...degraded] };
  if (degraded.length > 0) return { state: 'degraded', reasons: degraded };
  return { state: 'healthy', reasons: [] };
}
