import type { ParsedCommandLine } from './parse-command.js';
import type { UsageError } from './usage-error.js';

// How every entry of the quorumkv command ends a command line (main.ts, the full command table;
// bin.ts, the one-shot client commands): a usage error prints the usage and exits 2, a failure
// prints one line and exits 1, naming the error class when it is one of ours.

/** Prints a usage error with `usage` and gives the exit code of one. */
export function usageFailure(error: UsageError, usage: string): number {
  process.stderr.write(`error: ${error.message}\n${usage}\n`);
  return 2;
}

/** Runs a parsed command line; its failure is printed and gives exit code 1. */
export async function runParsed(parsed: ParsedCommandLine): Promise<number | void> {
  try {
    return await parsed.run();
  } catch (failure) {
    const { QuorumkvError } = await import('../errors.js');
    if (failure instanceof QuorumkvError) {
      process.stderr.write(`error: ${failure.message} (${failure.name})\n`);
      return 1;
    }
    process.stderr.write(`error: ${(failure as Error).message ?? failure}\n`);
    return 1;
  }
}
