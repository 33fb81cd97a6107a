import { UnavailableError } from '../errors.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { WatchResponse__Output } from '../gen/quorumkv/v1/WatchResponse.js';
import type { StorageRouter } from '../node/storage-router.js';
import { followResuming, type FollowSink } from '../node/watch-service.js';
import { AUTH_RANGE, AuthState } from './auth-records.js';

// A compute node's copy of the auth records: read once (linearizable) at start, then kept current
// by following the log over the auth key range, so a change made through any node takes effect
// on this one as soon as this one has seen it applied. Requests are checked against the copy
// without a round trip; until the first read completes they wait for it.

const RETRY_PAUSE_MS = 500;
const READ_TIMEOUT_MS = 5_000;

export class AuthCache {
  /** The records as of the latest revision seen; undefined until the first read. */
  private state: AuthState | undefined;
  private readonly records = new Map<string, { key: Buffer; value: Buffer }>();
  private stopped = false;
  private readonly waiting = new Set<() => void>();
  private readonly stopListeners = new Set<() => void>();

  constructor(private readonly storage: StorageRouter) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    for (const listener of this.stopListeners) listener();
  }

  /** The current records, or undefined when they have not been read yet. */
  get loaded(): AuthState | undefined {
    return this.state;
  }

  /** The current records, waiting for the first read until `deadline`. */
  async current(deadline: number): Promise<AuthState> {
    while (!this.state) {
      const left = deadline - Date.now();
      if (left <= 0) throw new UnavailableError('this node has not read the cluster\'s auth records yet; retry');
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

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const revision = await this.readAll();
        await followResuming(this.storage, { ...AUTH_RANGE, startRevision: revision + 1, prevKv: false, progressOnly: false }, this.sink());
      } catch {
        // A member failure the follow could not ride out, or a compacted start: read afresh.
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
  }

  /** Reads every auth record at one revision; returns that revision. */
  private async readAll(): Promise<number> {
    const deadline = Date.now() + READ_TIMEOUT_MS;
    this.records.clear();
    let key = AUTH_RANGE.key;
    let revision = 0;
    for (;;) {
      const page = await this.storage.toLeader<RangeResponse__Output>(deadline, (c, o, done) => c.read({ key, rangeEnd: AUTH_RANGE.rangeEnd, revision }, o, done));
      revision = page.header?.revision ?? revision;
      for (const kv of page.kvs) this.records.set(kv.key.toString('hex'), { key: kv.key, value: kv.value });
      if (!page.more || page.kvs.length === 0) break;
      key = Buffer.concat([page.kvs[page.kvs.length - 1].key, Buffer.from([0])]);
    }
    this.publish();
    return revision;
  }

  private sink(): FollowSink {
    const cache = this;
    return {
      deliver: async (response: WatchResponse__Output) => {
        if (response.events.length === 0) return;
        for (const event of response.events) {
          const key = event.kv?.key;
          if (!key) continue;
          if (event.type === 'DELETE') this.records.delete(key.toString('hex'));
          else this.records.set(key.toString('hex'), { key, value: event.kv!.value });
        }
        this.publish();
      },
      get gone() {
        return cache.stopped;
      },
      onGone: (listener) => {
        this.stopListeners.add(listener);
        return () => this.stopListeners.delete(listener);
      },
    };
  }

  private publish(): void {
    this.state = AuthState.of(this.records.values());
    for (const wake of [...this.waiting]) wake();
  }
}
