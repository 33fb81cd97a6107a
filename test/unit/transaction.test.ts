import { describe, expect, it } from 'vitest';
import type { QuorumkvClient } from '../../src/client/client.js';
import { Transaction } from '../../src/client/transaction.js';

/** A client whose reads answer in the order the test releases them, recording their revisions. */
function fakeClient() {
  const calls: Array<{ key: string; revision: number | undefined; release: (revision: number) => void }> = [];
  const client = {
    range: (key: Buffer, options: { revision?: number }) =>
      new Promise((resolve) => {
        calls.push({ key: key.toString(), revision: options.revision, release: (revision) => resolve({ header: { revision }, kvs: [], more: false, count: 0 }) });
      }),
    txn: async () => ({}),
  };
  return { client: client as unknown as QuorumkvClient, calls };
}

describe('Transaction snapshot reads', () => {
  it('reads issued while the first read is in flight wait for it and read at its revision', async () => {
    const { client, calls } = fakeClient();
    const tx = new Transaction(client);
    const first = tx.get('a');
    const second = tx.get('b');
    await new Promise((r) => setImmediate(r));
    expect(calls.map((c) => c.key)).toEqual(['a']);
    calls[0].release(42);
    await first;
    await new Promise((r) => setImmediate(r));
    expect(calls[1]).toMatchObject({ key: 'b', revision: 42 });
    calls[1].release(42);
    await second;
    expect(tx.readRevision).toBe(42);
  });
});
