import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './render.js';

// A static reading of deploy/Dockerfile: there is no container engine on the test machines.

export interface Stage {
  from: string;
  name?: string;
  instructions: Array<{ op: string; args: string }>;
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of logical) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!m) throw new Error(`FROM ${args}: cannot read`);
      stages.push({ from: m[1], name: m[2], instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`${upper} before FROM`);
      stages[stages.length - 1].instructions.push({ op: upper, args });
    }
  }
  return stages;
}

export function loadDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(join(REPO_ROOT, 'deploy', 'Dockerfile'), 'utf8'));
}

/** The last stage's ENTRYPOINT in exec form. */
export function entrypoint(stages: Stage[]): string[] {
  const found = stages[stages.length - 1].instructions.filter((i) => i.op === 'ENTRYPOINT').pop();
  if (!found) throw new Error('the final stage has no ENTRYPOINT');
  return JSON.parse(found.args) as string[];
}
