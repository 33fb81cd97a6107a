import { UsageError } from './usage-error.js';

// Lease ids on the command line are hexadecimal, as etcdctl prints and reads them, so an id
// printed by either tool can be passed to the other.

/** The id as etcdctl prints it: 16 hex digits. */
export function leaseIdText(id: number): string {
  return id.toString(16).padStart(16, '0');
}

export function parseLeaseId(text: string, what: string): number {
  const id = /^0*[0-9a-fA-F]{1,14}$/.test(text) ? parseInt(text, 16) : NaN;
  if (!(Number.isSafeInteger(id) && id > 0)) throw new UsageError(`${what} must be a lease id in hex (as \`quorumkv lease grant\` prints it), got ${JSON.stringify(text)}`);
  return id;
}
