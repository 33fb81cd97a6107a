/**
 * The names of the commands in client-commands.ts. The quorumkv command looks these up in that
 * module alone, without the server, bench, chaos and cert commands and their option parsers,
 * so that a one-shot command starts about as fast as Node itself (test/unit/cli-startup.test.ts).
 */
export const CLIENT_COMMAND_NAMES: readonly string[] = ['put', 'get', 'del', 'add', 'txn', 'watch', 'status', 'members'];

/** The client commands that make their calls with the one-shot client and end: all of them but watch, which streams with the client library. */
export const ONE_SHOT_COMMAND_NAMES: readonly string[] = CLIENT_COMMAND_NAMES.filter((name) => name !== 'watch');
