import { describe, expect, it } from 'vitest';
import type { KeyValuePair } from '../../src/gen/quorumkv/internal/v1/KeyValuePair.js';
import type { SnapshotChunk, SnapshotChunk__Output } from '../../src/gen/quorumkv/internal/v1/SnapshotChunk.js';
import { codecFor } from '../../src/proto/codec.js';
import { CHUNK_BYTES, ChunkBuilder, MalformedChunkError, RecordAssembler } from '../../src/storage/snapshot-chunks.js';

// A snapshot's records are cut into InstallSnapshot chunks that never cross their byte budget,
// whatever the sizes of the records, and the follower puts every record back as it was.

const chunkCodec = codecFor<SnapshotChunk, SnapshotChunk__Output>('quorumkv.internal.v1.SnapshotChunk');
const KiB = 1024;
const MiB = 1024 * KiB;

function record(key: string, bytes: number): [Buffer, Buffer] {
  return [Buffer.from(key), Buffer.alloc(bytes, key.length % 251)];
}

function chunksOf(records: Array<[Buffer, Buffer]>): KeyValuePair[][] {
  const builder = new ChunkBuilder();
  const chunks = records.flatMap(([key, value]) => builder.add(key, value));
  const last = builder.finish();
  return last ? [...chunks, last] : chunks;
}

function decoded(chunk: KeyValuePair[]): SnapshotChunk__Output {
  return chunkCodec.decode(chunkCodec.encode({ pairs: chunk }));
}

describe('snapshot chunks', () => {
  it('flushes a chunk before a record would take it over its budget, and cuts records larger than a chunk', () => {
    // Small records, then ones just over 1 MiB (a value at the limit with a long key), then a
    // recorded outcome holding two previous values, and small ones after.
    const records: Array<[Buffer, Buffer]> = [
      ...Array.from({ length: 300 }, (_, i) => record(`small/${String(i).padStart(4, '0')}`, 3 * KiB)),
      record(`big/${'k'.repeat(4000)}`, MiB),
      record('big/b', MiB + 70 * KiB),
      record('outcome/r1', 2 * MiB + 100 * KiB),
      ...Array.from({ length: 10 }, (_, i) => record(`tail/${i}`, 100)),
    ];
    const chunks = chunksOf(records);
    for (const chunk of chunks) expect(chunkCodec.encode({ pairs: chunk }).length).toBeLessThanOrEqual(CHUNK_BYTES);
    const assembler = new RecordAssembler();
    const back = chunks.flatMap((chunk) => assembler.take(decoded(chunk).pairs));
    expect(assembler.incomplete).toBe(false);
    expect(back.length).toBe(records.length);
    back.forEach((r, i) => {
      expect(r.key.equals(records[i]![0])).toBe(true);
      expect(r.value.equals(records[i]![1])).toBe(true);
    });
  });

  it('keeps empty values and caps a chunk at its pair count', () => {
    const records = Array.from({ length: 1100 }, (_, i) => record(`k${i}`, i % 2 === 0 ? 0 : 10));
    const chunks = chunksOf(records);
    expect(chunks.map((c) => c.length)).toEqual([512, 512, 76]);
    const assembler = new RecordAssembler();
    expect(chunks.flatMap((c) => assembler.take(decoded(c).pairs)).map((r) => r.value.length)).toEqual(records.map(([, v]) => v.length));
  });

  it('refuses parts that do not put back together', () => {
    const assembler = new RecordAssembler();
    assembler.take([{ key: Buffer.from('a'), value: Buffer.from('x'), more: true }]);
    expect(assembler.incomplete).toBe(true);
    expect(() => assembler.take([{ key: Buffer.from('b'), value: Buffer.from('y'), more: false }])).toThrow(MalformedChunkError);
  });
});
