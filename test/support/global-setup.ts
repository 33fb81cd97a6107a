import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// One temporary folder for the whole test run, removed when the run ends, for what test
// processes must leave in place until their own end (the test clusters' certificates): vitest's
// workers do not always reach their 'exit' handlers, so cleanup there leaked a folder a process.

/** The environment variable that names the run's folder in every test process. */
export const TEST_RUN_DIR_ENV = 'QUORUMKV_TEST_RUN_DIR';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'quorumkv-test-run-'));
  process.env[TEST_RUN_DIR_ENV] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
