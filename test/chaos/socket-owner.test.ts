import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findInode, socketOwner, socketOwnerPid } from '../../src/chaos/socket-owner.js';
import { waitFor } from './net-helpers.js';

describe('findInode', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 20 4 30 10 -1',
    '   1: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0 20 4 30 10 -1',
    '   2: 0100007F:9C41 0100007F:1F90 06 00000000:00000000 03:00000A2B 00000000     0        0 0 3 0',
  ];
  it('finds the row of the client end by its local and remote ports', () => {
    expect(findInode(table.join('\n'), 0x9c40, 0x1f90)).toBe('4242');
    expect(findInode(table.join('\n'), 0x1f90, 0x9c40)).toBe('4343');
  });
  it('skips sockets without an inode (TIME_WAIT) and unknown ports', () => {
    expect(findInode(table.join('\n'), 0x9c41, 0x1f90)).toBeUndefined();
    expect(findInode(table.join('\n'), 1, 2)).toBeUndefined();
  });
});

describe('socketOwnerPid', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function listen(): Promise<{ server: net.Server; port: number; accepted: Promise<net.Socket> }> {
    const server = net.createServer();
    const accepted = waitFor<net.Socket>(server, 'connection');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return { server, port: (server.address() as net.AddressInfo).port, accepted };
  }

  it('names the process that dialed: another process, or this one', async () => {
    const { port, accepted } = await listen();
    const child = spawn(process.execPath, ['-e', `require('net').connect(${port}, '127.0.0.1'); setTimeout(() => {}, 30000)`], { stdio: 'ignore' });
    cleanups.push(() => child.kill('SIGKILL'));
    const fromChild = await accepted;
    cleanups.push(() => fromChild.destroy());
    const pids = [process.pid, child.pid!];
    expect(socketOwnerPid(fromChild.remotePort!, port, pids)).toBe(child.pid);
    expect(socketOwner(() => [['me', process.pid], ['child', child.pid]])(fromChild)).toBe('child');

    const second = await listen();
    const mine = net.connect(second.port, '127.0.0.1');
    cleanups.push(() => mine.destroy());
    const fromMe = await second.accepted;
    cleanups.push(() => fromMe.destroy());
    expect(socketOwnerPid(fromMe.remotePort!, second.port, pids)).toBe(process.pid);
    // Not among the processes asked about: unknown.
    expect(socketOwnerPid(fromMe.remotePort!, second.port, [child.pid!])).toBeUndefined();
  });
});
