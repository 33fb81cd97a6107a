import { HealthClient } from '../rpc/health-client.js';
import { STORAGE_ROLES } from '../security/roles.js';
import { peerChannelCredentials } from '../security/transport-security.js';

// Measures the round trip to every peer storage member with a grpc.health.v1 check, as etcd
// probes its peers, for quorumkv_network_peer_round_trip_time_seconds (and etcd's name).

export const PEER_PROBE_INTERVAL_MS = 5_000;
const PEER_PROBE_TIMEOUT_MS = 2_000;

export class PeerProbe {
  private readonly clients = new Map<string, HealthClient>();
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private stopped = false;

  constructor(
    private readonly peers: () => ReadonlyMap<string, string>,
    private readonly observe: (to: string, seconds: number) => void,
    private readonly intervalMs = PEER_PROBE_INTERVAL_MS,
  ) {}

  start(): void {
    void this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  /** One probe of every peer; a round that is still running when the next is due is skipped. */
  async probeAll(): Promise<void> {
    if (this.probing || this.stopped) return;
    this.probing = true;
    try {
      const peers = this.peers();
      for (const [address, client] of this.clients) {
        if (![...peers.values()].includes(address)) {
          client.close();
          this.clients.delete(address);
        }
      }
      await Promise.all(
        [...peers].map(async ([id, address]) => {
          if (this.stopped) return;
          let client = this.clients.get(address);
          if (!client) this.clients.set(address, (client = new HealthClient(address, peerChannelCredentials(STORAGE_ROLES))));
          const seconds = await client.roundTrip(PEER_PROBE_TIMEOUT_MS);
          if (seconds !== undefined) this.observe(id, seconds);
        }),
      );
    } finally {
      this.probing = false;
    }
  }
}
