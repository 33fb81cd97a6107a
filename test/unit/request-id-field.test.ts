import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { hasField, REQUEST_ID_FIELD, withRequestId } from '../../src/gateway/request-id-field.js';
import { KV } from '../../src/proto/services.js';

const PUT = '/quorumkv.v1.KV/Put';

describe('request id field', () => {
  it('appends an id that the message then decodes with, and keeps one that is there', () => {
    const bare = KV.service.Put.requestSerialize({ key: Buffer.from('k'), value: Buffer.from('v') });
    const withId = withRequestId(bare, PUT);
    expect(KV.service.Put.requestDeserialize(withId).requestId).toMatch(/^g\./);
    const given = KV.service.Put.requestSerialize({ key: Buffer.from('k'), requestId: 'mine' });
    expect(withRequestId(given, PUT)).toBe(given);
  });

  it('walks past 10-byte varints (negative int64 values)', () => {
    // TxnRequest field 17 is an int64 read revision; -1 encodes as a 10-byte varint.
    const txn = KV.service.Txn.requestSerialize({ readRevision: -1, requestId: 'r' });
    expect(hasField(txn, REQUEST_ID_FIELD)).toBe(true);
    const bare = Buffer.from([0x88, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(hasField(bare, REQUEST_ID_FIELD)).toBe(false);
  });

  it('refuses bytes whose fields do not parse, naming the method', () => {
    for (const bytes of [Buffer.from([0x0a, 0x05, 1]), Buffer.alloc(11, 0xff), Buffer.from([0x00]), Buffer.from([0x0b])]) {
      expect(hasField(bytes, REQUEST_ID_FIELD), bytes.toString('hex')).toBeUndefined();
      expect(() => withRequestId(bytes, PUT)).toThrow(InvalidArgumentError);
      expect(() => withRequestId(bytes, PUT)).toThrow(/\/quorumkv\.v1\.KV\/Put/);
    }
  });
});
