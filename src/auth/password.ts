import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// Passwords are kept only as scrypt hashes (RFC 7914), salted per user; scrypt is memory-hard, so
// a stolen backup costs an attacker far more per guess than a plain hash would. Hashing runs on
// libuv's thread pool and takes tens of milliseconds: the cost is paid at UserAdd and Authenticate,
// never per request (requests carry a token).

const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** N = 2^14, r = 8, p = 1: about 16 MiB and 30–60 ms per hash on a current server core. */
const PARAMS = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export interface PasswordHash {
  /** `scrypt` with the parameters above. */
  kdf: 'scrypt-14-8-1';
  salt: string;
  hash: string;
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, KEY_BYTES, PARAMS, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  return { kdf: 'scrypt-14-8-1', salt: salt.toString('base64'), hash: (await derive(password, salt)).toString('base64') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (stored.kdf !== 'scrypt-14-8-1') return false;
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(password, Buffer.from(stored.salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
