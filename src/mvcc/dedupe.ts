import { assert } from './assert.js';
import { decodeRevision, encodeRevision, REVISION_BYTES } from './key-encoding.js';
import type { BatchOp, Sublevel } from './keyspace.js';
import { decodeOutcome, encodeOutcome, type TxnOutcome } from './outcome.js';

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

/**
 * The request ids recorded for exactly-once transactions, as one apply call sees them: LevelDB as
 * of the start of the call plus the call's own records and expiries, which `batchOps` turns into
 * operations of the call's single batch. Two sublevels:
 *
 *   ids   request id (utf-8) -> u64be sequence ++ TxnOutcome (protobuf)
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

  constructor(
    private readonly idSpace: Sublevel,
    private readonly sequenceSpace: Sublevel,
    private readonly maxIds: number,
  ) {
    assert(Number.isSafeInteger(maxIds) && maxIds >= 1, `dedupe limit ${maxIds} is not a positive integer`);
  }

  /** The outcome recorded for `id`, decoded afresh (so callers never share objects), or null. */
  async lookup(id: string): Promise<TxnOutcome | null> {
    const record = await this.recordOf(id);
    return record === null ? null : decodeOutcome(record.subarray(REVISION_BYTES));
  }

  /** Records `id` as number `sequence` and forgets the id recorded maxIds numbers earlier. */
  async record(id: string, outcome: TxnOutcome, sequence: number): Promise<void> {
    assert(id.length > 0, 'an empty request id is never recorded');
    assert((await this.recordOf(id)) === null, `request id ${id} recorded twice`);
    this.ids.set(idKey(id).toString('latin1'), Buffer.concat([encodeRevision(sequence), encodeOutcome(outcome)]));
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

  private async recordOf(id: string): Promise<Buffer | null> {
    const key = idKey(id);
    const pending = this.ids.get(key.toString('latin1'));
    if (pending !== undefined) return pending;
    const stored = await this.idSpace.get<Buffer, Buffer>(key, BUFFERS);
    return stored ?? null;
  }

  private async idAt(sequence: number): Promise<string | null> {
    const pending = this.sequences.get(sequence);
    if (pending !== undefined) return pending;
    const stored = await this.sequenceSpace.get<Buffer, Buffer>(encodeRevision(sequence), BUFFERS);
    return stored === undefined ? null : stored.toString('utf8');
  }
}

function idKey(id: string): Buffer {
  return Buffer.from(id, 'utf8');
}
