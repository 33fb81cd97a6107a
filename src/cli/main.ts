#!/usr/bin/env node
import { UsageError } from './address-list.js';
import { COMMANDS, parseCommandLine, usage } from './parse.js';

async function main(argv: string[]): Promise<number | void> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const command = COMMANDS.find((c) => c.name === argv[0]);
    process.stderr.write(`error: ${error.message}\n${command ? `usage: ${command.usage}` : usage()}\n`);
    return 2;
  }
  try {
    return await parsed.run();
  } catch (error) {
    // Loaded only now: the error types bring gRPC with them.
    const { QuorumkvError } = await import('../errors.js');
    if (error instanceof QuorumkvError) {
      process.stderr.write(`error: ${error.message} (${error.name})\n`);
      return 1;
    }
    process.stderr.write(`error: ${(error as Error).message ?? error}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  if (typeof code === 'number') process.exit(code);
});
