import type { PeerCertificate } from 'node:tls';

// A certificate says what its holder is: the organizational unit (OU) of its subject names one
// role. Servers read it from the verified peer certificate and refuse calls that role may not
// make, so a writer's certificate cannot speak raft and a client's cannot append to the log.

export const ROLES = ['storage', 'writer', 'reader', 'gateway', 'client'] as const;
export type Role = (typeof ROLES)[number];

/** The roles whose certificates are issued to processes of the cluster (not to users). */
export const NODE_ROLES: readonly Role[] = ['storage', 'writer', 'reader', 'gateway'];

/** Who may answer a dial: a storage member, a compute node, or anything that serves the client API. */
export const STORAGE_ROLES: readonly Role[] = ['storage'];
export const COMPUTE_ROLES: readonly Role[] = ['writer', 'reader'];
export const CLIENT_API_ROLES: readonly Role[] = ['gateway', 'writer', 'reader'];

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/** The role a verified peer certificate carries, or undefined when it carries none (or several). */
export function roleOf(certificate: PeerCertificate | undefined): Role | undefined {
  const unit = certificate?.subject?.OU;
  if (typeof unit !== 'string' || !isRole(unit)) return undefined;
  return unit;
}

/** The name in a verified peer certificate: a process id for node roles, a user name for clients. */
export function commonNameOf(certificate: PeerCertificate | undefined): string | undefined {
  const name = certificate?.subject?.CN;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

/**
 * The server identity check of our own links: the server's certificate (already verified
 * against the cluster CA) must carry one of `roles`. It stands in for the host name check,
 * since compute nodes are reached at addresses (pod IPs, proxies) no certificate can list in
 * advance, and what a link needs to know is what the other end is, not what it is called.
 */
export function serverRoleCheck(roles: readonly Role[]): (host: string, certificate: PeerCertificate) => Error | undefined {
  return (host, certificate) => {
    const role = roleOf(certificate);
    if (role && roles.includes(role)) return undefined;
    return new Error(`${host} presented ${role ? `a ${role} certificate` : 'a certificate without a quorumkv role (OU)'} where ${roles.join(' or ')} was expected`);
  };
}
