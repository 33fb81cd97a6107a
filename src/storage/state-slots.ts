import type { SnapshotMetadata } from '../consensus/types.js';
import type { Keyspace } from '../mvcc/keyspace.js';
import { makeWritesDurable } from './durable-barrier.js';

// The applied state lives in one of two sublevels. A snapshot from the leader is staged in the
// other one, and a single durable write of the pointer, once the staged writes are durable too
// (durable-barrier.ts), makes it the applied state: a crash
// before that write leaves the old state in force, after it the new one. The same write records
// the snapshot's metadata (index, term, configuration), so a crash before the raft log records
// the snapshot too can be finished at the next start (startup-recovery.ts).

const SLOTS = ['state', 'state-b'] as const;
type Slot = (typeof SLOTS)[number];
const ACTIVE_KEY = Buffer.from('active-state');
/** The metadata of the snapshot last installed into a slot, written with the pointer. */
const INSTALLED_KEY = Buffer.from('installed-snapshot');
const CLEAR_BATCH_KEYS = 1_000;
const OPTIONS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

export class StateSlots {
  private constructor(
    private readonly db: Keyspace,
    private active: Slot,
    private installed: SnapshotMetadata | undefined,
  ) {}

  static async open(db: Keyspace): Promise<StateSlots> {
    const raw = await db.get(ACTIVE_KEY);
    const name = raw?.toString('utf8');
    const installed = await db.get(INSTALLED_KEY);
    return new StateSlots(db, SLOTS.includes(name as Slot) ? (name as Slot) : 'state', installed ? (JSON.parse(installed.toString('utf8')) as SnapshotMetadata) : undefined);
  }

  /** The leader's snapshot last made the applied state, if any (a later local snapshot does not change it). */
  installedSnapshot(): SnapshotMetadata | undefined {
    return this.installed;
  }

  activeSpace(): Keyspace {
    return this.space(this.active);
  }

  /** The other slot, emptied, to stage a snapshot in. */
  async emptyStaging(): Promise<Keyspace> {
    const staging = this.space(this.other());
    await clear(staging);
    return staging;
  }

  /** Makes the staged slot, holding the state of `snapshot`, the applied state, durably. */
  async activateStaging(snapshot: SnapshotMetadata): Promise<Keyspace> {
    const next = this.other();
    // The staged state was written without sync: all of it must be on disk before the pointer.
    await makeWritesDurable(this.db);
    const batch = this.db.batch();
    batch.put(ACTIVE_KEY, Buffer.from(next, 'utf8'));
    batch.put(INSTALLED_KEY, Buffer.from(JSON.stringify(snapshot), 'utf8'));
    await batch.write({ sync: true });
    this.active = next;
    this.installed = snapshot;
    return this.space(next);
  }

  private other(): Slot {
    return this.active === SLOTS[0] ? SLOTS[1] : SLOTS[0];
  }

  private space(slot: Slot): Keyspace {
    return this.db.sublevel<Buffer, Buffer>(slot, OPTIONS) as unknown as Keyspace;
  }
}

async function clear(space: Keyspace): Promise<void> {
  for (;;) {
    const keys: Buffer[] = [];
    for await (const key of space.keys({ limit: CLEAR_BATCH_KEYS })) keys.push(key as Buffer);
    if (keys.length === 0) return;
    await space.batch(keys.map((key) => ({ type: 'del' as const, key })));
  }
}
