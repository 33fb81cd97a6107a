import { describe, it } from 'vitest';
import { crashAtFailpoints } from '../support/failpoint-crashes.js';

// The write path's failpoints, crashed at under load (the full set, snapshot install and history
// purge too, runs with `npm run test:failpoints`: test/failpoints/every-failpoint.crash.ts).

describe('crash at the write path failpoints', () => {
  it('loses nothing acknowledged and ends with equal hashes, each point visited', async () => {
    await crashAtFailpoints(['raft-save-before', 'raft-save-after', 'send-before-save', 'apply-flush-before', 'apply-flush-after'], 60_000);
  }, 150_000);
});
