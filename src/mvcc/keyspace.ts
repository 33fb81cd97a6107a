import type { AbstractBatchOperation, AbstractLevel, AbstractSnapshot, AbstractSublevel } from 'abstract-level';
import { ITERATOR_BATCH_SIZE } from './limits.js';

/** A LevelDB database or sublevel with Buffer keys and values. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Keyspace = AbstractLevel<any, Buffer, Buffer>;
/** A named part of a Keyspace, holding one kind of record. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Sublevel = AbstractSublevel<Keyspace, any, Buffer, Buffer>;
export type Snapshot = AbstractSnapshot;

export interface ScanBounds {
  gte: Buffer;
  lt: Buffer | null;
  snapshot?: Snapshot;
}

function iteratorOptions(bounds: ScanBounds): Record<string, unknown> {
  const options: Record<string, unknown> = { gte: bounds.gte, keyEncoding: 'buffer', valueEncoding: 'buffer' };
  if (bounds.lt !== null) options.lt = bounds.lt;
  if (bounds.snapshot !== undefined) options.snapshot = bounds.snapshot;
  return options;
}

/** Streams entries in key order, a bounded batch at a time, closing the iterator however it ends. */
export async function* scanEntries(space: Keyspace, bounds: ScanBounds): AsyncGenerator<[Buffer, Buffer]> {
  const iterator = space.iterator<Buffer, Buffer>(iteratorOptions(bounds));
  try {
    for (;;) {
      const batch = await iterator.nextv(ITERATOR_BATCH_SIZE);
      if (batch.length === 0) return;
      yield* batch;
    }
  } finally {
    await iterator.close();
  }
}

/** Streams keys only: LevelDB does not copy values out, which is what makes counting cheap. */
export async function* scanKeys(space: Keyspace, bounds: ScanBounds): AsyncGenerator<Buffer> {
  const iterator = space.keys<Buffer>(iteratorOptions(bounds));
  try {
    for (;;) {
      const batch = await iterator.nextv(ITERATOR_BATCH_SIZE);
      if (batch.length === 0) return;
      yield* batch;
    }
  } finally {
    await iterator.close();
  }
}

/** One operation of the single batch an apply call writes. */
export type BatchOp = AbstractBatchOperation<Keyspace, Buffer, Buffer>;
