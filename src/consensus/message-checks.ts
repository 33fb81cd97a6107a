// Shape checks for messages from peers. A malformed message is dropped, never trusted and never
// allowed to crash the node: a peer may be buggy, and the network may corrupt.

import { EntryType, MessageType, type Entry, type Message } from './types.js';

const MESSAGE_TYPES = new Set<number>(Object.values(MessageType).filter((v): v is number => typeof v === 'number'));
const ENTRY_TYPES = new Set<number>(Object.values(EntryType).filter((v): v is number => typeof v === 'number'));

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isEntryShape(e: Entry): boolean {
  return (
    e !== null && typeof e === 'object' && isCount(e.term) && isCount(e.index) && ENTRY_TYPES.has(e.type) && e.data instanceof Uint8Array
  );
}

/** App entries must follow index contiguously, with terms that never decrease nor exceed the message's. */
function entriesFitApp(m: Message): boolean {
  let prevTerm = m.logTerm;
  for (let i = 0; i < m.entries.length; i++) {
    const e = m.entries[i]!;
    if (e.index !== m.index + 1 + i || e.term < prevTerm || e.term > m.term || e.term === 0) return false;
    prevTerm = e.term;
  }
  return true;
}

/**
 * ReadIndex carries no term (it is routed, not replicated); Prop carries the term its sender
 * forwarded it in, or none (a sender from before terms were stamped); everything else must.
 */
export function isTermless(type: MessageType): boolean {
  return type === MessageType.ReadIndex;
}

export function isWellFormed(m: Message): boolean {
  if (m === null || typeof m !== 'object' || !MESSAGE_TYPES.has(m.type)) return false;
  if (typeof m.from !== 'string' || typeof m.to !== 'string') return false;
  if (!isCount(m.term) || !isCount(m.logTerm) || !isCount(m.index) || !isCount(m.commit) || !isCount(m.rejectHint)) return false;
  if (typeof m.reject !== 'boolean' || !(m.context instanceof Uint8Array) || !Array.isArray(m.entries)) return false;
  if (m.type !== MessageType.Prop && isTermless(m.type) !== (m.term === 0)) return false;
  if (!m.entries.every(isEntryShape)) return false;
  if (m.type === MessageType.App) return entriesFitApp(m);
  return m.type === MessageType.Prop || m.entries.length === 0;
}
