#!/usr/bin/env node
import { ONE_SHOT_COMMAND_NAMES } from './client-command-names.js';
import { runParsed, usageFailure } from './run-parsed.js';
import { UsageError } from './usage-error.js';

// What the installed `quorumkv` runs (package.json "bin"). The build bundles this file and the
// modules of the one-shot client commands into one CommonJS file, dist/src/cli/quorumkv.cjs
// (scripts/bundle-cli.mjs): Node 20 loads one CommonJS file much faster than the ~20 ES modules
// of the same code, and that load was most of what `quorumkv get` spent above Node's own start
// (docs/BENCHMARKS.md). Every other command line (servers, up, watch, help, ...) goes to main.ts,
// loaded from dist/src as before; nothing is shared between the two, so no class exists twice.

async function oneShot(argv: string[]): Promise<number | void> {
  const [{ CLIENT_COMMANDS }, { parseCommand }] = await Promise.all([import('./client-commands.js'), import('./parse-command.js')]);
  const command = CLIENT_COMMANDS.find((c) => c.name === argv[0]);
  if (!command) throw new Error(`${argv[0]} is named a one-shot command but is not in client-commands.ts`);
  let parsed;
  try {
    parsed = parseCommand(command, argv.slice(1));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageFailure(error, `usage: ${command.usage}`);
  }
  return runParsed(parsed);
}

const argv = process.argv.slice(2);
if (ONE_SHOT_COMMAND_NAMES.includes(argv[0])) {
  oneShot(argv).then((code) => {
    if (typeof code === 'number') process.exit(code);
  });
} else {
  // main.ts parses process.argv and runs the command when it loads.
  void import('./main.js');
}
