import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { InvalidTokenError, KeyPermissionError, NoUserError } from '../../src/auth/auth-errors.js';
import { AuthState, ENABLED_KEY, ROOT, SIGNING_KEY_KEY, encodeRole, encodeUser, roleKey, userKey } from '../../src/auth/auth-records.js';
import { Authorizer } from '../../src/auth/authorizer.js';
import { callerOf, SYSTEM, TOKEN_METADATA, type Caller } from '../../src/auth/caller.js';
import { accessOfTxn, covers, type Permission } from '../../src/auth/permissions.js';
import { hideReservedInRange, hideReservedInTxn, RESERVED_PREFIX } from '../../src/auth/reserved-keys.js';
import { passwordTag, signToken, verifyToken } from '../../src/auth/tokens.js';
import { InvalidArgumentError } from '../../src/errors.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';

const b = (text: string) => Buffer.from(text);
const EMPTY = Buffer.alloc(0);
const ZERO = Buffer.of(0);

function txn(parts: Partial<TxnRequest__Output>): TxnRequest__Output {
  return { compare: [], success: [], failure: [], requestId: '', readRevision: 0, readSet: [], ...parts };
}
const put = (key: string) => ({ request: 'requestPut' as const, requestPut: { key: b(key), value: b('v'), prevKv: false, requestId: '', lease: 0, ignoreLease: false } });
const range = (key: string, rangeEnd = '') => ({
  request: 'requestRange' as const,
  requestRange: { key: b(key), rangeEnd: b(rangeEnd), limit: 0, revision: 0, serializable: false, keysOnly: false, countOnly: false, minRevision: 0, maxStalenessMs: 0 },
});

describe('key-range permissions', () => {
  const grants: Permission[] = [
    { type: 'READ', key: b('a/'), rangeEnd: b('a0') }, // prefix a/
    { type: 'READWRITE', key: b('a0'), rangeEnd: b('b') },
    { type: 'WRITE', key: b('w'), rangeEnd: EMPTY }, // one key
  ];

  it('covers a range only when the union of grants of that kind covers all of it', () => {
    expect(covers(grants, 'read', b('a/x'), EMPTY)).toBe(true);
    expect(covers(grants, 'read', b('a/'), b('b'))).toBe(true); // two grants, no gap
    expect(covers(grants, 'read', b('a/'), b('b0'))).toBe(false); // runs past them
    expect(covers(grants, 'write', b('a/x'), EMPTY)).toBe(false); // READ only
    expect(covers(grants, 'write', b('a5'), EMPTY)).toBe(true);
    expect(covers(grants, 'write', b('w'), EMPTY)).toBe(true);
    expect(covers(grants, 'write', b('w'), b('x'))).toBe(false); // the range holds more than the key
    expect(covers(grants, 'read', b('w'), EMPTY)).toBe(false);
    expect(covers(grants, 'read', ZERO, ZERO)).toBe(false); // every key
    expect(covers([{ type: 'READ', key: ZERO, rangeEnd: ZERO }], 'read', ZERO, ZERO)).toBe(true);
    expect(covers([{ type: 'READ', key: b('m'), rangeEnd: ZERO }], 'read', b('a'), ZERO)).toBe(false);
    expect(covers([], 'read', b('z'), b('a'))).toBe(true); // selects nothing
  });

  it('counts compares, read sets, ranges and previous values as reads, and puts, deletes and adds as writes', () => {
    const access = accessOfTxn(
      txn({
        compare: [{ key: b('c'), rangeEnd: EMPTY, target: 'MOD', result: 'EQUAL', modRevision: 0, targetUnion: 'modRevision' }],
        readSet: [{ key: b('rs'), rangeEnd: b('rt') }],
        success: [range('r'), { request: 'requestPut', requestPut: { key: b('p'), value: b('v'), prevKv: true, requestId: '', lease: 0, ignoreLease: false } }],
        failure: [{ request: 'requestDeleteRange', requestDeleteRange: { key: b('d'), rangeEnd: b('e'), prevKv: false, requestId: '' } }, { request: 'requestAdd', requestAdd: { key: b('n'), delta: 1 } }],
      }),
    );
    expect(access.reads.map((r) => r.key.toString())).toEqual(['c', 'rs', 'r', 'p', 'n']);
    expect(access.writes.map((r) => r.key.toString())).toEqual(['p', 'd', 'n']);
  });
});

describe('reserved keys', () => {
  it('cuts a range that reaches them off below them, and refuses a key among them', () => {
    expect(hideReservedInRange({ key: ZERO, rangeEnd: ZERO }).rangeEnd).toEqual(RESERVED_PREFIX);
    expect(hideReservedInRange({ key: b('a'), rangeEnd: Buffer.from([0xff, 0xff, 0xff, 0xff]) }).rangeEnd).toEqual(RESERVED_PREFIX);
    expect(hideReservedInRange({ key: b('a'), rangeEnd: b('b') }).rangeEnd).toEqual(b('b'));
    expect(hideReservedInRange({ key: b('a'), rangeEnd: EMPTY }).rangeEnd).toEqual(EMPTY);
    expect(() => hideReservedInRange({ key: Buffer.concat([RESERVED_PREFIX, b('auth/enabled')]), rangeEnd: EMPTY })).toThrow(InvalidArgumentError);
  });

  it('keeps every part of a transaction out of them', () => {
    const clipped = hideReservedInTxn(txn({ success: [range('\0', '\0')], readSet: [{ key: b('a'), rangeEnd: ZERO }] }));
    expect(clipped.success[0].requestRange!.rangeEnd).toEqual(RESERVED_PREFIX);
    expect(clipped.readSet[0].rangeEnd).toEqual(RESERVED_PREFIX);
    const reserved = { request: 'requestPut' as const, requestPut: { key: Buffer.concat([RESERVED_PREFIX, b('x')]), value: b('v'), prevKv: false, requestId: '', lease: 0, ignoreLease: false } };
    expect(() => hideReservedInTxn(txn({ failure: [reserved] }))).toThrow(/reserved/);
  });
});

