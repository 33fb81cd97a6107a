import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_RUN_DIR_ENV } from '../support/global-setup.js';
import { testCertsDir } from '../support/local-cluster.js';

// Test clusters share one certificates folder per test process. vitest's workers do not always
// reach their 'exit' handlers, so the folder lives in the run's own temporary folder, which the
// run removes when it ends (test/support/global-setup.ts): no folder is left in /tmp after a run.

describe('the test run folder', () => {
  it('holds the test clusters\' certificates folder', () => {
    const runDir = process.env[TEST_RUN_DIR_ENV];
    expect(runDir, 'vitest.config.ts runs test/support/global-setup.ts').toBeTruthy();
    expect(existsSync(runDir!)).toBe(true);
    expect(dirname(testCertsDir())).toBe(runDir);
  });
});
