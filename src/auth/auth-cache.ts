import { UnavailableError } from '../errors.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { StorageRouter } from '../node/storage-router.js';
import { AUTH_RANGE, AuthState } from './auth-records.js';

// A compute node's copy of the auth records, read at start and again every REFRESH_MS, and at
// once after a change made through this node. Reads are serializable (any replica): a node keeps
// its copy current, and a reader node can start, while the storage tier elects a leader. Requests are checked against the
// copy without a round trip; until the first read completes they wait for it. Reading again
// costs one small range read per node per interval; following the log instead would cost every
// storage member a change-log read per revision per node, on every write.

/** How soon a change made through another node takes effect on this one, at most (plus one read). */
export const REFRESH_MS = 1_000;
const READ_TIMEOUT_MS = 5_000;

export class AuthCache {
  /** The records as of the latest read; undefined until the first one. */
  private state: AuthState | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly storage: StorageRouter) {}

  start(): void {
    void this.refresh();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** The current records, or undefined when they have not been read yet. */
  get loaded(): AuthState | undefined {
    return this.state;
  }

  /** The current records, waiting for the first read until `deadline`. */
  async current(deadline: number): Promise<AuthState> {
    while (!this.state) {
      const left = deadline - Date.now();
      if (left <= 0) throw new UnavailableError("this node has not read the cluster's auth records yet; retry");
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiting.add(done);
      });
    }
    return this.state;
  }

  /** Reads the records again now (one read at a time); a failed read keeps the copy it had. */
  refresh(): Promise<void> {
    this.reading ??= this.readAll()
      .catch(() => undefined)
      .finally(() => {
        this.reading = undefined;
        clearTimeout(this.timer);
        if (!this.stopped) this.timer = setTimeout(() => void this.refresh(), REFRESH_MS);
      });
    return this.reading;
  }

  /** Every auth record at one revision. */
  private async readAll(): Promise<void> {
    const deadline = Date.now() + READ_TIMEOUT_MS;
    const records: Array<{ key: Buffer; value: Buffer }> = [];
    let key = AUTH_RANGE.key;
    let revision = 0;
    for (;;) {
      const page = await this.storage.toReplica<RangeResponse__Output>(deadline, (m, o, done) =>
        m.client.read({ key, rangeEnd: AUTH_RANGE.rangeEnd, revision, serializable: true }, o, done),
      );
      revision = page.header?.revision ?? revision;
      records.push(...page.kvs);
      if (!page.more || page.kvs.length === 0) break;
      key = Buffer.concat([page.kvs[page.kvs.length - 1].key, Buffer.from([0])]);
    }
    this.state = AuthState.of(records);
    for (const wake of [...this.waiting]) wake();
  }
}
