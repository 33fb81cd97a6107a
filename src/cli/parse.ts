import { UsageError } from './usage-error.js';
import { benchCommand } from './bench-command.js';
import { certCommand } from './cert-command.js';
import { chaosCommand } from './chaos-command.js';
import { completionCommand } from './completion-command.js';
import { addCommand, delCommand, getCommand, membersCommand, putCommand, statusCommand, txnCommand, watchCommand } from './client-commands.js';
import type { Command, ParsedArgs } from './command.js';
import { leaseCommand } from './lease-command.js';
import { parseCommand, type ParsedCommandLine } from './parse-command.js';
import { gatewayCommand, nodeCommand, storageCommand } from './server-commands.js';
import { snapshotCommand } from './snapshot-command.js';
import { upCommand } from './up-command.js';
import { quorumkvVersion } from '../version.js';

export const COMMANDS: Command[] = [upCommand, storageCommand, nodeCommand, gatewayCommand, putCommand, getCommand, delCommand, addCommand, txnCommand, watchCommand, leaseCommand, statusCommand, membersCommand, snapshotCommand, certCommand, benchCommand, chaosCommand, completionCommand];

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
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') return helpFor(rest[0]);
  if (name === '--version' || name === 'version') return { command: versionCommand, args: { values: {}, positionals: [] }, run: async () => (process.stdout.write(`quorumkv ${quorumkvVersion()}\n`), 0) };
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(name ? `unknown command ${JSON.stringify(name)}` : 'no command given');
  return parseCommand(command, rest);
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
