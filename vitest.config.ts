import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A temporary folder for the run, removed at its end (test/support/global-setup.ts).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
