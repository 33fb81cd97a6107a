import { parseArgs } from 'node:util';
import type { Command, ParsedArgs } from './command.js';
import { UsageError } from './usage-error.js';

/** A command line of one command, checked: its options, its arguments, then the command's own `prepare`. */
export interface ParsedCommandLine {
  command: Command;
  args: ParsedArgs;
  run: () => Promise<number | void>;
}

/** Parses the arguments after the command's name, without running anything. */
export function parseCommand(command: Command, rest: string[]): ParsedCommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command.name}: ${(error as Error).message}`);
  }
  const args: ParsedArgs = { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  if (args.values.help) return { command, args, run: async () => (process.stdout.write(`usage: ${command.usage}\n`), 0) };
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (args.positionals.length < min || args.positionals.length > max) {
    throw new UsageError(`${command.name}: expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.positionals.length}`);
  }
  try {
    return { command, args, run: command.prepare(args) };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${command.name}: ${(error as Error).message}`);
  }
}
