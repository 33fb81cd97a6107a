// Bundles what the installed `quorumkv` runs (src/cli/bin.ts, as compiled by tsc into dist/) into
// one CommonJS file, dist/src/cli/quorumkv.cjs, the package's "bin". Why: Node 20 loads one
// CommonJS file in a few milliseconds, while the same code as ~20 ES modules costs tens of
// milliseconds of resolving, asynchronous reads and compiling, which was most of what a
// `quorumkv get` spent above Node's own start (docs/BENCHMARKS.md, "CLI start-up").
//
// What stays out of the bundle, loaded from dist/ when (and only when) it is needed:
// - every package (`packages: 'external'`), so a package imported on the one-shot path is
//   loaded at run time, where test/unit/cli-startup.test.ts sees it and fails;
// - main.js, the full command table, which bin.ts hands every command line that is not a
//   one-shot client command; and the client library (client.js), which only watch uses.
// The bundle sits beside main.js, so their relative import paths hold unchanged.
import { chmodSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'src', 'cli');
const OUTFILE = join(CLI, 'quorumkv.cjs');
/** Modules of dist/src left out of the bundle, relative to dist/src/cli. */
const LOADED_FROM_DIST = new Set(['main.js', '../client/client.js']);
/** A bound on the bundle: the one-shot path is ~80 KB; a much larger bundle means something heavy was pulled in. */
const MAX_BUNDLE_BYTES = 256 * 1024;

const result = await build({
  entryPoints: [join(CLI, 'bin.js')],
  outfile: OUTFILE,
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  metafile: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'loaded-from-dist',
      setup(on) {
        on.onResolve({ filter: /^\.\.?\// }, (args) => {
          const path = relative(CLI, resolve(args.resolveDir, args.path));
          return LOADED_FROM_DIST.has(path) ? { path: path.startsWith('.') ? path : `./${path}`, external: true } : undefined;
        });
      },
    },
  ],
});
const { bytes } = result.metafile.outputs[relative(ROOT, OUTFILE)];
if (bytes > MAX_BUNDLE_BYTES) throw new Error(`${OUTFILE} is ${bytes} bytes, over ${MAX_BUNDLE_BYTES}: what pulled that into the one-shot path?`);
// npm links package bins before `prepare` builds dist/, so the build itself sets the bit.
chmodSync(OUTFILE, 0o755);
