import { mkdirSync } from 'node:fs';
import { Level } from 'level';
import type { NodeId } from '../consensus/types.js';
import type { Keyspace } from '../mvcc/keyspace.js';
import type { MvccLimits } from '../mvcc/limits.js';
import { log } from '../observability/log.js';
import { REAL_TIMERS, type Timers } from './snapshot-receiver.js';
import { SnapshotSender, type SnapshotTransport } from './snapshot-sender.js';

// What a storage member takes from the world around it, so a test can run members in one process
// over in-memory databases, with its own clock and snapshot transport, and see a fatal error
// instead of the process exiting.

export interface MemberEnvironment {
  /** Opens (creating if need be) the database in `dataDir`. */
  openDb(dataDir: string): Promise<Keyspace>;
  /** The log or state could not be written: going on could acknowledge lost data. */
  fatal(where: string, error: unknown): never;
  /** Starts streaming snapshots to followers; each outcome goes to `report`. */
  snapshotTransport(report: (to: NodeId, ok: boolean) => void): SnapshotTransport;
  /** Calls `fn` every `ms` milliseconds until the returned stop is called. */
  every(ms: number, fn: () => void): () => void;
  /** One-off timeouts of the member's own (a staged snapshot's wait for its install). */
  timers: Timers;
  /** Limits of the MVCC state, on top of the defaults (limits.ts). */
  mvccLimits: Partial<MvccLimits>;
}

/** A storage member process: LevelDB on disk, gRPC snapshot streams, real timers, exit on fatal. */
export const PROCESS_ENVIRONMENT: MemberEnvironment = {
  async openDb(dataDir) {
    mkdirSync(dataDir, { recursive: true });
    const db = new Level<Buffer, Buffer>(dataDir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    return db as unknown as Keyspace;
  },
  fatal(where, error) {
    log.fatal({ err: error, where }, `fatal: ${where}`);
    process.exit(70);
  },
  snapshotTransport: (report) => new SnapshotSender(report),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  },
  timers: REAL_TIMERS,
  mvccLimits: {},
};
