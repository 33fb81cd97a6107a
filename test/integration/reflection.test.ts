import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster, testClientCredentials } from '../support/local-cluster.js';

// What grpcurl and evans do first: list a server's services through gRPC reflection, then fetch
// the file that defines a service and read a method's request and response types from it.

const require = createRequire(import.meta.url);
const reflectionProto = join(dirname(require.resolve('@grpc/reflection')), '..', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
const { FileDescriptorProto } = require('protobufjs/ext/descriptor') as { FileDescriptorProto: { decode(bytes: Uint8Array): FileDescriptor } };

interface FileDescriptor {
  name: string;
  package: string;
  service: Array<{ name: string; method: Array<{ name: string; inputType: string; outputType: string; serverStreaming?: boolean }> }>;
  messageType: Array<{ name: string; field: Array<{ name: string; number: number }> }>;
}

interface ReflectionResponse {
  listServicesResponse?: { service: Array<{ name: string }> };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

const definition = protoLoader.loadSync(reflectionProto, { keepCase: false, defaults: true, oneofs: true });
const ServerReflection = (grpc.loadPackageDefinition(definition) as any).grpc.reflection.v1.ServerReflection as grpc.ServiceClientConstructor;

/** One request on a reflection stream, as grpcurl sends them. */
function ask(address: string, request: Record<string, unknown>): Promise<ReflectionResponse> {
  const client = new ServerReflection(address, testClientCredentials());
  return new Promise((resolve, reject) => {
    const stream = (client as any).serverReflectionInfo({ deadline: Date.now() + 10_000 }) as grpc.ClientDuplexStream<unknown, ReflectionResponse>;
    stream.once('data', (response: ReflectionResponse) => {
      stream.end();
      client.close();
      resolve(response);
    });
    stream.once('error', (error) => {
      client.close();
      reject(error);
    });
    stream.write({ host: '', ...request });
  });
}

async function listServices(address: string): Promise<string[]> {
  const response = await ask(address, { listServices: '' });
  return response.listServicesResponse!.service.map((s) => s.name).sort();
}

async function fileContaining(address: string, symbol: string): Promise<FileDescriptor[]> {
  const response = await ask(address, { fileContainingSymbol: symbol });
  if (response.errorResponse) throw new Error(`${response.errorResponse.errorCode}: ${response.errorResponse.errorMessage}`);
  return response.fileDescriptorResponse!.fileDescriptorProto.map((bytes) => FileDescriptorProto.decode(bytes));
}

describe('gRPC reflection', () => {
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 1, writers: 1 });
  }, 60_000);

  afterAll(async () => {
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('lists the services each server serves, and only those', async () => {
    const reflection = ['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'];
    const publicApi = ['grpc.health.v1.Health', 'quorumkv.v1.Cluster', 'quorumkv.v1.KV', 'quorumkv.v1.Watch', ...reflection];
    expect(await listServices(cluster.topology.gateway.listen)).toEqual(expect.arrayContaining(publicApi));
    expect(await listServices(cluster.topology.writers[0].listen)).toEqual(expect.arrayContaining(publicApi));
    const storage = await listServices(cluster.topology.storage[0].listen);
    expect(storage).toEqual(expect.arrayContaining(['grpc.health.v1.Health', 'quorumkv.internal.v1.Raft', 'quorumkv.internal.v1.Storage', ...reflection]));
    expect(storage).not.toContain('quorumkv.v1.KV');
  });

  it('describes a method: its request and response messages, with the fields as the .proto spells them', async () => {
    for (const address of [cluster.topology.gateway.listen, cluster.topology.writers[0].listen]) {
      const files = await fileContaining(address, 'quorumkv.v1.KV.Put');
      const file = files.find((f) => f.service.some((s) => s.name === 'KV'))!;
      expect(file.package).toBe('quorumkv.v1');
      const put = file.service.find((s) => s.name === 'KV')!.method.find((m) => m.name === 'Put')!;
      expect(put).toMatchObject({ inputType: '.quorumkv.v1.PutRequest', outputType: '.quorumkv.v1.PutResponse' });
      const request = files.flatMap((f) => f.messageType).find((m) => m.name === 'PutRequest')!;
      expect(request.field.map((f) => [f.name, f.number])).toEqual(expect.arrayContaining([['key', 1], ['value', 2], ['prev_kv', 4], ['request_id', 16]]));
      const watch = file.service.find((s) => s.name === 'Watch')!.method[0];
      expect(watch.serverStreaming).toBe(true);
    }
  });

  it('answers NOT_FOUND for a symbol no server has', async () => {
    const response = await ask(cluster.topology.writers[0].listen, { fileContainingSymbol: 'no.such.Service' });
    expect(response.errorResponse?.errorCode).toBe(grpc.status.NOT_FOUND);
  });
});
