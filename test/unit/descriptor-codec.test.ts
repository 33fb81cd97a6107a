import fc from 'fast-check';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { KV_DESCRIPTOR_JSON } from '../../src/gen/kv-descriptor.js';
import { DescriptorCodec, type DescriptorJson } from '../../src/proto/descriptor-codec.js';
import { CLIENT_PROTO_FILE } from '../../src/proto/client-descriptor.js';
import { CONVERSION_OPTIONS, PROTO_DIR } from '../../src/proto/root.js';
import * as services from '../../src/proto/services.js';

// The one-shot client's codec must read and write every client message as protobufjs does for
// the servers: the same bytes out, the same objects in (keys in the same order too, since the
// CLI prints them as JSON). Checked on random messages of every type of kv.proto.

const descriptor = JSON.parse(KV_DESCRIPTOR_JSON) as DescriptorJson;
const codec = new DescriptorCodec(descriptor);

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
root.loadSync(CLIENT_PROTO_FILE, { keepCase: false });
root.resolveAll();

const PACKAGE = 'quorumkv.v1';
const messageTypes = Object.entries(descriptor.nested!.quorumkv.nested!.v1.nested!)
  .filter(([, node]) => node.fields)
  .map(([name]) => `${PACKAGE}.${name}`);

const theirs = (name: string) => root.lookupType(name);
const encodeTheirs = (name: string, value: object) => Buffer.from(theirs(name).encode(theirs(name).fromObject(value)).finish());
const decodeTheirs = (name: string, bytes: Buffer) => theirs(name).toObject(theirs(name).decode(bytes), CONVERSION_OPTIONS);

/** Random plain objects of a message type, as a caller would give them: any subset of fields, oneof members included. */
function arbitraryOf(type: protobuf.Type, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const entries: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.fieldsArray) {
    const one = valueOf(field, depth);
    if (!one) continue;
    entries[field.name] = field.repeated ? fc.array(one, { maxLength: 3 }) : one;
  }
  return fc.record(entries, { requiredKeys: [] });
}

function valueOf(field: protobuf.Field, depth: number): fc.Arbitrary<unknown> | undefined {
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Enum) return fc.constantFrom(...Object.keys(resolved.values));
  if (resolved instanceof protobuf.Type) return depth >= 3 ? undefined : arbitraryOf(resolved, depth + 1);
  switch (field.type) {
    case 'string':
      return fc.string({ maxLength: 12 });
    case 'bytes':
      return fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b));
    case 'bool':
      return fc.boolean();
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'uint64':
      return fc.oneof(fc.integer({ min: 0, max: 2 ** 32 }), fc.maxSafeNat());
    case 'int64':
      return fc.oneof(fc.integer({ min: -(2 ** 32), max: 2 ** 32 }), fc.maxSafeInteger());
    default:
      throw new Error(`no arbitrary for ${field.type} (${field.fullName}): add one`);
  }
}

describe('the descriptor codec', () => {
  it('knows every message type of kv.proto', () => {
    expect(messageTypes.length).toBeGreaterThan(25);
    for (const name of messageTypes) expect(() => codec.encode(name, {}), name).not.toThrow();
  });

  it('writes the bytes protobufjs writes, and reads them back as protobufjs does, for random messages of every type', () => {
    for (const name of messageTypes) {
      fc.assert(
        fc.property(arbitraryOf(theirs(name), 0), (value) => {
          const bytes = codec.encode(name, value);
          expect(bytes.equals(encodeTheirs(name, value)), `${name} bytes`).toBe(true);
          const ours = codec.decode(name, bytes);
          const expected = decodeTheirs(name, bytes);
          expect(ours).toEqual(expected);
          // The CLI prints these objects as JSON: the keys come in the same order.
          expect(JSON.stringify(ours)).toBe(JSON.stringify(expected));
        }),
        { numRuns: 60 },
      );
    }
  });

  it('reads what the servers write: their method definitions\' responses for KV and Cluster', () => {
    const response = {
      header: { clusterId: 2 ** 52 + 3, memberId: 9, revision: 12, raftTerm: 2 },
      kvs: [{ key: Buffer.from('a'), value: Buffer.from('v'), createRevision: 2, modRevision: 5, version: 3 }],
      count: 1,
      more: true,
    };
    for (const service of [services.KV, services.Cluster]) {
      for (const method of Object.values(service.service)) {
        const [, serviceName, methodName] = method.path.split('/');
        const info = codec.method(serviceName, methodName);
        const bytes = Buffer.from(method.responseSerialize(methodName === 'Range' ? response : { header: response.header }));
        expect(codec.decode(info.responseType, bytes), method.path).toEqual(method.responseDeserialize(bytes));
        expect(codec.encode(info.requestType, {}).equals(Buffer.from(method.requestSerialize({}))), method.path).toBe(true);
      }
    }
  });

  it('skips fields it does not know, so an older client reads a newer server\'s answers', () => {
    const withExtra = Buffer.concat([encodeTheirs(`${PACKAGE}.ResponseHeader`, { revision: 7 }), Buffer.from([0xf8, 0x06, 0x05, 0xfa, 0x06, 0x01, 0x41])]);
    expect(codec.decode(`${PACKAGE}.ResponseHeader`, withExtra)).toEqual({ clusterId: 0, memberId: 0, revision: 7, raftTerm: 0 });
  });

  it('refuses malformed bytes with an error instead of reading past them', () => {
    for (const bad of [[0x0a, 0x05, 0x61], [0x18], [0x18, 0xff], [0x0b]]) {
      expect(() => codec.decode(`${PACKAGE}.KeyValue`, Buffer.from(bad)), JSON.stringify(bad)).toThrow();
    }
  });

  it('names the method paths and types as the services do', () => {
    expect(codec.method('quorumkv.v1.KV', 'Range')).toEqual({
      path: '/quorumkv.v1.KV/Range',
      requestType: 'quorumkv.v1.RangeRequest',
      responseType: 'quorumkv.v1.RangeResponse',
      requestStream: false,
      responseStream: false,
    });
    expect(() => codec.method('quorumkv.v1.KV', 'Nope')).toThrow(/no method/);
  });
});
