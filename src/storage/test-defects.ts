// Deliberate defects, for proving that the chaos suite's checkers catch real bugs. Off unless
// QUORUMKV_TEST_DEFECT names one; a member running with one says so loudly at start.
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
