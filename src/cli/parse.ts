import { parseArgs } from 'node:util';
import { UsageError } from './address-list.js';
import { benchCommand } from './bench-command.js';
import { certCommand } from './cert-command.js';
import { chaosCommand } from './chaos-command.js';
import { completionCommand } from './completion-command.js';
import { addCommand, delCommand, getCommand, membersCommand, putCommand, statusCommand, txnCommand, watchCommand } from './client-commands.js';
import type { Command, ParsedArgs } from './command.js';
import { gatewayCommand, nodeCommand, storageCommand } from './server-commands.js';
import { snapshotCommand } from './snapshot-command.js';
import { upCommand } from './up-command.js';
import { quorumkvVersion } from '../version.js';

export const COMMANDS: Command[] = [upCommand, storageCommand, nodeCommand, gatewayCommand, putCommand, getCommand, delCommand, addCommand, txnCommand, watchCommand, statusCommand, membersCommand, snapshotCommand, certCommand, benchCommand, chaosCommand, completionCommand];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: quorumkv COMMAND [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `quorumkv help COMMAND` (or `quorumkv COMMAND --help`) for its options, `quorumkv --version` for the version.',
    'Client commands use --endpoint, QUORUMKV_ENDPOINT or 127.0.0.1:7000.',
  ].join('\n');
}

/** Parses a full command line into a command and its checked arguments, without running anything. */
export function parseCommandLine(argv: string[]): { command: Command; args: ParsedArgs; run: () => Promise<number | void> } {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') return helpFor(rest[0]);
  if (name === '--version' || name === 'version') return { command: versionCommand, args: { values: {}, positionals: [] }, run: async () => (process.stdout.write(`quorumkv ${quorumkvVersion()}\n`), 0) };
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(name ? `unknown command ${JSON.stringify(name)}` : 'no command given');
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

const versionCommand: Command = { name: 'version', summary: 'print the version', usage: 'quorumkv --version', options: {}, prepare: () => async () => 0 };
const helpCommand: Command = { name: 'help', summary: 'show the commands, or one command\'s options', usage: 'quorumkv help [COMMAND]', options: {}, prepare: () => async () => 0 };

/** `quorumkv --help`, `-h`, `help` and `help COMMAND`: usage on stdout, exit 0. */
function helpFor(name: string | undefined): { command: Command; args: ParsedArgs; run: () => Promise<number> } {
  const command = name === undefined ? undefined : COMMANDS.find((c) => c.name === name);
  if (name !== undefined && !command) throw new UsageError(`help: unknown command ${JSON.stringify(name)}`);
  const text = command ? `usage: ${command.usage}\n` : `${usage()}\n`;
  return { command: command ?? helpCommand, args: { values: {}, positionals: name ? [name] : [] }, run: async () => (process.stdout.write(text), 0) };
}
