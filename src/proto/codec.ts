import protobuf from 'protobufjs';
import { join } from 'node:path';
import { CONVERSION_OPTIONS, PROTO_DIR, PROTO_FILES } from './root.js';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
root.loadSync(PROTO_FILES, { keepCase: false });

/** Encodes and decodes one message type to bytes, with the same object shape as gRPC calls. */
export interface Codec<In, Out> {
  encode(message: In): Buffer;
  decode(bytes: Uint8Array): Out;
}

export function codecFor<In, Out>(typeName: string): Codec<In, Out> {
  const type = root.lookupType(typeName);
  return {
    encode: (message) => Buffer.from(type.encode(type.fromObject(message as object)).finish()),
    decode: (bytes) => type.toObject(type.decode(bytes), CONVERSION_OPTIONS) as Out,
  };
}
