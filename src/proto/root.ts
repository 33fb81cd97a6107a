import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's proto/ folder, found from this file whether it runs from src/ or dist/src/. */
export const PROTO_DIR: string = findProtoDir(dirname(fileURLToPath(import.meta.url)));

function findProtoDir(start: string): string {
  for (let dir = start, depth = 0; depth < 6; dir = dirname(dir), depth++) {
    const candidate = join(dir, 'proto', 'quorumkv');
    if (existsSync(candidate)) return join(dir, 'proto');
  }
  throw new Error(`proto/ not found above ${start}`);
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