describe('tokens', () => {
  const key = Buffer.alloc(32, 7);
  it('verify with the key that signed them, until they expire', () => {
    const token = signToken(key, { user: 'alice', expiresAt: 10_000, passwordTag: 't' });
    expect(verifyToken(key, token, 9_999)).toEqual({ user: 'alice', expiresAt: 10_000, passwordTag: 't' });
    expect(() => verifyToken(key, token, 10_001)).toThrow(/expired/);
    expect(() => verifyToken(Buffer.alloc(32, 8), token, 0)).toThrow(/bad signature/);
    const [body, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'root', e: 10_000, p: 't' })).toString('base64url');
    expect(() => verifyToken(key, `${forged}.${signature}`, 0)).toThrow(InvalidTokenError);
    expect(() => verifyToken(key, body, 0)).toThrow(InvalidTokenError);
  });
});

describe('the authorizer', () => {
  const signingKey = Buffer.alloc(32, 1);
  const password = { kdf: 'scrypt-14-8-1' as const, salt: 's', hash: 'h1' };
  const records = (enabled: boolean, alicePassword = password) =>
    AuthState.of([
      ...(enabled ? [{ key: ENABLED_KEY, value: b('1') }] : []),
      { key: SIGNING_KEY_KEY, value: b(signingKey.toString('base64')) },
      { key: userKey(ROOT), value: encodeUser({ password, roles: [ROOT] }) },
      { key: userKey('alice'), value: encodeUser({ password: alicePassword, roles: ['app'] }) },
      { key: roleKey('app'), value: encodeRole({ permissions: [{ type: 'READWRITE', key: b('app/'), rangeEnd: b('app0') }] }) },
    ]);
  const over = (state: AuthState) => new Authorizer({ loaded: state, current: async () => state }, () => 0);
  const tokenFor = (user: string, tag = passwordTag(password.hash)) => signToken(signingKey, { user, expiresAt: 1_000, passwordTag: tag });
  const client = (parts: { token?: string; certificateUser?: string }): Caller => ({ kind: 'client', ...parts });

  it('lets everyone do everything while authentication is off', async () => {
    const authorizer = over(records(false));
    await expect(authorizer.checkRange(client({}), ZERO, ZERO, 1e15)).resolves.toBeUndefined();
    await expect(authorizer.checkAdmin(client({}), 1e15)).resolves.toBeUndefined();
  });

  it('once on, needs a user, and checks every read and write against its roles', async () => {
    const authorizer = over(records(true));
    await expect(authorizer.checkRange(client({}), b('app/x'), EMPTY, 1e15)).rejects.toThrow(NoUserError);
    const alice = client({ token: tokenFor('alice') });
    await expect(authorizer.checkRange(alice, b('app/x'), EMPTY, 1e15)).resolves.toBeUndefined();
    await expect(authorizer.checkRange(alice, b('other'), EMPTY, 1e15)).rejects.toThrow(KeyPermissionError);
    await expect(authorizer.checkTxn(alice, txn({ success: [put('app/y')] }), 1e15)).resolves.toBeUndefined();
    await expect(authorizer.checkTxn(alice, txn({ success: [put('app/y')], failure: [put('elsewhere')] }), 1e15)).rejects.toThrow(/may not write key "elsewhere"/);
    await expect(authorizer.checkAdmin(alice, 1e15)).rejects.toThrow(/root role/);
    // A client certificate names its user too.
    await expect(authorizer.checkRange(client({ certificateUser: 'alice' }), b('app/x'), EMPTY, 1e15)).resolves.toBeUndefined();
    await expect(authorizer.checkRange(client({ certificateUser: 'mallory' }), b('app/x'), EMPTY, 1e15)).rejects.toThrow(KeyPermissionError);
    await expect(authorizer.checkAdmin(client({ token: tokenFor(ROOT) }), 1e15)).resolves.toBeUndefined();
    await expect(authorizer.checkRange(client({ token: tokenFor(ROOT) }), ZERO, ZERO, 1e15)).resolves.toBeUndefined();
    // The cluster itself is never checked.
    await expect(authorizer.checkAdmin(SYSTEM, 1e15)).resolves.toBeUndefined();
  });

  it('refuses a token issued before its user changed password, or for a user who is gone', async () => {
    const oldToken = tokenFor('alice');
    const changed = over(records(true, { ...password, hash: 'h2' }));
    await expect(changed.checkRange(client({ token: oldToken }), b('app/x'), EMPTY, 1e15)).rejects.toThrow(/changed password/);
    await expect(changed.checkRange(client({ token: tokenFor('nobody') }), b('app/x'), EMPTY, 1e15)).rejects.toThrow(InvalidTokenError);
  });
});

describe('the caller of a call', () => {
  it('is a client without a certificate user when its connection closed before the certificate was read', () => {
    const metadata = new grpc.Metadata();
    metadata.set(TOKEN_METADATA, 'tok');
    const call = { metadata, getAuthContext: () => { throw new TypeError("Cannot read properties of null (reading 'raw')"); } };
    expect(callerOf(call)).toEqual({ kind: 'client', token: 'tok', certificateUser: undefined });
  });
});
