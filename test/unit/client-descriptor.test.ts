import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { clientDescriptorModule } from '../../src/proto/client-descriptor.js';
import * as clientServices from '../../src/proto/client-services.js';
import { PACKAGE_ROOT } from '../../src/proto/root.js';
import * as services from '../../src/proto/services.js';

// The client's precompiled services must be the servers' services, byte for byte and field for field.

const SAMPLES: Record<string, { method: string; request: object; response: object }[]> = {
  KV: [
    {
      method: 'Range',
      request: { key: Buffer.from('a'), rangeEnd: Buffer.from([0]), limit: 10, revision: 3, serializable: true, minRevision: 2, maxStalenessMs: 50, countOnly: true },
      response: { header: { clusterId: 7, memberId: 9, revision: 12, raftTerm: 2 }, kvs: [{ key: Buffer.from('a'), value: Buffer.from('v'), createRevision: 2, modRevision: 5, version: 3 }], count: 1, more: false },
    },
    {
      method: 'Txn',
      request: {
        compare: [{ key: Buffer.from('k'), target: 'MOD', result: 'GREATER', modRevision: 4 }],
        success: [{ requestPut: { key: Buffer.from('k'), value: Buffer.from('v'), requestId: 'r1' } }, { requestAdd: { key: Buffer.from('n'), delta: -3 } }],
        failure: [{ requestRange: { key: Buffer.from('k') } }],
        readRevision: 8,
        readSet: [{ key: Buffer.from('p/'), rangeEnd: Buffer.from('p0') }],
        requestId: 'abc',
      },
      response: { header: { revision: 9 }, succeeded: true, responses: [{ responsePut: { header: { revision: 9 } } }, { responseAdd: { value: 4 } }] },
    },
  ],
  Cluster: [
    {
      method: 'Status',
      request: { withHashes: true },
      response: { members: [{ role: 'storage', id: 's1', address: 'h:1', version: '0.1.0', dbSizeBytes: 123456, learner: true, leader: true, term: 3, commitIndex: 40, appliedIndex: 39, healthy: true, hash: 'ff', hashRevision: 20 }] },
    },
  ],
};

function definition(service: { service: ServiceDefinition }, method: string) {
  const found = Object.values(service.service).find((m) => m.path.endsWith(`/${method}`));
  expect(found, method).toBeDefined();
  return found!;
}

describe('the client services from the precompiled descriptor', () => {
  it('src/gen/kv-descriptor.ts is what proto/quorumkv/v1/kv.proto gives now (run `npm run proto:gen` after changing it)', () => {
    expect(readFileSync(join(PACKAGE_ROOT, 'src', 'gen', 'kv-descriptor.ts'), 'utf8')).toBe(clientDescriptorModule());
  });

  it('has every method of the servers\' KV, Watch and Cluster, with the same paths and streaming', () => {
    for (const name of ['KV', 'Watch', 'Cluster'] as const) {
      const shape = (s: ServiceDefinition) => Object.values(s).map((m) => [m.path, m.requestStream, m.responseStream, m.originalName]).sort();
      expect(shape(clientServices[name].service), name).toEqual(shape(services[name].service));
    }
  });

  it('encodes and decodes messages exactly as the servers\' proto-loader definitions do', () => {
    for (const [name, samples] of Object.entries(SAMPLES)) {
      for (const { method, request, response } of samples) {
        const ours = definition(clientServices[name as 'KV' | 'Cluster'], method);
        const theirs = definition(services[name as 'KV' | 'Cluster'], method);
        const requestBytes = theirs.requestSerialize(request);
        expect(Buffer.from(ours.requestSerialize(request)).equals(Buffer.from(requestBytes)), `${method} request bytes`).toBe(true);
        const responseBytes = Buffer.from(theirs.responseSerialize(response));
        expect(ours.responseDeserialize(responseBytes), `${method} response`).toEqual(theirs.responseDeserialize(responseBytes));
        expect(ours.requestDeserialize(Buffer.from(requestBytes)), `${method} request`).toEqual(theirs.requestDeserialize(Buffer.from(requestBytes)));
      }
    }
  });
});
