import { validateTxn } from '../api/validate.js';
import type { TxnOutcome } from '../gen/quorumkv/internal/v1/TxnOutcome.js';
import type { ResponseHeader } from '../gen/quorumkv/v1/ResponseHeader.js';
import type { MvccLimits } from '../mvcc/limits.js';
import type { StorageMember } from './storage-member.js';

// Deliberate defects, for proving that the chaos suite's checkers catch real bugs. Off unless
// QUORUMKV_TEST_DEFECT names one; a member running with one says so loudly at start. They are
// put around a member, never inside it:
//
// - ack-before-commit: answer an append as soon as it is proposed, before any quorum has it
//   (acknowledged writes can then be lost when the leader dies).
// - weak-dedupe: remember only the last request id, so a retried write is applied again.

export type TestDefect = 'ack-before-commit' | 'weak-dedupe';

const DEFECTS: readonly TestDefect[] = ['ack-before-commit', 'weak-dedupe'];

export function testDefectFrom(value: string | undefined): TestDefect | undefined {
  if (!value) return undefined;
  if (!DEFECTS.includes(value as TestDefect)) {
    throw new Error(`QUORUMKV_TEST_DEFECT=${value} is not one of ${DEFECTS.join(', ')}`);
  }
  return value as TestDefect;
}

/** The MVCC limits a defect weakens. */
export function defectiveLimits(defect: TestDefect | undefined): Partial<MvccLimits> {
  return defect === 'weak-dedupe' ? { dedupeMaxIds: 1 } : {};
}

/** Makes `member` answer appends the way `defect` gets them wrong. */
export function injectDefect(member: StorageMember, defect: TestDefect | undefined): void {
  if (defect !== 'ack-before-commit') return;
  const append = member.append.bind(member);
  member.append = async (txns) => {
    txns.forEach(validateTxn);
    append(txns).catch(() => undefined);
    return txns.map(() => prematureOutcome(member.header()));
  };
}

/** The answer the ack-before-commit defect gives: success, before anything is committed. */
function prematureOutcome(header: ResponseHeader): TxnOutcome {
  return { response: { header, succeeded: true, responses: [] }, rejected: '', conflict: null, tooOld: null, deduplicated: false, revision: header.revision ?? 0 };
}
