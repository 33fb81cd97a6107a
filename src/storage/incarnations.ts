import { randomBytes } from 'node:crypto';
import type { AbstractSublevel } from 'abstract-level';

// A member's incarnation is a random id created with its data directory. Every message batch a
// member sends carries it, and every member keeps, durably, the first incarnation it learned for
// each peer ("pins" it). A peer that comes back under its old id with a new incarnation lost its
// disk: it may have voted, or acknowledged entries, that it no longer remembers, so counting it
// again could elect a leader without an acknowledged write. Its messages are ignored until a
// membership change removes it (which forgets its incarnation), and it is added again.
//
// How a member learns an incarnation (peer-admission.ts decides each message):
// - From the peer's own messages, but only while this member leads, while its log is empty (the
//   cluster's first election: nobody knows anybody yet), or when the message is the peer's append
//   or heartbeat (the peer leads, so a quorum that knew it elected it).
// - From the leader: a leader sends the incarnations it knows with every append and heartbeat
//   (MessageBatch.known_incarnations). Followers never message each other, so without this a
//   follower C would not know follower B's incarnation; after B's disk is wiped, C would take the
//   new B's vote, and the two could elect C without a write that only the leader and the old B had.
// - From no one else. A member whose log is not empty and that has not learned a peer's
//   incarnation drops that peer's messages, votes included, until a leader vouches for the peer:
//   the peer may have lost its disk since it last took part, and nothing this member holds can say
//   otherwise. Two followers that never heard of each other cannot then elect a leader between
//   them; they wait for a member that knows them both. That costs availability only in a narrow
//   case (a member down since before its first contact with a leader, and that leader down too),
//   never safety.
//
// Why a leader's word and not a record in the replicated log: which messages a member admits is
// not part of the state machine, so it need not be decided at the same log index everywhere; what
// matters is that every follower learns every voter's incarnation as early as possible and keeps
// it across restarts. Every append already reaches every follower, so a follower that holds an
// entry from a leader also knows each incarnation that leader knew when it sent it, without a new
// kind of log entry, a snapshot field, or a wait for the record to be committed and applied (a
// follower knows of a commit one round after the leader). A log record would also need the first
// members' incarnations proposed after the first election, leaving the same window open.
//
// How each way a data directory comes to be fits that rule:
// - First start (`quorumkv up`, or `storage` on an empty directory): the log is empty, so the
//   member pins what it hears first; the first leader then vouches for everyone it knows.
// - Added by a membership change (`--join`): its log is empty until the leader's first append or
//   snapshot, and it pins the leader from that append; the leader pins the new member (it leads),
//   and from then on vouches for it to the other followers.
// - Restored from a backup (`snapshot restore`, src/backup/restore.ts): the log starts with the
//   restored snapshot, so it is not empty, and a member that learned nobody would refuse every
//   peer: no leader could ever be elected. Restore writes every member of the new cluster at once,
//   so it gives each a new incarnation and writes into each directory its own and every other
//   member's (`Incarnations.seed`): the restored members know each other from their first start,
//   as members of a running cluster do, and a restored member whose directory is wiped later is
//   refused like any other. The directories of one restore belong together: one restored by
//   another run has other incarnations, and its peers refuse it as they refuse a wiped member.
//   Trusting first contact instead would reopen, for every restored cluster, the hole below.
//
// What is left: a member that has learned nothing at all (its log is empty) cannot tell a wiped
// peer from a first start, so it pins whatever it hears first. If follower C was down since the
// cluster's first start, and B's disk is wiped while A is down, C and the new B can elect a leader
// without A's and the old B's writes. Only the wiped member's operator can close that: a member
// whose disk was lost must be removed and added again (`quorumkv members remove`, then `add`
// with `--join`). A leader also pins a peer it never knew directly (it must, to admit a member it
// adds or one it never heard from); the peer's acknowledgements are honest from then on, and a
// leader holds every committed entry, so this loses nothing unless more members fail than a
// quorum can lose.

type Db = AbstractSublevel<any, any, Buffer, Buffer>;
const OWN_KEY = Buffer.from('i');
const PEERS_KEY = Buffer.from('p');

export type IncarnationVerdict = 'known' | 'new' | 'stale';

