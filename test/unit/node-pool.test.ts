import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { NodePool, type Route } from '../../src/client/node-pool.js';
import { Cluster } from '../../src/proto/services.js';
import { memberStatus } from '../../src/rpc/cluster-service.js';

// A balancing client learns the nodes from a gateway's status. A node the gateway has not yet
// seen healthy stays a later choice: when the healthy ones die, the client still has somewhere
// to send its calls, even with the gateway gone too.

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A gateway that answers Cluster.Status with `members`; nothing else is served. */
async function fakeGateway(members: ReturnType<typeof memberStatus>[]): Promise<string> {
  const server = new grpc.Server();
  server.addService(Cluster.service, {
    status: (_call: unknown, done: grpc.sendUnaryData<unknown>) => done(null, { header: null, members }),
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  cleanups.push(() => server.forceShutdown());
  return `127.0.0.1:${port}`;
}

async function poolOver(gateway: string): Promise<(route: Route) => Promise<string[]>> {
  const pool = new NodePool([gateway], grpc.credentials.createInsecure(), 'nodes');
  cleanups.push(() => pool.close());
  return async (route) => (await pool.order(route)).map((e) => e.address);
}

const node = (role: string, id: string, healthy: boolean) => memberStatus({ role, id, address: `127.0.0.1:${id}`, healthy });

describe('a balancing client choosing nodes', () => {
  it('sends writes to healthy writers in turn, then to a writer not yet healthy, then to the gateway', async () => {
    const gateway = await fakeGateway([node('gateway', '1', true), node('writer', '11', true), node('writer', '12', false), node('writer', '13', true), node('storage', '21', true)]);
    const order = await poolOver(gateway);

    const first = await order('write');
    const second = await order('write');
    expect(first).toEqual(['127.0.0.1:11', '127.0.0.1:13', '127.0.0.1:12', gateway]);
    expect(second).toEqual(['127.0.0.1:13', '127.0.0.1:11', '127.0.0.1:12', gateway]);
  });

  it('sends serializable reads to readers, then to writers should every reader be down', async () => {
    const gateway = await fakeGateway([node('writer', '11', true), node('reader', '31', true), node('reader', '32', false)]);
    const order = await poolOver(gateway);

    expect(await order('replica-read')).toEqual(['127.0.0.1:31', '127.0.0.1:32', '127.0.0.1:11', gateway]);
    const read = await order('read');
    expect(read.slice(0, 2).sort()).toEqual(['127.0.0.1:11', '127.0.0.1:31']);
    expect(read.slice(2)).toEqual(['127.0.0.1:32', gateway]);
  });

  it('sends serializable reads to writers first when no reader is healthy', async () => {
    const gateway = await fakeGateway([node('writer', '11', true), node('reader', '31', false)]);
    const order = await poolOver(gateway);

    expect(await order('replica-read')).toEqual(['127.0.0.1:11', '127.0.0.1:31', gateway]);
  });

  it('keeps to the given endpoints for control calls', async () => {
    const gateway = await fakeGateway([node('writer', '11', true)]);
    const order = await poolOver(gateway);

    expect(await order('control')).toEqual([gateway]);
  });
});
