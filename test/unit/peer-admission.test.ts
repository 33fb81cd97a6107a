import { MemoryLevel } from 'memory-level';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType, type Message } from '../../src/consensus/types.js';
import { Incarnations } from '../../src/storage/incarnations.js';
import { admission, MAX_VOUCHED_INCARNATIONS, PeerAdmission, type AdmissionInput } from '../../src/storage/peer-admission.js';

// Which peers' messages a storage member counts, by what it knows of their incarnations. The
// reproduction of issue 14's defect 1, played on one member's admission: follower C knows leader A
// (it heard from it) but never heard from follower B, since followers send each other nothing.
// After B's disk is wiped, B's votes must not count at C.

const A = 'a';
const B = 'b';
const C = 'c';

function message(type: MessageType, from: string, to = C): Message {
  return { type, from, to, term: 2, logTerm: 1, index: 1, entries: [], commit: 0, reject: false, rejectHint: 0, context: Buffer.alloc(0) };
}

interface Member {
  admission: PeerAdmission;
  incarnations: Incarnations;
  refused: string[];
  warnings: string[];
  state: { leading: boolean; fresh: boolean };
  db: MemoryLevel<Buffer, Buffer>;
}

const dbs: Array<MemoryLevel<Buffer, Buffer>> = [];
afterEach(async () => {
  await settle();
  for (const db of dbs.splice(0)) await db.close();
});

