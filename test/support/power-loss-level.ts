import { MemoryLevel } from 'memory-level';
import type { SeededRandom } from '../../src/consensus/random.js';

// An in-memory LevelDB that loses what LevelDB loses on a power cut. LevelDB appends every write
// to its write-ahead log file; a write with `sync` fsyncs that file, which makes every earlier
// write in the same file durable. When the file fills it starts a new one without syncing the
// old, so a synced write in the new file vouches for nothing in the old one. After a cut, each
// file keeps a prefix of its writes: at least up to its last synced write, perhaps more. A batch
// is one record: all of it survives, or none.
//
// `rotateChance` is how often a write starts a new file; `fsync`, how long a synced write takes
// (a cut before it is over may keep the write or not); `crash` builds the disk a restart would
// find (treated as durable from then on: LevelDB's recovery writes it out before it opens), and
// `compactRange`, as LevelDB's, first flushes the memtable, which makes every write durable.

interface Operation {
  type: 'put' | 'del';
  key: Buffer;
  value?: Buffer;
}

interface Write {
  operations: Operation[];
  sync: boolean;
}

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

/** The storage methods abstract-level calls, which memory-level implements but does not declare. */
interface StoreMethods {
  _put(key: Buffer, value: Buffer, options: object): Promise<void>;
  _del(key: Buffer, options: object): Promise<void>;
  _batch(operations: Operation[], options: object): Promise<void>;
}
const store = MemoryLevel.prototype as unknown as StoreMethods;

export class PowerLossLevel extends MemoryLevel<Buffer, Buffer> {
  /** Write-ahead log files since the last crash, oldest first. */
  private files: Write[][] = [[]];
  /** Operations known durable: the disk found at the last crash, and what compactRange flushed since. */
  private durable: Operation[] = [];

  /** `fsync`: how long a synced write takes (the simulator's clock); at once when not given. */
  constructor(
    private readonly random: SeededRandom,
    private readonly rotateChance: number,
    private readonly fsync?: () => Promise<void>,
  ) {
    super(BUFFERS);
  }

  static async open(random: SeededRandom, rotateChance: number, fsync?: () => Promise<void>): Promise<PowerLossLevel> {
    const db = new PowerLossLevel(random, rotateChance, fsync);
    await db.open();
    return db;
  }

  /** The disk after a power cut now, open; this database is closed. */
  async crash(): Promise<PowerLossLevel> {
    const surviving = [...this.durable];
    for (const file of this.files) {
      const lastSync = file.map((w) => w.sync).lastIndexOf(true);
      const kept = this.random.between(lastSync + 1, file.length);
      for (const write of file.slice(0, kept)) surviving.push(...write.operations);
    }
    await this.close();
    const next = await PowerLossLevel.open(this.random, this.rotateChance, this.fsync);
    await next.replay(surviving);
    return next;
  }

  /** LevelDB flushes its memtable to a synced table file first (durable-barrier.ts): everything written so far is durable. */
  async compactRange(): Promise<void> {
    for (const file of this.files) for (const write of file) this.durable.push(...write.operations);
    this.files = [[]];
  }

  async _put(key: Buffer, value: Buffer, options: { sync?: boolean }): Promise<void> {
    await this.record([{ type: 'put', key, value }], options);
    return store._put.call(this, key, value, options);
  }

  async _del(key: Buffer, options: { sync?: boolean }): Promise<void> {
    await this.record([{ type: 'del', key }], options);
    return store._del.call(this, key, options);
  }

  async _batch(operations: Operation[], options: { sync?: boolean }): Promise<void> {
    await this.record(operations.map((o) => ({ type: o.type, key: o.key, value: o.value })), options);
    return store._batch.call(this, operations, options);
  }

  /** Appends the write to the current log file; a synced one counts as synced once its fsync is over. */
  private async record(operations: Operation[], options: { sync?: boolean }): Promise<void> {
    if (this.random.chance(this.rotateChance)) this.files.push([]);
    const write: Write = { operations, sync: options.sync === true && this.fsync === undefined };
    this.files[this.files.length - 1]!.push(write);
    if (options.sync !== true || this.fsync === undefined) return;
    await this.fsync();
    write.sync = true;
  }

  private async replay(operations: Operation[]): Promise<void> {
    await store._batch.call(this, operations, {});
    this.durable = operations;
  }
}
