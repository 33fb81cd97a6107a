import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError } from './auth-errors.js';

// A token says "user U, until T", signed with HMAC-SHA256 under the cluster's signing key, which
// lives in the replicated auth records: any compute node verifies a token any other issued, with
// no shared session table. It also carries a tag of the user's password hash, so changing a
// password (or deleting and re-adding the user) invalidates every token issued before.

export interface TokenClaims {
  user: string;
  /** Milliseconds since the epoch after which the token is refused. */
  expiresAt: number;
  /** A tag of the password hash the token was issued against. */
  passwordTag: string;
}

export function passwordTag(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);
}

export function signToken(key: Buffer, claims: TokenClaims): string {
  const body = Buffer.from(JSON.stringify({ u: claims.user, e: claims.expiresAt, p: claims.passwordTag })).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** The claims of a token signed with `key` that has not expired at `nowMs`; throws InvalidTokenError otherwise. */
export function verifyToken(key: Buffer, token: string, nowMs: number): TokenClaims {
  const dot = token.indexOf('.');
  if (dot <= 0) throw new InvalidTokenError('invalid auth token: not a quorumkv token');
  const body = token.slice(0, dot);
  const expected = createHmac('sha256', key).update(body).digest();
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw new InvalidTokenError('invalid auth token: bad signature');
  let parsed: { u?: unknown; e?: unknown; p?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw new InvalidTokenError('invalid auth token: unreadable claims');
  }
  if (typeof parsed.u !== 'string' || typeof parsed.e !== 'number' || typeof parsed.p !== 'string') throw new InvalidTokenError('invalid auth token: unreadable claims');
  if (nowMs > parsed.e) throw new InvalidTokenError('invalid auth token: expired; authenticate again');
  return { user: parsed.u, expiresAt: parsed.e, passwordTag: parsed.p };
}
