import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder, found from this file whether it runs from src/ or dist/src/. */
export const PACKAGE_ROOT: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const PROTO_DIR = join(PACKAGE_ROOT, 'proto');
/** The compiled `quorumkv` command, which local clusters and tests start as child processes. */
export const CLI_ENTRY = join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js');
/**
 * What the installed `quorumkv` runs (package.json "bin"): the one-shot client commands bundled
 * in one file by scripts/bundle-cli.mjs, which hands every other command line to CLI_ENTRY.
 */
export const CLI_BIN = join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'quorumkv.cjs');

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

/** etcd's protos (etcd v3.4 field numbers), imported relative to their own folder as etcd does. */
export const ETCD_PROTO_DIR = join(PROTO_DIR, 'etcd');
export const ETCD_PROTO_FILES = ['etcdserverpb/rpc.proto'];

/**
 * etcd's messages as plain objects: 64-bit integers stay strings (lease ids use all 63 bits), and
 * src/etcd/ turns the ones it uses into numbers, refusing those a number cannot hold exactly.
 */
export const ETCD_CONVERSION_OPTIONS = { ...CONVERSION_OPTIONS, longs: String } as const;
