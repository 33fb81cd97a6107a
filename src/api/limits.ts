// Documented request limits (README "Limits"). Requests over them get INVALID_ARGUMENT and change nothing.

export const MAX_KEY_BYTES = 4 * 1024;
export const MAX_VALUE_BYTES = 1024 * 1024;
/** Compares in one transaction, and ops in each of its branches (etcd's default --max-txn-ops). */
export const MAX_TXN_OPS = 128;
/** Keys and ranges in one transaction's read set. */
export const MAX_READ_SET_RANGES = 256;
/** Length of a request id. */
export const MAX_REQUEST_ID_BYTES = 128;
/** Largest magnitude of an integer add's delta and result: values stay exact as JavaScript numbers. */
export const MAX_ADD_MAGNITUDE = Number.MAX_SAFE_INTEGER;
/** Largest encoded request a server accepts; above the largest single value plus its key. */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024 + 64 * 1024;
/** Most keys one Range returns; `more` is set when it stops there. */
export { MAX_RANGE_KEYS } from '../mvcc/limits.js';
