import { makeClientConstructor, type MethodDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs/light.js';
import { KV_DESCRIPTOR_JSON } from '../gen/kv-descriptor.js';
import type { ProtoGrpcType as KvProto } from '../gen/kv.js';
import { CONVERSION_OPTIONS } from './root.js';

// The public services for clients, built from the precompiled descriptor with protobufjs's light
// build: no .proto parsing and no @grpc/proto-loader, which is what made every CLI call slow.
// Messages convert exactly as proto-loader converts them for the servers (CONVERSION_OPTIONS).

const root = protobuf.Root.fromJSON(JSON.parse(KV_DESCRIPTOR_JSON) as protobuf.INamespace);

function serviceDefinition(name: string): ServiceDefinition {
  const service = root.lookupService(name);
  const definition: Record<string, MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
    };
  }
  return definition;
}

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => Buffer.from(type.encode(type.fromObject(value)).finish());
}

function deserializer(type: protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), CONVERSION_OPTIONS);
}

type V1 = KvProto['quorumkv']['v1'];
export const KV = makeClientConstructor(serviceDefinition('quorumkv.v1.KV'), 'quorumkv.v1.KV') as unknown as V1['KV'];
export const Watch = makeClientConstructor(serviceDefinition('quorumkv.v1.Watch'), 'quorumkv.v1.Watch') as unknown as V1['Watch'];
export const Lease = makeClientConstructor(serviceDefinition('quorumkv.v1.Lease'), 'quorumkv.v1.Lease') as unknown as V1['Lease'];
export const Cluster = makeClientConstructor(serviceDefinition('quorumkv.v1.Cluster'), 'quorumkv.v1.Cluster') as unknown as V1['Cluster'];
