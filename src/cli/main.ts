#!/usr/bin/env node
import { CLIENT_COMMAND_NAMES } from './client-command-names.js';
import type { Command } from './command.js';
import type { ParsedCommandLine } from './parse-command.js';
import { runParsed, usageFailure } from './run-parsed.js';
import { UsageError } from './usage-error.js';

// The whole quorumkv command: servers, `up`, bench, chaos, cert, watch and the rest. The installed
// `quorumkv` (bin.ts, one file) runs the one-shot client commands itself and hands every other
// command line to this module; local clusters start their processes with this file.

/** The command line parsed, with only the modules its command needs: a client command loads no server code. */
async function parse(argv: string[]): Promise<{ parsed?: ParsedCommandLine; command?: Command; error?: UsageError }> {
  let command: Command | undefined;
  try {
    if (CLIENT_COMMAND_NAMES.includes(argv[0])) {
      const [{ CLIENT_COMMANDS }, { parseCommand }] = await Promise.all([import('./client-commands.js'), import('./parse-command.js')]);
      command = CLIENT_COMMANDS.find((c) => c.name === argv[0])!;
      return { parsed: parseCommand(command, argv.slice(1)) };
    }
    const { COMMANDS, parseCommandLine } = await import('./parse.js');
    command = COMMANDS.find((c) => c.name === argv[0]);
    return { parsed: parseCommandLine(argv) };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { command, error };
  }
}

async function main(argv: string[]): Promise<number | void> {
  const { parsed, command, error } = await parse(argv);
  if (!parsed) return usageFailure(error!, command ? `usage: ${command.usage}` : (await import('./parse.js')).usage());
  return runParsed(parsed);
}

main(process.argv.slice(2)).then((code) => {
  if (typeof code === 'number') process.exit(code);
});
