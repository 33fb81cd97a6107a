import { defineConfig } from 'vitest/config';

// `npm run test:failpoints`: the crash test that visits every failpoint (longer than `npm test` allows).
export default defineConfig({ test: { include: ['test/failpoints/**/*.crash.ts'] } });
