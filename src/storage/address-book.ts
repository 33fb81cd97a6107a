import type { AbstractSublevel } from 'abstract-level';

// Where each storage member listens, for the members that are in (or joining) the configuration.
// It changes with membership changes — the address travels in the conf-change entry — and with
// snapshots, and is kept in the raft sublevel so a restarted member still reaches its peers.

type Db = AbstractSublevel<any, any, Buffer, Buffer>;
const KEY = Buffer.from('a');

export class AddressBook {
  private constructor(
    private readonly db: Db,
    private addresses: Map<string, string>,
  ) {}

  /** The stored book, or `initial` (the command line's peers) for a member that has none yet. */
  static async open(db: Db, initial: ReadonlyMap<string, string>): Promise<AddressBook> {
    const raw = await db.get(KEY);
    const stored = raw ? new Map<string, string>(Object.entries(JSON.parse(raw.toString('utf8')))) : undefined;
    return new AddressBook(db, stored ?? new Map(initial));
  }

  get(id: string): string | undefined {
    return this.addresses.get(id);
  }

  entries(): Map<string, string> {
    return new Map(this.addresses);
  }

  async set(id: string, address: string): Promise<void> {
    this.addresses.set(id, address);
    await this.save();
  }

  async delete(id: string): Promise<void> {
    this.addresses.delete(id);
    await this.save();
  }

  async replace(addresses: ReadonlyMap<string, string>): Promise<void> {
    this.addresses = new Map(addresses);
    await this.save();
  }

  private async save(): Promise<void> {
    const batch = this.db.batch();
    batch.put(KEY, Buffer.from(JSON.stringify(Object.fromEntries(this.addresses)), 'utf8'));
    await batch.write({ sync: true });
  }
}
