import { Metrics } from '../observability/metrics.js';
import { startHttpServer } from '../observability/http-server.js';
import { log } from '../observability/log.js';
import { PeerProbe } from '../observability/peer-probe.js';
import { StateHashReporter } from '../observability/state-hash-reporter.js';
import { RpcServer } from '../rpc/server.js';
import { onShutdownSignal } from '../process/signals.js';
import { describeAutoCompaction } from './auto-compaction.js';
import { checkClusterIdentity } from './cluster-identity.js';
import type { StorageConfig } from './options.js';
import { MAX_PEER_MESSAGE_BYTES } from './peer-limits.js';
import { GrpcRaftTransport } from './raft-transport.js';
import { StorageMember } from './storage-member.js';
import { addStorageServices } from './storage-service.js';
import { defectiveLimits, injectDefect } from './test-defects.js';
import { PROCESS_ENVIRONMENT } from './member-environment.js';

const DRAIN_MS = 5_000;
const READINESS_INTERVAL_MS = 250;

/** `quorumkv storage`: runs one storage member until SIGTERM or SIGINT. */
export async function runStorage(config: StorageConfig): Promise<void> {
  checkClusterIdentity(config.dataDir, config.cluster);
  const metrics = new Metrics('storage', config.id, config.dataDir);
  const transport = new GrpcRaftTransport(config.cluster, config.id, config.peers, (n) => metrics.raftMessagesDropped.inc(n));
  const member = await StorageMember.open(config, transport, metrics, { ...PROCESS_ENVIRONMENT, mvccLimits: defectiveLimits(config.testDefect) });
  injectDefect(member, config.testDefect);
  // Members send each other appends of the largest entry, and snapshot chunks of the largest record.
  const rpc = new RpcServer(metrics, { maxReceiveBytes: MAX_PEER_MESSAGE_BYTES });
  addStorageServices(rpc, member);
  await rpc.listen(config.listen, 'peer');
  const http = config.metricsListen
    ? await startHttpServer(config.metricsListen, metrics, { alive: () => true, ready: () => member.readiness() })
    : undefined;
  member.start();
  const probe = new PeerProbe(() => transport.peerAddresses(), (to, seconds) => metrics.observePeerRoundTrip(to, seconds));
  probe.start();
  const hashes = new StateHashReporter(metrics.stateHash, {
    hashAt: async (revision) => {
      const r = await member.hashKV(revision);
      return { hash: String(r.hash), revision: Number(r.revision), compactRevision: Number(r.compactRevision) };
    },
    currentRevision: async () => (await metrics.storeRevision.get()).values[0]?.value ?? 0,
  });
  hashes.start();
  const readiness = setInterval(() => {
    const { ready, readsReady } = member.readiness();
    rpc.setServing(ready, readsReady);
  }, READINESS_INTERVAL_MS);
  if (config.testDefect) log.warn({ testDefect: config.testDefect }, `RUNNING WITH TEST DEFECT ${config.testDefect}: acknowledged writes are not safe`);
  log.info({ listen: config.listen, peers: Object.fromEntries(config.peers), dataDir: config.dataDir, metricsListen: config.metricsListen, autoCompaction: describeAutoCompaction(config.autoCompaction) }, 'storage member listening');
  onShutdownSignal(async () => {
    clearInterval(readiness);
    probe.stop();
    hashes.stop();
    await rpc.shutdown(DRAIN_MS);
    await member.stop();
    transport.close();
    http?.close();
  });
}
