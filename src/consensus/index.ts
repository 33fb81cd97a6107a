// The public surface of the consensus core.

export * from './types.js';
export * from './config.js';
export { MemoryLogStorage } from './memory-storage.js';
export { RaftNode, type ProposeResult, type RaftStatus, type ProgressStatus } from './raft.js';
export type { ProgressState } from './progress.js';
export { AssertionError } from './assert.js';
