import { describe, it } from 'vitest';
import { FAILPOINTS } from '../../src/failpoints.js';
import { crashAtFailpoints } from '../support/failpoint-crashes.js';

// Crashes a storage member at every declared failpoint, in turn, under load (`npm run
// test:failpoints`). It takes one to a few minutes on a shared 2-core machine, which is why it is
// not part of `npm test` (test/integration/failpoints.test.ts runs the write path's points there).

describe('crash at every failpoint', () => {
  it('loses nothing acknowledged and ends with equal hashes, every failpoint visited', async () => {
    await crashAtFailpoints(FAILPOINTS, 240_000);
  }, 360_000);
});
