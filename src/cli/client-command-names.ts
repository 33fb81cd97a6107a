/**
 * The names of the commands in client-commands.ts. The quorumkv command looks these up in that
 * module alone, without the server, bench, chaos and cert commands and their option parsers,
 * so that a one-shot command starts about as fast as Node itself (test/unit/cli-startup.test.ts).
 */
export const CLIENT_COMMAND_NAMES: readonly string[] = ['put', 'get', 'del', 'add', 'txn', 'watch', 'status', 'members'];
