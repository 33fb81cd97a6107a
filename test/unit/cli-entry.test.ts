import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_ENTRY } from '../../src/proto/root.js';

describe('the quorumkv command', () => {
  it('is executable after a build, so `npx quorumkv` runs it', () => {
    // npm links package bins before `prepare` builds dist/, so the build itself must set the bit.
    expect(statSync(CLI_ENTRY).mode & 0o111).not.toBe(0);
  });
});
