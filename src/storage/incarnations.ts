import { randomBytes } from 'node:crypto';
import type { AbstractSublevel } from 'abstract-level';

// A member's incarnation is a random id created with its data directory. Every message batch a
// member sends carries it, and every member keeps, durably, the incarnation it first heard from
// each peer. A peer that comes back under its old id with a new incarnation lost its disk: it may
// have voted, or acknowledged entries, that it no longer remembers, so counting it again could
// elect a leader without an acknowledged write. Its messages are ignored until a membership
// change removes it (which forgets its incarnation), and it is added again.

type Db = AbstractSublevel<any, any, Buffer, Buffer>;
const OWN_KEY = Buffer.from('i');
const PEERS_KEY = Buffer.from('p');

export type IncarnationVerdict = 'known' | 'new' | 'stale';

export class Incarnations {
  private constructor(
    private readonly db: Db,
    /** This member's incarnation. */
    readonly own: string,
    private readonly peers: Map<string, string>,
  ) {}

  /** The stored incarnations; a data directory that has none gets a new one of its own, durably. */
  static async open(db: Db): Promise<Incarnations> {
    const stored = (await db.get(OWN_KEY))?.toString('utf8');
    const own = stored ?? randomBytes(8).toString('hex');
    if (stored === undefined) await writeSynced(db, OWN_KEY, Buffer.from(own, 'utf8'));
    const rawPeers = await db.get(PEERS_KEY);
    const peers = rawPeers ? new Map<string, string>(Object.entries(JSON.parse(rawPeers.toString('utf8')))) : new Map<string, string>();
    return new Incarnations(db, own, peers);
  }

  /** Whether `incarnation` is the one known for `peer`, the first heard from it, or a later one. */
  verdict(peer: string, incarnation: string): IncarnationVerdict {
    const known = this.peers.get(peer);
    if (known === undefined) return 'new';
    return known === incarnation ? 'known' : 'stale';
  }

  /** The incarnation last recorded for `peer`, if any. */
  of(peer: string): string | undefined {
    return this.peers.get(peer);
  }

  /** Records, durably, the first incarnation heard from `peer`; a later one never replaces it. */
  async learn(peer: string, incarnation: string): Promise<void> {
    if (this.peers.has(peer)) return;
    this.peers.set(peer, incarnation);
    await this.save();
  }

  /** Forgets `peer`'s incarnation: it was removed, and may be added again with a new one. */
  async forget(peer: string): Promise<void> {
    if (!this.peers.delete(peer)) return;
    await this.save();
  }

  private async save(): Promise<void> {
    await writeSynced(this.db, PEERS_KEY, Buffer.from(JSON.stringify(Object.fromEntries(this.peers)), 'utf8'));
  }
}

async function writeSynced(db: Db, key: Buffer, value: Buffer): Promise<void> {
  const batch = db.batch();
  batch.put(key, value);
  await batch.write({ sync: true });
}
