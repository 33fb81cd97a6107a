import { randomBytes } from 'node:crypto';

// Writes must carry a request id for the gateway to send them to another writer safely. The
// gateway forwards request bytes undecoded, so it only walks the top level of the protobuf
// message to see whether field 16 (request_id in PutRequest, DeleteRangeRequest and
// TxnRequest) is present, and appends one if it is not. Appending a field is valid protobuf.

export const REQUEST_ID_FIELD = 16;
const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

const prefix = `g.${randomBytes(6).toString('base64url')}.`;
let sequence = 0;

/** The request with a request id: unchanged if it has one, else with a fresh id appended. */
export function withRequestId(message: Buffer): Buffer {
  if (hasField(message, REQUEST_ID_FIELD)) return message;
  sequence++;
  const id = Buffer.from(prefix + sequence.toString(36), 'utf8');
  return Buffer.concat([message, varint((REQUEST_ID_FIELD << 3) | WIRE_LEN), varint(id.length), id]);
}

/** Whether a top-level field is present with a non-empty value; malformed input counts as absent. */
export function hasField(message: Buffer, field: number): boolean {
  let offset = 0;
  while (offset < message.length) {
    const tag = readVarint(message, offset);
    if (!tag) return false;
    offset = tag.next;
    const number = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    let length = 0;
    if (wire === WIRE_VARINT) {
      const v = readVarint(message, offset);
      if (!v) return false;
      offset = v.next;
      continue;
    } else if (wire === WIRE_I64) length = 8;
    else if (wire === WIRE_I32) length = 4;
    else if (wire === WIRE_LEN) {
      const v = readVarint(message, offset);
      if (!v) return false;
      offset = v.next;
      length = v.value;
      if (number === field && length > 0) return true;
    } else return false;
    offset += length;
  }
  return false;
}

function readVarint(bytes: Buffer, start: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0, offset = start; i < 8 && offset < bytes.length; i++, offset++) {
    value += (bytes[offset] & 0x7f) * 2 ** (7 * i);
    if ((bytes[offset] & 0x80) === 0) return { value, next: offset + 1 };
  }
  return undefined;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
