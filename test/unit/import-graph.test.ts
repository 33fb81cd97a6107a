import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The boundaries of ARCHITECTURE.md, checked on the source: the consensus core imports only
// itself; the MVCC state machine reaches nothing of the storage glue, the compute tier, the rpc
// layer or gRPC; nothing imports in a cycle; the error classes know no transport, and one module
// in src/rpc maps them to gRPC statuses.

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');

interface Import {
  /** A file under src (relative to the repository), or a package / node: builtin name. */
  target: string;
  typeOnly: boolean;
  /** `import()` inside a function: loaded when it runs, not when the module loads. */
  lazy: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean, lazy = false) => {
    const target = specifier.startsWith('.') ? relative(ROOT, resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))) : specifier;
    found.push({ target, typeOnly, lazy });
  };
  for (const match of text.matchAll(IMPORT)) add(match[3], match[2] !== undefined);
  for (const match of text.matchAll(DYNAMIC)) add(match[1], false, true);
  return found;
}

const graph = new Map(sourceFiles(SRC).map((file) => [relative(ROOT, file), importsOf(file)]));

/**
 * Every file and package `from` reaches: through its own imports of any kind, then through the
 * imports that load code (a generated type's `import type` of a package loads nothing).
 */
function reachable(from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const file = stack.pop()!;
    for (const { target, typeOnly } of graph.get(file) ?? []) {
      if (seen.has(target) || (typeOnly && file !== from)) continue;
      seen.add(target);
      stack.push(target);
    }
  }
  return seen;
}

const inside = (dir: string) => [...graph.keys()].filter((file) => file.startsWith(`src/${dir}/`));

describe('the import graph', () => {
  it('resolves every relative import to a source file', () => {
    const missing = [...graph].flatMap(([file, imports]) =>
      imports.filter(({ target }) => target.startsWith('src/') && !graph.has(target)).map(({ target }) => `${file} -> ${target}`),
    );
    expect(missing).toEqual([]);
    expect(inside('consensus').length).toBeGreaterThan(5);
    expect(inside('mvcc').length).toBeGreaterThan(5);
  });

  it('keeps the consensus core to itself: no other module, package or node builtin', () => {
    const outside = inside('consensus').flatMap((file) =>
      graph.get(file)!.filter(({ target }) => !target.startsWith('src/consensus/')).map(({ target }) => `${file} -> ${target}`),
    );
    expect(outside).toEqual([]);
  });

  it('keeps the MVCC state machine free of the storage glue, the compute tier, the rpc layer and gRPC', () => {
    const forbidden = /^(src\/(storage|node|gateway|rpc)\/|@grpc\/)/;
    const reached = inside('mvcc').flatMap((file) => [...reachable(file)].filter((target) => forbidden.test(target)).map((target) => `${file} reaches ${target}`));
    expect(reached).toEqual([]);
  });

  it('has no import cycle among the imports that load with their module', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'visiting');
      path.push(file);
      for (const { target, typeOnly, lazy } of graph.get(file) ?? []) {
        if (typeOnly || lazy || !graph.has(target)) continue;
        if (state.get(target) === 'visiting') cycles.push([...path.slice(path.indexOf(target)), target].join(' -> '));
        else if (!state.has(target)) visit(target);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('keeps the error classes free of gRPC, with the one status mapping in src/rpc/status.ts', () => {
    for (const errors of ['src/errors.ts', 'src/mvcc/errors.ts']) {
      expect([...reachable(errors)].filter((target) => target.startsWith('@grpc/')), errors).toEqual([]);
    }
    const mappings = [...graph.keys()].filter((file) => /export function (toServiceError|fromServiceError|statusOf)\b/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(mappings).toEqual(['src/rpc/status.ts']);
  });
});
