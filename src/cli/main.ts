#!/usr/bin/env node
import { CLIENT_COMMAND_NAMES } from './client-command-names.js';
import type { Command } from './command.js';
import type { ParsedCommandLine } from './parse-command.js';
import { UsageError } from './usage-error.js';

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
  if (!parsed) {
    const text = command ? `usage: ${command.usage}` : (await import('./parse.js')).usage();
    process.stderr.write(`error: ${error!.message}\n${text}\n`);
    return 2;
  }
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

main(process.argv.slice(2)).then((code) => {
  if (typeof code === 'number') process.exit(code);
});
