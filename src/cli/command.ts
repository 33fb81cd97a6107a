import type { ParseArgsConfig } from 'node:util';

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * A subcommand. `prepare` checks the arguments and returns the action without running it, so the
 * same parser can vet command lines (for example those in deployment manifests) without side effects.
 * The action resolves with the exit code for one-shot commands, or never for servers.
 */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  positionals?: { min: number; max: number };
  /** What shell completion offers beyond the option names: words for the first argument, values of options that take one of a few. */
  completions?: { first?: readonly string[]; values?: Readonly<Record<string, readonly string[]>> };
  prepare(args: ParsedArgs): () => Promise<number | void>;
}
