import { randomBytes } from 'node:crypto';
import { KEY_PREFIX, type BenchConfig } from './options.js';

// Keys and values of a run. A key is KEY_PREFIX and a zero-padded decimal index, exactly
// keySizeBytes long, so keys sort in index order and a scan from key i returns keys i, i+1, ...
// Nothing here grows with the number of keys: keys are made on demand.

export function benchKey(index: number, keySizeBytes: number): Buffer {
  const digits = keySizeBytes - KEY_PREFIX.length;
  const text = String(index);
  if (index < 0 || !Number.isSafeInteger(index) || text.length > digits) throw new Error(`key index ${index} does not fit in ${keySizeBytes} bytes`);
  return Buffer.from(KEY_PREFIX + text.padStart(digits, '0'), 'latin1');
}

/** One value of `sizeBytes` printable bytes, shared by every write of a run. */
export function benchValue(sizeBytes: number): Buffer {
  return Buffer.from(randomBytes(Math.ceil((sizeBytes * 3) / 4) + 3).toString('base64url').slice(0, sizeBytes), 'latin1');
}


/** How many keys the workload reads or updates, and so must exist before it starts (0: none). */
export function keysToPopulate(config: Pick<BenchConfig, 'workload' | 'keys' | 'hotKeys'>): number {
  switch (config.workload) {
    case 'put':
      return 0;
    case 'txn':
      return config.hotKeys;
    default:
      return config.keys;
  }
}