export class Incarnations {
  /** The last write of the records, which the next one waits for. */
  private saving: Promise<void> = Promise.resolve();
  /** `known()`, kept until the next change. */
  private vouched: Readonly<Record<string, string>> | undefined;

  private constructor(
    private readonly db: Db,
    /** This member's id. */
    private readonly self: string,
    /** This member's incarnation. */
    readonly own: string,
    private readonly peers: Map<string, string>,
  ) {}

  /** The stored incarnations; a data directory that has none gets a new one of its own, durably. */
  static async open(db: Db, self: string): Promise<Incarnations> {
    const stored = (await db.get(OWN_KEY))?.toString('utf8');
    const own = stored ?? newIncarnation();
    if (stored === undefined) await writeSynced(db, OWN_KEY, Buffer.from(own, 'utf8'));
    const rawPeers = await db.get(PEERS_KEY);
    const peers = rawPeers ? new Map<string, string>(Object.entries(JSON.parse(rawPeers.toString('utf8')))) : new Map<string, string>();
    return new Incarnations(db, self, own, peers);
  }

  /**
   * Writes the records of a data directory that its member has not started on yet: its own
   * incarnation and every peer's, from `all` (member id → incarnation, `self` included). For a
   * writer that creates every member of a cluster at once (`snapshot restore`): its members start
   * with a log that is not empty, so each must know the others from the start (see the top of
   * this file).
   */
  static async seed(db: Db, self: string, all: ReadonlyMap<string, string>): Promise<void> {
    const own = all.get(self);
    if (own === undefined) throw new Error(`no incarnation given for ${self} itself`);
    if ((await db.get(OWN_KEY)) !== undefined) throw new Error(`the data directory of ${self} already has an incarnation`);
    const peers = Object.fromEntries([...all].filter(([id]) => id !== self));
    const batch = db.batch();
    batch.put(PEERS_KEY, Buffer.from(JSON.stringify(peers), 'utf8'));
    batch.put(OWN_KEY, Buffer.from(own, 'utf8'));
    await batch.write({ sync: true });
  }

  /** Whether `incarnation` is the one known for `peer`, the first heard from it, or a later one. */
  verdict(peer: string, incarnation: string): IncarnationVerdict {
    const known = this.peers.get(peer);
    if (known === undefined) return 'new';
    return known === incarnation ? 'known' : 'stale';
  }

  /** Every incarnation known, this member's own included (member id → incarnation), as a leader vouches for them. */
  known(): Readonly<Record<string, string>> {
    this.vouched ??= Object.freeze({ ...Object.fromEntries(this.peers), [this.self]: this.own });
    return this.vouched;
  }

  /** How many peers' incarnations are recorded. */
  get count(): number {
    return this.peers.size;
  }

  /** The incarnation last recorded for `peer`, if any. */
  of(peer: string): string | undefined {
    return this.peers.get(peer);
  }

  /**
   * Records the first incarnation heard of each peer; a later one never replaces it. It counts at
   * once and is on disk when this resolves: a record lost to a crash leaves the peer unknown,
   * which makes it count less, never more.
   */
  async learn(learned: ReadonlyArray<readonly [peer: string, incarnation: string]>): Promise<void> {
    let changed = false;
    for (const [peer, incarnation] of learned) {
      if (peer === this.self || this.peers.has(peer)) continue;
      this.peers.set(peer, incarnation);
      changed = true;
    }
    if (changed) await this.save();
  }

  /** Forgets `peer`'s incarnation: it was removed, and may be added again with a new one. */
  async forget(peer: string): Promise<void> {
    if (!this.peers.delete(peer)) return;
    await this.save();
  }

  /**
   * Writes the records as they are when the write starts, one write at a time: two writes in
   * flight at once could land out of order and leave the older records on disk.
   */
  private save(): Promise<void> {
    this.vouched = undefined;
    const written = this.saving.then(() => writeSynced(this.db, PEERS_KEY, Buffer.from(JSON.stringify(Object.fromEntries(this.peers)), 'utf8')));
    this.saving = written.catch(() => undefined);
    return written;
  }
}

/** A new data directory's incarnation: random, so a directory created again under the same id has another. */
export function newIncarnation(): string {
  return randomBytes(8).toString('hex');
}

async function writeSynced(db: Db, key: Buffer, value: Buffer): Promise<void> {
  const batch = db.batch();
  batch.put(key, value);
  await batch.write({ sync: true });
}
