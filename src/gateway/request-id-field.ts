import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import { malformedRequestMessage } from '../rpc/server.js';

// Writes must carry a request id for the gateway to send them to another writer safely. The
// gateway forwards request bytes undecoded, so it only walks the top level of the protobuf
// message to see whether field 16 (request_id in PutRequest, DeleteRangeRequest and
// TxnRequest) is present, and appends one if it is not. Appending a field is valid protobuf.

export const REQUEST_ID_FIELD = 16;
const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const MAX_VARINT_BYTES = 10;

const prefix = `g.${randomBytes(6).toString('base64url')}.`;
let sequence = 0;

/**
 * The request with a request id: unchanged if it has one, else with a fresh id appended. Bytes
 * that are not a protobuf message are refused with INVALID_ARGUMENT naming `path`.
 */
export function withRequestId(message: Buffer, path: string): Buffer {
  const present = hasField(message, REQUEST_ID_FIELD);
  if (present === undefined) throw new InvalidArgumentError(malformedRequestMessage(path, new Error('its top-level fields do not parse')));
  if (present) return message;
  sequence++;
  const id = Buffer.from(prefix + sequence.toString(36), 'utf8');
  return Buffer.concat([message, varint((REQUEST_ID_FIELD << 3) | WIRE_LEN), varint(id.length), id]);
}

/** Whether a top-level field is present with a non-empty value; undefined if the fields do not parse. */
export function hasField(message: Buffer, field: number): boolean | undefined {
  let present = false;
  const parsed = walkTopLevel(message, (number, wire, value) => {
    if (number === field && wire === WIRE_LEN && value > 0) present = true;
  });
  return parsed ? present : undefined;
}

/** The last value of a top-level varint field (0 when absent, as protobuf reads it); undefined if the fields do not parse. */
export function varintField(message: Buffer, field: number): number | undefined {
  let found = 0;
  const parsed = walkTopLevel(message, (number, wire, value) => {
    if (number === field && wire === WIRE_VARINT) found = value;
  });
  return parsed ? found : undefined;
}

/**
 * Visits each top-level field with its number, wire type and value (varints) or length (the
 * rest); false if the bytes are not a protobuf message.
 */
function walkTopLevel(message: Buffer, visit: (number: number, wire: number, value: number) => void): boolean {
  let offset = 0;
  while (offset < message.length) {
    const tag = readVarint(message, offset);
    if (!tag || tag.value < 8) return false;
    offset = tag.next;
    const number = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    let length = 0;
    if (wire === WIRE_VARINT) {
      const v = readVarint(message, offset);
      if (!v) return false;
      offset = v.next;
      visit(number, wire, v.value);
      continue;
    } else if (wire === WIRE_I64) length = 8;
    else if (wire === WIRE_I32) length = 4;
    else if (wire === WIRE_LEN) {
      const v = readVarint(message, offset);
      if (!v) return false;
      offset = v.next;
      length = v.value;
    } else return false;
    if (offset + length > message.length) return false;
    visit(number, wire, length);
    offset += length;
  }
  return true;
}

/** A varint of up to 10 bytes (any 64-bit value); values above 2^53 lose precision, which only skipping sees. */
function readVarint(bytes: Buffer, start: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0, offset = start; i < MAX_VARINT_BYTES && offset < bytes.length; i++, offset++) {
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
