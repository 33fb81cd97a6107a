import type { NodeList__Output } from '../gen/quorumkv/internal/v1/NodeList.js';
import { Storage, type StorageClient } from '../proto/services.js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';
import { STORAGE_ROLES } from '../security/roles.js';
import { peerChannelCredentials } from '../security/transport-security.js';
import type { BackendPool } from './backend-pool.js';

// Finds compute nodes: the ones given by hand, plus those registered with the storage tier
// (every node reports to every storage member). A node that leaves, or stops renewing, drops out
// of the lists and its pool drains it. When no storage member answers, the last lists stand.

const DISCOVERY_INTERVAL_MS = 1_000;
const CALL_TIMEOUT_MS = 800;
const MEMBERSHIP_EVERY_REFRESHES = 5;

export class Discovery {
  /** Storage members to ask, by address; grows as membership changes add members. */
  private readonly clients = new Map<string, StorageClient>();
  private timer: NodeJS.Timeout | undefined;
  private refreshes = 0;
  /** The storage member that last answered a membership list (the leader then). */
  private lastAnswered: string | undefined;

  constructor(
    storage: ReadonlyMap<string, string>,
    private readonly fixed: { writers: ReadonlyMap<string, string>; readers: ReadonlyMap<string, string> },
    private readonly pools: { writers: BackendPool; readers: BackendPool },
  ) {
    for (const address of storage.values()) this.addStorage(address);
  }

  private addStorage(address: string): void {
    if (!this.clients.has(address)) this.clients.set(address, new Storage(address, peerChannelCredentials(STORAGE_ROLES), CLIENT_OPTIONS));
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), DISCOVERY_INTERVAL_MS);
  }

  /**
   * Only the leader answers (the others refuse, and log the refusal), so members are asked one at
   * a time, the one that answered last first: in steady state one call, and no refusal.
   */
  private async learnStorageMembers(): Promise<void> {
    const clients = [...this.clients.entries()];
    const first = Math.max(0, clients.findIndex(([address]) => address === this.lastAnswered));
    for (let i = 0; i < clients.length; i++) {
      const [address, client] = clients[(first + i) % clients.length];
      const members = await membersOf(client);
      if (members === undefined) continue;
      this.lastAnswered = address;
      for (const member of members) this.addStorage(member);
      return;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    for (const client of this.clients.values()) client.close();
  }

  private async refresh(): Promise<void> {
    if (this.refreshes++ % MEMBERSHIP_EVERY_REFRESHES === 0) await this.learnStorageMembers();
    const lists = await Promise.all([...this.clients.values()].map((client) => listNodes(client)));
    const answered = lists.filter((l) => l !== undefined) as NodeList__Output[];
    if (this.clients.size > 0 && answered.length === 0) return;
    const writers = new Map(this.fixed.writers);
    const readers = new Map(this.fixed.readers);
    const leaving = new Set<string>();
    for (const node of answered.flatMap((l) => l.nodes)) {
      if (node.leaving) leaving.add(node.id);
      else (node.mode === 'reader' ? readers : writers).set(node.id, node.address);
    }
    for (const id of leaving) {
      writers.delete(id);
      readers.delete(id);
    }
    await Promise.all([this.pools.writers.update(writers), this.pools.readers.update(readers)]);
  }
}

/** Storage members added since start-up are asked too: the leader lists the configuration; undefined when this member did not. */
async function membersOf(client: StorageClient): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    client.members({}, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) =>
      resolve(error || !response ? undefined : response.members.map((m) => m.address).filter(Boolean)),
    );
  });
}

function listNodes(client: StorageClient): Promise<NodeList__Output | undefined> {
  return new Promise((resolve) => {
    client.listNodes({}, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) => resolve(error ? undefined : response));
  });
}
