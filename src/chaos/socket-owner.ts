/**
 * Which process opened a loopback connection, from Linux's /proc: the connecting socket is the
 * row of /proc/net/tcp (or tcp6) whose local port is the accepted socket's remote port and whose
 * remote port is the port it was accepted on; its inode names the socket, and the process is the
 * one with a file descriptor on `socket:[inode]`.
 *
 * The proxy mesh needs it because a link's proxy address can be dialed by a process other than
 * the one it was handed to: storage members adopt the leader's address book with a snapshot, so
 * after an install one member reaches a peer through the proxy of another member's link.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { Socket } from 'node:net';

/** The name of the process, among those `processes` lists (name, pid), that dialed an accepted socket. */
export function socketOwner(processes: () => Iterable<readonly [string, number | undefined]>): (socket: Socket) => string | undefined {
  return (socket) => {
    if (socket.remotePort === undefined || socket.localPort === undefined) return undefined;
    const names = new Map<number, string>();
    for (const [name, pid] of processes()) if (pid !== undefined) names.set(pid, name);
    const pid = socketOwnerPid(socket.remotePort, socket.localPort, [...names.keys()]);
    return pid === undefined ? undefined : names.get(pid);
  };
}

/** The pid among `pids` that holds the client end of the connection `clientPort` → `serverPort`. */
export function socketOwnerPid(clientPort: number, serverPort: number, pids: readonly number[]): number | undefined {
  const inode = clientSocketInode(clientPort, serverPort);
  if (inode === undefined) return undefined;
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // exited since
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return pid;
      } catch {
        // closed since
      }
    }
  }
  return undefined;
}

function clientSocketInode(clientPort: number, serverPort: number): string | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    const inode = findInode(text, clientPort, serverPort);
    if (inode !== undefined) return inode;
  }
  return undefined;
}

/** The inode of the row with local port `localPort` and remote port `remotePort` (ports in hex after the colon). */
export function findInode(table: string, localPort: number, remotePort: number): string | undefined {
  const local = `:${hexPort(localPort)}`;
  const remote = `:${hexPort(remotePort)}`;
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    if (fields[1].endsWith(local) && fields[2].endsWith(remote) && fields[9] !== '0') return fields[9];
  }
  return undefined;
}

function hexPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}
