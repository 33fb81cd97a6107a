import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder, found from this file whether it runs from src/ or dist/src/. */
export const PACKAGE_ROOT: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const PROTO_DIR = join(PACKAGE_ROOT, 'proto');
/** The compiled `quorumkv` command, which local clusters and tests start as child processes. */
export const CLI_ENTRY = join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js');

function findPackageRoot(start: string): string {
  for (let dir = start, depth = 0; depth < 6; dir = dirname(dir), depth++) {
    if (existsSync(join(dir, 'proto', 'quorumkv')) && existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`the quorumkv package root (with proto/) was not found above ${start}`);
}

export const PROTO_FILES = [
  'quorumkv/v1/kv.proto',
  'quorumkv/internal/v1/raft.proto',
  'quorumkv/internal/v1/storage.proto',
  'quorumkv/internal/v1/log.proto',
];

/** How messages become plain objects everywhere: the generated types in src/gen assume these. */
export const CONVERSION_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
} as const;
