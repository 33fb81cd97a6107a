import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CUT, PASS, delayMode } from '../../src/chaos/fault-proxy.js';
import { blockedLinks, linkId, ringReach, type Link, type PartitionSpec } from '../../src/chaos/partitions.js';
import { ProxyMesh } from '../../src/chaos/proxy-mesh.js';
import { expectSilence, startEchoServer, TestClient } from './net-helpers.js';

const NODES = ['s1', 's2', 's3', 's4', 's5'];
const allLinks = (names: string[]): Link[] => names.flatMap((from) => names.filter((to) => to !== from).map((to) => [from, to] as const));
const blocked = (spec: PartitionSpec, names = NODES) => new Set(blockedLinks(spec, names, allLinks(names)).map(([f, t]) => linkId(f, t)));
const reachable = (spec: PartitionSpec, names: string[], from: string) => {
  const cut = blocked(spec, names);
  return names.filter((to) => to === from || !cut.has(linkId(from, to)));
};

describe('partition specs', () => {
  it('isolate cuts one node off both ways and nothing else', () => {
    const cut = blocked({ kind: 'isolate', node: 's2' });
    expect(cut.size).toBe(8);
    for (const other of ['s1', 's3', 's4', 's5']) {
      expect(cut.has(linkId('s2', other)) && cut.has(linkId(other, 's2'))).toBe(true);
    }
  });

  it('split blocks every link between the groups, both ways', () => {
    const cut = blocked({ kind: 'split', groups: [['s1', 's2'], ['s3', 's4', 's5']] });
    expect(cut.size).toBe(12);
    expect(reachable({ kind: 'split', groups: [['s1', 's2'], ['s3', 's4', 's5']] }, NODES, 's1')).toEqual(['s1', 's2']);
    expect(reachable({ kind: 'split', groups: [['s1', 's2'], ['s3', 's4', 's5']] }, NODES, 's4')).toEqual(['s3', 's4', 's5']);
  });

  it('bridge leaves one node reaching both halves that cannot reach each other', () => {
    const spec: PartitionSpec = { kind: 'bridge', node: 's3', halves: [['s1', 's2'], ['s4', 's5']] };
    expect(reachable(spec, NODES, 's3')).toEqual(NODES);
    expect(reachable(spec, NODES, 's1')).toEqual(['s1', 's2', 's3']);
    expect(reachable(spec, NODES, 's5')).toEqual(['s3', 's4', 's5']);
  });

  it.each([3, 4, 5, 6, 7])('ring over %i nodes: each reaches a different majority', (n) => {
    const names = NODES.concat(['s6', 's7']).slice(0, n);
    const majorities = names.map((from) => reachable({ kind: 'ring', nodes: names }, names, from).join(','));
    for (const majority of majorities) expect(majority.split(',').length).toBe(Math.floor(n / 2) + 1);
    expect(new Set(majorities).size).toBe(n);
    expect(ringReach(n).every((reach, i) => reach.has(i))).toBe(true);
  });

  it('none blocks nothing, and bad specs are refused with a message', () => {
    expect(blocked({ kind: 'none' }).size).toBe(0);
    expect(() => blocked({ kind: 'isolate', node: 'x9' })).toThrow(/unknown process "x9"/);
    expect(() => blocked({ kind: 'split', groups: [['s1'], ['s1', 's2']] })).toThrow(/in both groups/);
    expect(() => blocked({ kind: 'bridge', node: 's1', halves: [['s1'], ['s2']] })).toThrow(/bridge/);
    expect(() => blocked({ kind: 'ring', nodes: ['s1', 's2'] })).toThrow(/at least 3/);
  });
});

