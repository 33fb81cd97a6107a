import type * as grpc from '@grpc/grpc-js';

// etcd's write requests have no request id, so the first quorumkv process that sees one gives
// it one: the gateway appends field 16 (a string, as quorumkv's own request_id) to the request
// bytes, an extension etcd's messages do not declare and decoding drops. The etcd services read
// it from the bytes before they decode them, so that every retry inside quorumkv keeps the id.

export const REQUEST_ID_FIELD = 16;
/** Where the id read from the bytes travels with the decoded request. */
export const REQUEST_ID = Symbol('quorumkv request id');
const MAX_REQUEST_ID_BYTES = 128;

export type WithRequestId<T> = T & { [REQUEST_ID]?: string };

/** The method's definition with a deserializer that also reads field 16. */
export function readingRequestId<Req, Res>(method: grpc.MethodDefinition<Req, Res>): grpc.MethodDefinition<Req, Res> {
  return {
    ...method,
    requestDeserialize: (bytes: Buffer) => {
      const request = method.requestDeserialize(bytes) as WithRequestId<Req>;
      const id = stringField(bytes, REQUEST_ID_FIELD);
      if (id !== undefined && id.length > 0 && id.length <= MAX_REQUEST_ID_BYTES) request[REQUEST_ID] = id.toString('utf8');
      return request;
    },
  };
}

/** The last top-level length-delimited field `field` of a protobuf message, if there is one. */
export function stringField(message: Buffer, field: number): Buffer | undefined {
  let found: Buffer | undefined;
  let offset = 0;
  while (offset < message.length) {
    const tag = varint(message, offset);
    if (!tag) return found;
    offset = tag.next;
    const wire = tag.value % 8;
    if (wire === 0) {
      const value = varint(message, offset);
      if (!value) return found;
      offset = value.next;
    } else if (wire === 1) offset += 8;
    else if (wire === 5) offset += 4;
    else if (wire === 2) {
      const length = varint(message, offset);
      if (!length || length.next + length.value > message.length) return found;
      if (Math.floor(tag.value / 8) === field) found = message.subarray(length.next, length.next + length.value);
      offset = length.next + length.value;
    } else return found;
  }
  return found;
}

function varint(bytes: Buffer, start: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0, offset = start; i < 10 && offset < bytes.length; i++, offset++) {
    value += (bytes[offset] & 0x7f) * 2 ** (7 * i);
    if ((bytes[offset] & 0x80) === 0) return { value, next: offset + 1 };
  }
  return undefined;
}
