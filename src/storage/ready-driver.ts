import { performance } from 'node:perf_hooks';
import type { RaftNode } from '../consensus/raft.js';
import { MessageType, type Entry, type HardState, type Message, type Ready, type ReadState, type SoftState, type Snapshot } from '../consensus/types.js';
import { failpoint } from '../failpoints.js';
import type { DurableLog } from './durable-log.js';
import { isLeaderReplication } from './peer-admission.js';

// Carries out the consensus core's Ready records, one at a time and in the order the core requires:
// install a snapshot, persist (fsync), send, apply, advance. What each step does to the world is
// the storage member's (ReadyHooks); the order, and what may be sent before the disk write, is here.

/** What the Ready driver asks of its storage member. */
export interface ReadyHooks {
  /** The known leader or this member's role changed. */
  onSoftState(softState: SoftState): void;
  /** Makes a snapshot from the leader the applied state and the log's start (before anything else in its Ready). */
  installSnapshot(snapshot: Snapshot): Promise<void>;
  /** Leader: streams the applied state to the followers these Snap messages are for. */
  sendSnapshots(messages: Message[]): void;
  send(messages: Message[]): void;
  /** A Ready's hard state and entries are durable; `durationS` is how long saving them took. */
  saved(hardState: HardState | undefined, durationS: number): void;
  apply(committedEntries: Entry[]): Promise<void>;
  onReadStates(readStates: ReadState[]): void;
  /** After the core's advance() for `ready`, before its next ready(): a snapshot may be recorded here. */
  afterAdvance(ready: Ready): Promise<void>;
  /** Once no Ready is left, before the loop ends or looks again: a snapshot may be recorded here too. */
  betweenReadies(): Promise<void>;
  /** The log or state could not be written: going on could acknowledge lost data. */
  fatal(where: string, error: unknown): void;
}

export class ReadyDriver {
  private running: Promise<void> | undefined;
  /**
   * Set before the loop's first step, which runs synchronously inside schedule(): a hook that
   * schedules from there (a leader change aborting a read round) must not start a second loop.
   */
  private isRunning = false;
  /** An input arrived while the loop ran: look for a Ready again before ending. */
  private again = false;
  private stopped = false;

  constructor(
    private readonly raft: RaftNode,
    private readonly log: DurableLog,
    private readonly hooks: ReadyHooks,
  ) {}

  /** Runs the Ready loop; inputs that arrive while it runs are picked up before it ends. */
  schedule(): void {
    if (this.isRunning) {
      this.again = true;
      return;
    }
    this.isRunning = true;
    this.running = this.run().finally(() => {
      this.isRunning = false;
      this.running = undefined;
      // An input that came after the loop's last look, but before it ended, still needs one.
      if (this.again && !this.stopped) this.schedule();
    });
  }

  /** The loop is carrying out Readies (or waiting on a hook or the disk). */
  get busy(): boolean {
    return this.isRunning;
  }

  /** Resolves once the loop is not running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Ends the loop after the Ready it is carrying out, and waits for it; no Ready is taken after this. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.idle();
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.stopped && this.raft.hasReady()) {
          const ready = this.raft.ready();
          await this.handle(ready);
          await this.hooks.afterAdvance(ready);
        }
        await this.hooks.betweenReadies();
      } while (this.again && !this.stopped);
    } catch (error) {
      this.hooks.fatal('ready loop', error);
    }
  }

  private async handle(ready: Ready): Promise<void> {
    if (ready.softState) this.hooks.onSoftState(ready.softState);
    if (ready.snapshot) await this.hooks.installSnapshot(ready.snapshot);
    let messages = ready.messages;
    // A snapshot carries the applied state, which this Ready's writes do not change: its stream starts now.
    if (messages.some((m) => m.type === MessageType.Snap)) {
      this.hooks.sendSnapshots(messages.filter((m) => m.type === MessageType.Snap));
      messages = messages.filter((m) => m.type !== MessageType.Snap);
    }
    // A leader's appends and heartbeats may travel while its own copy is being written (Raft
    // thesis §10.2.1): the leader counts its own entries towards a commit only after advance(),
    // and followers acknowledge only what they have fsynced. Anything that answers a vote or
    // acknowledges entries still waits for the disk, as does everything after a term or vote change.
    const early = this.log.changesTermOrVote(ready.hardState) ? [] : messages.filter(isLeaderReplication);
    const late = early.length === 0 ? messages : messages.filter((m) => !isLeaderReplication(m));
    if (early.length > 0) {
      this.hooks.send(early);
      if (ready.entries.length > 0) await failpoint('send-before-save');
    }
    if (ready.hardState || ready.entries.length > 0) {
      const started = performance.now();
      await this.log.save(ready.hardState, ready.entries);
      this.hooks.saved(ready.hardState, (performance.now() - started) / 1000);
    }
    if (late.length > 0) this.hooks.send(late);
    if (ready.committedEntries.length > 0) await this.hooks.apply(ready.committedEntries);
    if (ready.readStates.length > 0) this.hooks.onReadStates(ready.readStates);
    this.raft.advance();
  }
}
