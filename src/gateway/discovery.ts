import * as grpc from '@grpc/grpc-js';
import type { NodeList__Output } from '../gen/quorumkv/internal/v1/NodeList.js';
import { Storage, type StorageClient } from '../proto/services.js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';
import type { BackendPool } from './backend-pool.js';

// Finds compute nodes: the ones given by hand, plus those registered with the storage tier
// (every node reports to every storage member). A node that leaves, or stops renewing, drops out
// of the lists and its pool drains it. When no storage member answers, the last lists stand.

const DISCOVERY_INTERVAL_MS = 1_000;
const CALL_TIMEOUT_MS = 800;

export class Discovery {
  private readonly clients: StorageClient[];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    storage: ReadonlyMap<string, string>,
    private readonly fixed: { writers: ReadonlyMap<string, string>; readers: ReadonlyMap<string, string> },
    private readonly pools: { writers: BackendPool; readers: BackendPool },
  ) {
    this.clients = [...storage.values()].map((address) => new Storage(address, grpc.credentials.createInsecure(), CLIENT_OPTIONS));
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), DISCOVERY_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    for (const client of this.clients) client.close();
  }

  private async refresh(): Promise<void> {
    const lists = await Promise.all(this.clients.map((client) => listNodes(client)));
    const answered = lists.filter((l) => l !== undefined) as NodeList__Output[];
    if (this.clients.length > 0 && answered.length === 0) return;
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

function listNodes(client: StorageClient): Promise<NodeList__Output | undefined> {
  return new Promise((resolve) => {
    client.listNodes({}, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) => resolve(error ? undefined : response));
  });
}
