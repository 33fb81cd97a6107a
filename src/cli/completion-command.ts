import { UsageError } from './usage-error.js';
import type { Command } from './command.js';

const SHELLS = ['bash', 'zsh'] as const;

export const completionCommand: Command = {
  name: 'completion',
  summary: 'print a shell completion script: bash | zsh (for example: source <(quorumkv completion bash))',
  usage: 'quorumkv completion bash|zsh   (bash: source <(quorumkv completion bash); zsh: source <(quorumkv completion zsh) after compinit)',
  options: {},
  positionals: { min: 1, max: 1 },
  completions: { first: SHELLS },
  prepare: ({ positionals: [shell] }) => {
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion: unknown shell ${JSON.stringify(shell)}; use ${SHELLS.join(' or ')}`);
    return async () => {
      // The command table imports this command: it is read when the script is made.
      const [{ COMMANDS }, { bashCompletion, zshCompletion }] = await Promise.all([import('./parse.js'), import('./completion.js')]);
      process.stdout.write(shell === 'bash' ? bashCompletion(COMMANDS) : zshCompletion(COMMANDS));
      return 0;
    };
  },
};
