import { assert } from './assert.js';
import { decodeRevision, encodeRevision, REVISION_BYTES } from './key-encoding.js';
import type { BatchOp, Sublevel } from './keyspace.js';
import { decodeOutcome, encodeOutcome, type RecordedOutcome, type TxnOutcome } from './outcome.js';

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

/**
 * The request ids recorded for exactly-once transactions, as one apply call sees them: LevelDB as
 * of the start of the call plus the call's own records and expiries, which `batchOps` turns into
 * operations of the call's single batch. Two sublevels:
 *
 *   ids   request id (utf-8) -> u64be sequence ++ TxnOutcome (protobuf, with the request's digest)
 *   seqs  u64be sequence -> request id
 *
 * Recording id number n forgets id number n - maxIds, so at most maxIds ids are kept, and which
 * ones depends only on the log. Memory holds the call's records, never the whole table.
 */
export class DedupeTable {
  /**
   * Records written (or, null, deleted) by this call, by the id's utf-8 bytes as latin1: ids that
   * encode alike (lone surrogates) are one id here exactly as they are one key in LevelDB.
   */
  private readonly ids = new Map<string, Buffer | null>();
  /** Sequence index entries written (or, null, deleted) by this call. */
  private readonly sequences = new Map<number, string | null>();
  /**
   * Records as LevelDB held them at the start of the call (null: none), read ahead or read once;
   * keyed like `ids`, which take precedence. LevelDB does not change during the call.
   */
  private readonly storedIds = new Map<string, Buffer | null>();
  /** Sequence index entries as LevelDB held them at the start of the call, read ahead or read once. */
  private readonly storedSequences = new Map<number, string | null>();

  constructor(
    private readonly idSpace: Sublevel,
    private readonly sequenceSpace: Sublevel,
    private readonly maxIds: number,
  ) {
    assert(Number.isSafeInteger(maxIds) && maxIds >= 1, `dedupe limit ${maxIds} is not a positive integer`);
  }

  /**
   * Reads ahead, in one round trip per sublevel, the records of `ids` and the sequence index
   * entries `sequences` (recorded before the call), and then the records of the ids those name,
   * which expiring them checks. Later lookups of them wait on no LevelDB read.
   */
  async prefetch(ids: readonly string[], sequences: readonly number[]): Promise<void> {
    const wanted = sequences.filter((sequence) => !this.sequences.has(sequence) && !this.storedSequences.has(sequence));
    const [, names] = await Promise.all([
      this.prefetchIds(ids),
      wanted.length === 0 ? [] : this.sequenceSpace.getMany<Buffer, Buffer>(wanted.map(encodeRevision), BUFFERS),
    ]);
    assert(names.length === wanted.length, 'getMany returned a value per key');
    const expiring: string[] = [];
    for (const [i, sequence] of wanted.entries()) {
      const stored = names[i];
      this.storedSequences.set(sequence, stored === undefined ? null : stored.toString('utf8'));
      if (stored !== undefined) expiring.push(stored.toString('utf8'));
    }
    await this.prefetchIds(expiring);
  }

  /** The outcome and digest recorded for `id`, decoded afresh (so callers never share objects), or null. */
  async lookup(id: string): Promise<RecordedOutcome | null> {
    const record = await this.recordOf(id);
    return record === null ? null : decodeOutcome(record.subarray(REVISION_BYTES));
  }

  /**
   * Records `id` as number `sequence`, with the outcome and the digest of the request it answers,
   * and forgets the id recorded maxIds numbers earlier.
   */
  async record(id: string, outcome: TxnOutcome, digest: Buffer, sequence: number): Promise<void> {
    assert(id.length > 0, 'an empty request id is never recorded');
    assert((await this.recordOf(id)) === null, `request id ${id} recorded twice`);
    this.ids.set(idKey(id).toString('latin1'), Buffer.concat([encodeRevision(sequence), encodeOutcome(outcome, digest)]));
    this.sequences.set(sequence, id);
    const expired = sequence - this.maxIds;
    if (expired < 1) return;
    const expiredId = await this.idAt(expired);
    // Already forgotten only if the store was last opened with a smaller limit.
    if (expiredId === null) return;
    const expiredRecord = await this.recordOf(expiredId);
    assert(expiredRecord !== null && decodeRevision(expiredRecord) === expired, `id of sequence ${expired} lost its record`);
    this.ids.set(idKey(expiredId).toString('latin1'), null);
    this.sequences.set(expired, null);
  }

  /** The call's records and expiries as batch operations. */
  *batchOps(): Generator<BatchOp> {
    for (const [id, record] of this.ids) {
      const key = Buffer.from(id, 'latin1');
      if (record === null) yield { type: 'del', sublevel: this.idSpace, key };
      else yield { type: 'put', sublevel: this.idSpace, key, value: record };
    }
    for (const [sequence, id] of this.sequences) {
      const key = encodeRevision(sequence);
      if (id === null) yield { type: 'del', sublevel: this.sequenceSpace, key };
      else yield { type: 'put', sublevel: this.sequenceSpace, key, value: idKey(id) };
    }
  }

  private async prefetchIds(ids: readonly string[]): Promise<void> {
    const keys = new Map<string, Buffer>();
    for (const id of ids) {
      const key = idKey(id);
      const name = key.toString('latin1');
      if (!this.ids.has(name) && !this.storedIds.has(name)) keys.set(name, key);
    }
    if (keys.size === 0) return;
    const records = await this.idSpace.getMany<Buffer, Buffer>([...keys.values()], BUFFERS);
    assert(records.length === keys.size, 'getMany returned a value per key');
    let i = 0;
    for (const name of keys.keys()) this.storedIds.set(name, records[i++] ?? null);
  }

  private async recordOf(id: string): Promise<Buffer | null> {
    const key = idKey(id);
    const name = key.toString('latin1');
    const known = this.ids.has(name) ? this.ids.get(name) : this.storedIds.get(name);
    if (known !== undefined) return known;
    const stored = (await this.idSpace.get<Buffer, Buffer>(key, BUFFERS)) ?? null;
    this.storedIds.set(name, stored);
    return stored;
  }

  private async idAt(sequence: number): Promise<string | null> {
    const known = this.sequences.has(sequence) ? this.sequences.get(sequence) : this.storedSequences.get(sequence);
    if (known !== undefined) return known;
    const stored = await this.sequenceSpace.get<Buffer, Buffer>(encodeRevision(sequence), BUFFERS);
    const id = stored === undefined ? null : stored.toString('utf8');
    this.storedSequences.set(sequence, id);
    return id;
  }
}

function idKey(id: string): Buffer {
  return Buffer.from(id, 'utf8');
}
