import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, CLI_ENTRY, PACKAGE_ROOT } from '../../src/proto/root.js';

describe('the quorumkv command', () => {
  it('is executable after a build, so `npx quorumkv` (the package bin) and local clusters (main.js) run it', () => {
    // npm links package bins before `prepare` builds dist/, so the build itself must set the bit.
    expect(join(PACKAGE_ROOT, JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).bin.quorumkv)).toBe(CLI_BIN);
    expect(statSync(CLI_BIN).mode & 0o111).not.toBe(0);
    expect(statSync(CLI_ENTRY).mode & 0o111).not.toBe(0);
  });
});
