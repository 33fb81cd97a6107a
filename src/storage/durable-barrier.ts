// Makes every write so far durable, synced or not. A write with sync:true fsyncs LevelDB's
// current write-ahead log file, and with it every earlier write in that file; but LevelDB starts
// a new file without syncing the old one, so after a power cut a synced write can survive while
// an earlier one is gone. Before a durable step that depends on earlier unsynced writes (a staged
// state made the applied one), the memtable is flushed to a table file, which LevelDB syncs
// along with its manifest. compactRange does that before anything else; over a range past every
// key it compacts nothing more.

const PAST_EVERY_KEY = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/** LevelDB's (classic-level) can flush its memtable; 'level' does not declare it, memory-level has nothing to flush. */
interface Flushable {
  compactRange?(start: Buffer, end: Buffer): Promise<void>;
}

export async function makeWritesDurable(db: object): Promise<void> {
  await (db as Flushable).compactRange?.(PAST_EVERY_KEY, PAST_EVERY_KEY);
}
