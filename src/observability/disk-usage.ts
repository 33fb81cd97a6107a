import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes in the files under `dir`; a file deleted while it is walked (LevelDB compacts) counts as gone. */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    try {
      total += statSync(join(entry.parentPath, entry.name)).size;
    } catch {
      // Removed since the listing.
    }
  }
  return total;
}
