import type { Keyspace, Sublevel } from '../mvcc/keyspace.js';
import type { MvccLimits } from '../mvcc/limits.js';
import { MvccStore } from '../mvcc/mvcc-store.js';
import { log } from '../observability/log.js';
import { AddressBook } from './address-book.js';
import { DurableLog } from './durable-log.js';
import { RaftLogStore } from './raft-log-store.js';
import { finishInstall, recoverCommit } from './startup-recovery.js';
import { StateSlots } from './state-slots.js';

// What a storage member finds on its disk at start: the raft log, the address book, and the
// applied state in its slot, made consistent with each other after whatever a crash or power cut
// left (startup-recovery.ts). The simulator starts its nodes through here too.

export interface MemberStorage {
  /** The sublevel of the raft log, the address book and the incarnations. */
  raftSpace: Sublevel;
  log: DurableLog;
  addresses: AddressBook;
  slots: StateSlots;
  state: MvccStore;
}

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

export async function openMemberStorage(db: Keyspace, peers: ReadonlyMap<string, string>, mvccLimits: Partial<MvccLimits>): Promise<MemberStorage> {
  const raftSpace = db.sublevel<Buffer, Buffer>('raft', BUFFERS);
  const raftLog = await RaftLogStore.open(raftSpace);
  const addresses = await AddressBook.open(raftSpace, peers);
  const slots = await StateSlots.open(db);
  const state = await MvccStore.open(slots.activeSpace(), mvccLimits);
  const { stored, adopted } = await finishInstall(raftLog, await raftLog.load(), slots.installedSnapshot(), state.appliedIndex);
  if (adopted !== undefined) {
    log.warn({ index: adopted.index, term: adopted.term }, 'a snapshot install was cut short after the state was switched to it: the raft log now starts after it');
  }
  const { hardState, raisedFrom } = recoverCommit(stored, state.appliedIndex);
  if (raisedFrom !== undefined) {
    log.warn({ commit: raisedFrom, applied: state.appliedIndex }, 'the commit index on disk was behind the applied state (an unsynced write was lost); raised to the applied index, whose entries the log still holds');
  }
  return { raftSpace: raftSpace as unknown as Sublevel, log: new DurableLog(raftLog, { ...stored, hardState }), addresses, slots, state };
}
