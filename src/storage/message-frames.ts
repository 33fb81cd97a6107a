import { MessageType, type Entry, type Message } from '../consensus/types.js';

// Cuts the messages of a Ready to one peer into frames of the peer stream that each stay within a
// byte budget, so no MessageBatch crosses the gRPC limit. An append whose entries exceed the budget
// is cut into consecutive appends (each says the index and term of the entry before its first, as
// the core would have written them); an entry is never cut, so a message of one entry larger than
// the budget travels alone.

/** Most a message's fields other than entries and strings take when encoded (varints at their longest). */
const MESSAGE_FIELDS_BYTES = 96;
/** Most an entry's fields and framing take besides its data. */
const ENTRY_FIELDS_BYTES = 48;
/** A MessageBatch's fields other than its messages (cluster and incarnation are counted apart). */
export const BATCH_FIELDS_BYTES = 64;

/** An upper bound of `message`'s encoded size inside a MessageBatch. */
export function wireBytes(message: Message): number {
  let bytes = MESSAGE_FIELDS_BYTES + Buffer.byteLength(message.from) + Buffer.byteLength(message.to) + message.context.byteLength;
  for (const entry of message.entries) bytes += entryWireBytes(entry);
  return bytes;
}

function entryWireBytes(entry: Entry): number {
  return ENTRY_FIELDS_BYTES + entry.data.byteLength;
}

/** `message`, or consecutive appends carrying its entries, each within `budgetBytes` when it can be. */
export function splitAppend(message: Message, budgetBytes: number): Message[] {
  if (message.type !== MessageType.App || wireBytes(message) <= budgetBytes) return [message];
  const parts: Message[] = [];
  const empty = wireBytes({ ...message, entries: [] });
  let entries: Entry[] = [];
  let bytes = empty;
  let prev = { index: message.index, term: message.logTerm };
  const flush = () => {
    parts.push({ ...message, index: prev.index, logTerm: prev.term, entries });
    const last = entries[entries.length - 1]!;
    prev = { index: last.index, term: last.term };
    entries = [];
    bytes = empty;
  };
  for (const entry of message.entries) {
    if (entries.length > 0 && bytes + entryWireBytes(entry) > budgetBytes) flush();
    entries.push(entry);
    bytes += entryWireBytes(entry);
  }
  if (entries.length > 0) flush();
  return parts;
}

/** The messages, in order, cut into frames of at most `budgetBytes` (a lone oversized message excepted). */
export function frameMessages(messages: Message[], budgetBytes: number): Message[][] {
  const frames: Message[][] = [];
  let frame: Message[] = [];
  let bytes = 0;
  for (const message of messages.flatMap((m) => splitAppend(m, budgetBytes))) {
    const size = wireBytes(message);
    if (frame.length > 0 && bytes + size > budgetBytes) {
      frames.push(frame);
      frame = [];
      bytes = 0;
    }
    frame.push(message);
    bytes += size;
  }
  if (frame.length > 0) frames.push(frame);
  return frames;
}