async function member(self: string, db = new MemoryLevel<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' })): Promise<Member> {
  dbs.push(db);
  const space = db.sublevel<Buffer, Buffer>('raft', { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  const incarnations = await Incarnations.open(space, self);
  const refused: string[] = [];
  const warnings: string[] = [];
  const state = { leading: false, fresh: false };
  const admission = new PeerAdmission(self, incarnations, {
    listed: (id) => [A, B, C].includes(id),
    leading: () => state.leading,
    fresh: () => state.fresh,
    refused: (reason) => refused.push(reason),
    knownChanged: () => undefined,
    warn: (_fields, text) => warnings.push(text),
    fatal: (where, error) => {
      throw new Error(`fatal: ${where}`, { cause: error });
    },
  });
  return { admission, incarnations, refused, warnings, state, db };
}

/** Lets the background writes of learned incarnations finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('admission', () => {
  const input = (overrides: Partial<AdmissionInput>): AdmissionInput => ({ verdict: 'new', listed: true, leading: false, fresh: false, fromLeader: false, ...overrides });

  it('admits a known incarnation and refuses a stale one, whatever else holds', () => {
    expect(admission(input({ verdict: 'known' }))).toBe('admit');
    expect(admission(input({ verdict: 'stale', leading: true, fresh: true, fromLeader: true }))).toBe('stale');
  });

  it('pins a first incarnation only while leading, with an empty log, or from a leader\u2019s own appends', () => {
    expect(admission(input({ leading: true }))).toBe('pin');
    expect(admission(input({ fresh: true }))).toBe('pin');
    expect(admission(input({ fromLeader: true }))).toBe('pin');
    expect(admission(input({}))).toBe('unvouched');
  });

  it('lets a sender outside the address book through unrecorded', () => {
    expect(admission(input({ listed: false }))).toBe('admit');
  });
});

describe('a member learning incarnations', () => {
  it('learns a follower\u2019s incarnation from the leader, and then refuses that follower\u2019s votes once its disk is wiped', async () => {
    const a = await member(A);
    const b = await member(B);
    const c = await member(C);
    // The first election: every log is empty, so each pins what it hears. A leads.
    a.state.fresh = true;
    expect(a.admission.admits(message(MessageType.VoteResp, B, A), b.incarnations.own)).toBe(false);
    expect(a.admission.admits(message(MessageType.VoteResp, B, A), b.incarnations.own)).toBe(true);
    Object.assign(a.state, { leading: true, fresh: false });
    c.state.fresh = true;
    const heartbeat = message(MessageType.Heartbeat, A);
    expect(c.admission.admits(heartbeat, a.incarnations.own)).toBe(false);
    c.state.fresh = false;
    expect(c.admission.admits(heartbeat, a.incarnations.own)).toBe(true);
    // A's heartbeats vouch for B.
    const vouched = a.admission.vouched();
    expect(vouched).toEqual({ [A]: a.incarnations.own, [B]: b.incarnations.own });
    c.admission.learnVouched(A, vouched!);
    expect(c.incarnations.of(B)).toBe(b.incarnations.own);
    await settle();

    // B's disk is wiped: a new incarnation under the old id. C restarts from its disk and refuses it.
    const wipedB = await member(B);
    const cAgain = await member(C, c.db);
    expect(cAgain.admission.admits(message(MessageType.VoteResp, B), wipedB.incarnations.own)).toBe(false);
    expect(cAgain.admission.admits(message(MessageType.Vote, B), wipedB.incarnations.own)).toBe(false);
    expect(cAgain.refused).toEqual(['stale', 'stale']);
    expect(cAgain.warnings).toEqual([`storage member ${B} came back with a new data directory: its messages are ignored (it may have lost votes and entries) until it is removed and added again (quorumkv members remove ${B}, then add it)`]);
  });

  it('does not count a peer it never learned, with a log that is not empty, until a leader vouches for it', async () => {
    const c = await member(C);
    const b = await member(B);
    const a = await member(A);
    // C followed A, which had not heard from B yet when C went down.
    c.state.fresh = true;
    c.admission.admits(message(MessageType.Heartbeat, A), a.incarnations.own);
    c.state.fresh = false;
    for (const type of [MessageType.VoteResp, MessageType.PreVoteResp, MessageType.Vote]) {
      expect(c.admission.admits(message(type, B), b.incarnations.own), `${type}`).toBe(false);
    }
    expect(c.refused).toEqual(['unvouched', 'unvouched', 'unvouched']);
    expect(c.incarnations.of(B)).toBeUndefined();
    // A leader vouches for B: from then on B counts.
    c.admission.learnVouched(A, { [A]: a.incarnations.own, [B]: b.incarnations.own });
    expect(c.admission.admits(message(MessageType.VoteResp, B), b.incarnations.own)).toBe(true);
  });

  it('keeps the incarnation it learned first when a leader vouches for another, and says when the leader knows it by another', async () => {
    const c = await member(C);
    c.admission.learnVouched(A, { [B]: 'b-old' });
    c.admission.learnVouched(A, { [B]: 'b-new', [C]: 'c-old' });
    expect(c.incarnations.of(B)).toBe('b-old');
    expect(c.warnings).toHaveLength(2);
    expect(c.warnings[0]).toContain(`knows storage member ${B} by another incarnation`);
    expect(c.warnings[1]).toContain('knows this member by another data directory');
  });

  it('ignores a vouching larger than any group and members outside its address book', async () => {
    const c = await member(C);
    const many = Object.fromEntries(Array.from({ length: MAX_VOUCHED_INCARNATIONS + 1 }, (_, i) => [`m${i}`, `i${i}`]));
    c.admission.learnVouched(A, { ...many, [B]: 'b1' });
    expect(c.incarnations.of(B)).toBeUndefined();
    c.admission.learnVouched(A, { x: 'x1' });
    expect(c.incarnations.count).toBe(0);
  });

  it('vouches for nothing while it does not lead', async () => {
    const a = await member(A);
    expect(a.admission.vouched()).toBeUndefined();
    a.state.leading = true;
    expect(a.admission.vouched()).toEqual({ [A]: a.incarnations.own });
  });

  it('keeps every incarnation learned in quick succession across a restart', async () => {
    const c = await member(C);
    for (let i = 0; i < 20; i++) c.admission.learnVouched(A, { [i % 2 === 0 ? A : B]: `i${i}` });
    await settle();
    const again = await member(C, c.db);
    expect([again.incarnations.of(A), again.incarnations.of(B)]).toEqual(['i0', 'i1']);
    // A removed peer is forgotten on disk too.
    await again.admission.forget(B);
    expect((await member(C, c.db)).incarnations.of(B)).toBeUndefined();
  });
});
