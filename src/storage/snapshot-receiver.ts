import { MessageType, type Message } from '../consensus/types.js';
import type { SnapshotChunk__Output } from '../gen/quorumkv/internal/v1/SnapshotChunk.js';
import type { Keyspace } from '../mvcc/keyspace.js';
import { fromWire } from './raft-transport.js';
import { MalformedChunkError, RecordAssembler } from './snapshot-chunks.js';

// A follower's side of a snapshot transfer: stages the leader's state in the slot beside the
// applied one, then offers the snapshot message to the consensus core, and answers the sender once
// the core has had it installed. Two transfers must never write the staging slot together: the
// first chunk claims it, a transfer from a newer term takes it over (the older one's later chunks
// are dropped), and one from a term older than any seen is refused. Once the core has taken a
// snapshot, its install comes with the next Ready and nothing else may touch the slot until then.

/** Longest a transfer's sender waits for the core to install what it staged. */
export const INSTALL_TIMEOUT_MS = 5_000;

export interface SnapshotStaging {
  /** The staging slot, emptied. */
  emptyStaging(): Promise<Keyspace>;
}

export interface SnapshotReceiverHost {
  readonly cluster: string;
  readonly memberId: string;
  /** The consensus core's current term. */
  term(): number;
  /** Hands the staged snapshot's message to the core: true when the core will have it installed. */
  offer(message: Message): boolean;
  /** The installed snapshot's address book (this member's own address is the host's to keep). */
  adoptAddresses(addresses: Map<string, string>): Promise<void>;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ReceiveResult {
  installed: boolean;
  reason: string;
}

/** One transfer, from its first chunk until it is installed or given up. */
class Transfer {
  /** Set once the core took the snapshot: from then on only its install may touch the slot. */
  offered = false;
  /** Why this transfer lost the staging slot, if it did. */
  supersededBy: string | undefined;
  settle: ((installed: boolean) => void) | undefined;
  timer: unknown;

  constructor(
    readonly term: number,
    readonly index: number,
  ) {}
}

class Refused extends Error {}

export class SnapshotReceiver {
  /** The transfer that owns the staging slot, if any. */
  private owner: Transfer | undefined;
  /** The highest term a transfer claimed the slot with. */
  private highestTerm = 0;
  /** Staging writes, one after another: a takeover empties the slot only after the write in flight. */
  private slotWork: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly host: SnapshotReceiverHost,
    private readonly staging: SnapshotStaging,
    private readonly timers: Timers = REAL_TIMERS,
    private readonly installTimeoutMs = INSTALL_TIMEOUT_MS,
  ) {}

  /** A snapshot was handed to the core and waits for its Ready: no local snapshot until then. */
  get installPending(): boolean {
    return this.owner?.offered === true;
  }

  async receive(chunks: AsyncIterable<SnapshotChunk__Output>): Promise<ReceiveResult> {
    if (this.stopped) return refused('this storage member is shutting down');
    const iterator = chunks[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) return refused('the transfer carried no chunk');
    const chunk = first.value;
    if (!chunk.message || chunk.cluster !== this.host.cluster) return refused('the first chunk must carry the snapshot message of this cluster');
    const message = fromWire(chunk.message);
    if (message.type !== MessageType.Snap || message.to !== this.host.memberId) return refused('no snapshot message for this member');
    const claim = this.claim(message);
    if (typeof claim === 'string') return refused(claim);
    const mine = claim;
    try {
      const staged = await this.onSlot(mine, () => this.staging.emptyStaging());
      const records = new RecordAssembler();
      let last = false;
      for (let next: IteratorResult<SnapshotChunk__Output> = first; !next.done; next = await iterator.next()) {
        this.checkCurrent(mine);
        if (last) throw new Refused('the transfer went on after its last chunk');
        last = next.value.last;
        const complete = records.take(next.value.pairs);
        if (complete.length > 0) await this.onSlot(mine, () => staged.batch(complete.map((r) => ({ type: 'put' as const, key: r.key, value: r.value }))));
      }
      // A sender that gives up cancels its stream, which can look like its end here.
      if (!last) throw new Refused('the transfer was cut short before its last chunk');
      if (records.incomplete) throw new Refused('the transfer ended in the middle of a record');
      this.checkCurrent(mine);
    } catch (error) {
      this.release(mine);
      if (error instanceof Refused || error instanceof MalformedChunkError) return refused(error.message);
      throw error;
    }
    const installed = await this.offer(mine, message);
    if (installed) await this.host.adoptAddresses(new Map(Object.entries(chunk.addresses)));
    return { installed, reason: installed ? '' : mine.supersededBy ?? (mine.offered ? `not installed within ${this.installTimeoutMs} ms` : "the snapshot was not newer than this member's log") };
  }