describe('ProxyMesh', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function meshOf(names: string[]) {
    const servers = await Promise.all(names.map(() => startEchoServer()));
    cleanups.push(() => Promise.all(servers.map((s) => s.close())));
    const mesh = new ProxyMesh([...names.map((name, i) => ({ name, address: servers[i].address })), { name: 'client' }]);
    await mesh.start();
    cleanups.push(() => mesh.stop());
    const dial = (from: string, to: string) => {
      const c = new TestClient(mesh.addressFor(from, to));
      cleanups.push(() => c.destroy());
      return c;
    };
    return { mesh, servers, dial };
  }

  async function works(c: TestClient, text: string) {
    const before = c.received.length;
    c.socket.write(text);
    expect((await c.receive(before + text.length)).subarray(before).toString()).toBe(text);
  }

  it('has one proxy per directed link, reaching the real address of its target', async () => {
    const { mesh, dial } = await meshOf(['a', 'b', 'c']);
    // Three servers reach each other (6 links) and the client reaches each of them (3 links).
    expect(mesh.links()).toHaveLength(9);
    expect(mesh.addressFor('a', 'b')).not.toBe(mesh.addressFor('c', 'b'));
    expect(() => mesh.addressFor('a', 'client')).toThrow(/no link a->client/);
    await works(dial('a', 'b'), 'hello b');
    await works(dial('client', 'c'), 'hello c');
  });

  it('isolate silences the links of one process until heal', async () => {
    const { mesh, dial } = await meshOf(['a', 'b', 'c']);
    const blockedNow = mesh.isolate('b');
    expect(blockedNow.map(([f, t]) => linkId(f, t)).sort()).toEqual(['a->b', 'b->a', 'b->c', 'c->b', 'client->b']);
    expect(mesh.blockedLinks()).toEqual(blockedNow);
    const toB = dial('a', 'b');
    toB.socket.write('anyone?');
    await works(dial('a', 'c'), 'fine');
    await expectSilence(toB, 200);

    mesh.heal();
    expect(mesh.blockedLinks()).toEqual([]);
    await works(dial('a', 'b'), 'back');
  });

  it('describes its open connections and the links not passing, in one line', async () => {
    const { mesh, dial } = await meshOf(['a', 'b', 'c']);
    expect(mesh.describe()).toBe('proxies: 0 open, all pass');
    await works(dial('a', 'b'), 'one');
    mesh.isolate('b');
    expect(mesh.describe()).toBe('proxies: 1 open, a->b drop, b->a drop, b->c drop, c->b drop, client->b drop');
    mesh.heal();
    mesh.setBaseMode(delayMode(5, 1));
    expect(mesh.describe()).toBe('proxies: 1 open, 9 of 9 links not passing');
    mesh.setBaseMode(PASS);
    expect(mesh.describe()).toBe('proxies: 1 open, all pass');
  });

  it('applies a new spec in place of the old one, with the chosen block mode and a base mode', async () => {
    const servers = await Promise.all([0, 1, 2].map(() => startEchoServer()));
    cleanups.push(() => Promise.all(servers.map((s) => s.close())));
    const mesh = new ProxyMesh(['a', 'b', 'c'].map((name, i) => ({ name, address: servers[i].address })), { blockMode: CUT });
    await mesh.start();
    cleanups.push(() => mesh.stop());
    mesh.split(['a'], ['b', 'c']);
    expect(mesh.proxy('a', 'b').mode).toEqual(CUT);
    mesh.split(['a', 'b'], ['c']);
    expect(mesh.proxy('a', 'b').mode.kind).toBe('pass');
    expect(mesh.proxy('b', 'c').mode).toEqual(CUT);
    mesh.setBaseMode(delayMode(5, 1));
    expect(mesh.proxy('a', 'b').mode).toEqual(delayMode(5, 1));
    expect(mesh.proxy('c', 'a').mode).toEqual(CUT);
    expect(mesh.partition).toEqual({ kind: 'split', groups: [['a', 'b'], ['c']] });
  });
});

describe('ProxyMesh: a connection is judged by the process that dialed it', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  // Storage members adopt the leader's address book, so b may dial c at the address handed to a.
  async function leakedAddress(ownerOf: ((socket: Socket) => string | undefined) | undefined) {
    const server = await startEchoServer();
    cleanups.push(() => server.close());
    const mesh = new ProxyMesh([{ name: 'a' }, { name: 'b' }, { name: 'c', address: server.address }], { links: [['a', 'c'], ['b', 'c']], ownerOf });
    await mesh.start();
    cleanups.push(() => mesh.stop());
    mesh.split(['b'], ['c']);
    const c = new TestClient(mesh.addressFor('a', 'c'));
    cleanups.push(() => c.destroy());
    c.socket.write('from b');
    return { mesh, c };
  }

  it("carries it on the dialer's own link, so cutting b off from c silences it", async () => {
    const { mesh, c } = await leakedAddress(() => 'b');
    await expectSilence(c, 200);
    expect(mesh.proxy('b', 'c').stats().accepted).toBe(1);
    expect(mesh.proxy('a', 'c').stats().accepted).toBe(0);
    expect(mesh.describe()).toContain("1 rerouted to their dialer's link, 0 of unknown dialer");
  });

  it('asks who dialed only on the links it is told to', async () => {
    const server = await startEchoServer();
    cleanups.push(() => server.close());
    let asked = 0;
    const mesh = new ProxyMesh([{ name: 'a' }, { name: 'b' }, { name: 'c', address: server.address }], {
      links: [['a', 'c'], ['b', 'c']],
      ownerOf: () => (asked++, 'b'),
      ownerLinks: ([from]) => from === 'b',
    });
    await mesh.start();
    cleanups.push(() => mesh.stop());
    const c = new TestClient(mesh.addressFor('a', 'c'));
    cleanups.push(() => c.destroy());
    c.socket.write('from a');
    expect((await c.receive(6)).toString()).toBe('from a');
    expect(asked).toBe(0);
    expect(mesh.proxy('a', 'c').stats().accepted).toBe(1);
  });

  it('keeps it on the link it reached when the dialer is that link’s own process, or unknown', async () => {
    for (const owner of ['a', undefined]) {
      const { mesh, c } = await leakedAddress(() => owner);
      expect((await c.receive(6)).toString()).toBe('from b');
      expect(mesh.proxy('a', 'c').stats().accepted).toBe(1);
    }
  });
});
