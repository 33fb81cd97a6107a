// The public surface of the consensus core.

export * from './types.js';
export * from './config.js';
export { MemoryLogStorage, CompactedError } from './memory-storage.js';
export {
  RaftNode,
  snapshotMetadataOf,
  type ConfChangeResult,
  type ProposeResult,
  type RaftStatus,
  type ProgressStatus,
} from './raft.js';
export {
  encodeConfChange,
  decodeConfChange,
  encodeConfState,
  decodeConfState,
  confChangeError,
  applyConfChangeTo,
  MAX_CONF_CHANGE_CONTEXT_CHARS,
  type ConfChange,
  type ConfChangeType,
} from './conf-change.js';
export type { ProgressState } from './progress.js';
export { AssertionError } from './assert.js';