  /** The core's Ready asks to install the snapshot at `index`: it must be the one staged. */
  takeInstall(index: number): void {
    const owner = this.owner;
    if (!owner?.offered || owner.index !== index) throw new Error(`snapshot at ${index} was never staged`);
  }

  /** The snapshot at `index` is the applied state now: its sender hears so, and the slot is free. */
  installed(index: number): void {
    const owner = this.owner;
    if (!owner?.offered || owner.index !== index) throw new Error(`snapshot at ${index} installed, but it was never staged`);
    this.owner = undefined;
    this.timers.clearTimeout(owner.timer);
    owner.settle?.(true);
  }

  /** Answers a transfer waiting for its install; stages nothing more. */
  stop(): void {
    this.stopped = true;
    const owner = this.owner;
    if (owner === undefined) return;
    owner.supersededBy = 'this storage member is shutting down';
    this.timers.clearTimeout(owner.timer);
    owner.settle?.(false);
  }

  /** Claims the staging slot for a transfer, or says why it may not have it. */
  private claim(message: Message): Transfer | string {
    const seenTerm = Math.max(this.host.term(), this.highestTerm);
    if (message.term < seenTerm) return `the snapshot comes from term ${message.term}, and this member has seen term ${seenTerm}: its sender is no longer the leader`;
    const current = this.owner;
    if (current !== undefined) {
      if (current.offered) return 'busy: another snapshot is being installed';
      if (message.term <= current.term) return `busy: a snapshot from term ${current.term} is being staged`;
      current.supersededBy = `a snapshot from term ${message.term} took over the staging slot`;
    }
    const mine = new Transfer(message.term, message.index);
    this.owner = mine;
    this.highestTerm = message.term;
    return mine;
  }

  /** Runs a staging-slot operation after those before it, if `mine` still owns the slot then. */
  private onSlot<T>(mine: Transfer, operation: () => Promise<T>): Promise<T> {
    const turn = this.slotWork.then(() => {
      this.checkCurrent(mine);
      return operation();
    });
    this.slotWork = turn.catch(() => undefined);
    return turn;
  }

  /** Throws when `mine` lost the slot or its sender was deposed since it claimed it. */
  private checkCurrent(mine: Transfer): void {
    if (this.owner !== mine) throw new Refused(mine.supersededBy ?? 'the staging slot was taken by another snapshot');
    if (this.stopped) throw new Refused('this storage member is shutting down');
    const term = this.host.term();
    if (term > mine.term) throw new Refused(`the leader of term ${mine.term} that sent the snapshot was deposed (term ${term} now)`);
  }

  /** Offers the staged snapshot to the core; resolves with whether it was installed. */
  private offer(mine: Transfer, message: Message): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      // Claimed for its install before the core sees it: the core may ask for the install at once.
      mine.offered = true;
      mine.settle = resolve;
      if (!this.host.offer(message)) {
        mine.offered = false;
        this.release(mine);
        resolve(false);
        return;
      }
      // The sender is answered in time; the slot stays claimed, since the core holds the snapshot
      // and will ask for its install. This timer only ever answers its own transfer.
      mine.timer = this.timers.setTimeout(() => resolve(false), this.installTimeoutMs);
    });
  }

  private release(mine: Transfer): void {
    if (this.owner === mine) this.owner = undefined;
  }
}

function refused(reason: string): ReceiveResult {
  return { installed: false, reason };
}
