import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendPool } from '../../src/gateway/backend-pool.js';

// The gateway's pool tells the calls waiting on a node when the node itself says it is not
// ready; a health check that merely timed out (a busy machine) tells them nothing.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function healthServer(status: 'SERVING' | 'NOT_SERVING'): Promise<{ address: string; health: HealthImplementation }> {
  const server = new grpc.Server();
  const health = new HealthImplementation({ '': status });
  health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  cleanups.push(() => server.forceShutdown());
  return { address: `127.0.0.1:${port}`, health };
}

describe('BackendPool', () => {
  it('tells the calls waiting on a node that answers NOT_SERVING, and only those of that node', async () => {
    const ready = await healthServer('SERVING');
    const node = await healthServer('SERVING');
    const pool = new BackendPool('writer');
    cleanups.push(() => pool.stop());
    await pool.update(new Map([['w1', node.address], ['w2', ready.address]]));
    const [w1, w2] = pool.backends;
    expect(w1.healthy && w2.healthy).toBe(true);
    const told: string[] = [];
    w1.onNotReady(() => told.push('w1'));
    w2.onNotReady(() => told.push('w2'));
    node.health.setStatus('', 'NOT_SERVING');
    await (pool as unknown as { checkAll(): Promise<void> }).checkAll();
    expect(w1.healthy).toBe(false);
    expect(told).toEqual(['w1']);
  });

  it('tells nobody when a health check goes unanswered', async () => {
    const pool = new BackendPool('writer');
    cleanups.push(() => pool.stop());
    await pool.update(new Map([['w1', '127.0.0.1:1']])); // nothing listens there
    const told: string[] = [];
    pool.backends[0].onNotReady(() => told.push('w1'));
    await (pool as unknown as { checkAll(): Promise<void> }).checkAll();
    expect(pool.backends[0].healthy).toBe(false);
    expect(told).toEqual([]);
  });
});
