import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bashCompletion, zshCompletion } from '../../src/cli/completion.js';
import { COMMANDS } from '../../src/cli/parse.js';
import { CLI_ENTRY } from '../../src/proto/root.js';

// The completion scripts run in real shells: bash with COMP_WORDS / COMP_CWORD as readline sets
// them, zsh with words / CURRENT and its completion builtins stood in for by functions that print
// the candidates matching the word under the cursor, as the builtins match them.

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'quorumkv-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bashScript = join(dir, 'quorumkv.bash');
const zshScript = join(dir, 'quorumkv.zsh');
writeFileSync(bashScript, bashCompletion(COMMANDS));
writeFileSync(zshScript, zshCompletion(COMMANDS));
writeFileSync(join(dir, 'backup.snap'), '');

const quote = (w: string) => `'${w.replace(/'/g, "'\\''")}'`;

/** What bash offers for the command line `words` with the cursor on the last word. */
async function bash(...words: string[]): Promise<string[]> {
  const script = `source ${quote(bashScript)}; COMP_WORDS=(${words.map(quote).join(' ')}); COMP_CWORD=${words.length - 1}; _quorumkv; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const { stdout } = await run('bash', ['-c', script], { cwd: dir });
  return stdout.split('\n').filter(Boolean).sort();
}

/** What zsh offers, likewise. */
async function zsh(...words: string[]): Promise<string[]> {
  const stand_ins = [
    'offer() { local w; for w in "$@"; do [[ $w == ${words[CURRENT]}* ]] && print -r -- $w; done; return 0; }',
    'compadd() { [[ $1 == -- ]] && shift; offer "$@"; }',
    '_describe() { local -a described; described=("${(@P)2}"); offer "${described[@]%%:*}"; }',
    '_files() { print -- "(files)"; }',
  ].join('\n');
  const script = `${stand_ins}\nsource ${quote(zshScript)}\nwords=(${words.map(quote).join(' ')}); CURRENT=${words.length}; _quorumkv`;
  const { stdout } = await run('zsh', ['-f', '-c', script], { cwd: dir });
  return stdout.split('\n').filter(Boolean).sort();
}

const sorted = (list: readonly string[]) => [...list].sort();

describe('shell completion', () => {
  it('quorumkv completion bash|zsh prints the scripts, and refuses another shell', async () => {
    expect((await run(process.execPath, [CLI_ENTRY, 'completion', 'bash'])).stdout).toBe(bashCompletion(COMMANDS));
    expect((await run(process.execPath, [CLI_ENTRY, 'completion', 'zsh'])).stdout).toBe(zshCompletion(COMMANDS));
    const fish = await run(process.execPath, [CLI_ENTRY, 'completion', 'fish']).catch((e: { code: number; stderr: string }) => e);
    expect(fish).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown shell "fish"; use bash or zsh/) });
  }, 30_000);

  for (const [shell, complete] of [['bash', bash], ['zsh', zsh]] as const) {
    describe(shell, () => {
      it('completes subcommands, help and --version', async () => {
        expect(await complete('quorumkv', '')).toEqual(expect.arrayContaining([...COMMANDS.map((c) => c.name), 'help', '--version']));
        expect(await complete('quorumkv', 'st')).toEqual(['status', 'storage']);
        expect(await complete('quorumkv', 'help', 'sn')).toEqual(['snapshot']);
      });

      it('completes every option of every command, from the command table', async () => {
        for (const command of COMMANDS) {
          const flags = Object.entries(command.options).map(([name]) => `--${name}`);
          const offered = (await complete('quorumkv', command.name, '--')).filter((w) => w.startsWith('--'));
          expect(offered, command.name).toEqual(sorted([...flags, '--help']));
        }
        expect(await complete('quorumkv', 'get', 'k', '--con')).toEqual(['--consistency']);
      }, 60_000);

      it('completes option values, first words of actions, and file names', async () => {
        expect(await complete('quorumkv', 'get', 'k', '--consistency', '')).toEqual(['linearizable', 'read-your-writes', 'stale']);
        expect(await complete('quorumkv', 'status', '-o', '')).toEqual(['json', 'table', 'yaml']);
        expect(await complete('quorumkv', 'put', 'k', 'v', '--output', '')).toEqual(['json', 'table', 'yaml']);
        expect(await complete('quorumkv', 'members', '')).toEqual(['add', 'list', 'promote', 'remove']);
        expect(await complete('quorumkv', 'snapshot', '')).toEqual(['backup', 'restore', 'save', 'status']);
        expect(await complete('quorumkv', 'completion', '')).toEqual(['bash', 'zsh']);
        expect(await complete('quorumkv', 'bench', 'put', '--target', '')).toEqual(['etcd', 'quorumkv']);
        expect(await complete('quorumkv', 'snapshot', 'status', shell === 'bash' ? 'back' : '')).toEqual(shell === 'bash' ? ['backup.snap'] : ['(files)']);
      });
    });
  }
});
