import { describe, expect, it } from 'vitest';
import { MessageType, type Entry, type Message } from '../../src/consensus/types.js';
import type { MessageBatch } from '../../src/gen/quorumkv/internal/v1/MessageBatch.js';
import type { MessageBatch__Output } from '../../src/gen/quorumkv/internal/v1/MessageBatch.js';
import { codecFor } from '../../src/proto/codec.js';
import { frameMessages, splitAppend, wireBytes, BATCH_FIELDS_BYTES } from '../../src/storage/message-frames.js';
import { MAX_ENTRY_BYTES, MAX_PEER_MESSAGE_BYTES, PEER_FRAME_BYTES } from '../../src/storage/peer-limits.js';
import { toWire } from '../../src/storage/raft-transport.js';

// A Ready's messages to one peer go out in frames under the gRPC limit between members, however
// many appends it holds and however large their entries.

const batchCodec = codecFor<MessageBatch, MessageBatch__Output>('quorumkv.internal.v1.MessageBatch');
const MiB = 1024 * 1024;
const CLUSTER = 'cluster-with-a-name';
const INCARNATION = '0123456789abcdef0123456789abcdef';

function entry(index: number, bytes: number, term = 7): Entry {
  return { index, term, type: 0, data: new Uint8Array(bytes).fill(index % 251) };
}

function append(prevIndex: number, entries: Entry[], commit = 3): Message {
  return { type: MessageType.App, from: 'storage-1', to: 'storage-2', term: 7, logTerm: 6, index: prevIndex, entries, commit, reject: false, rejectHint: 0, context: new Uint8Array() };
}

/** The bytes a frame takes on the wire, as the transport sends it. */
function encodedFrame(messages: Message[]): number {
  return batchCodec.encode({ cluster: CLUSTER, messages: messages.map(toWire), incarnation: INCARNATION }).length;
}

const budget = PEER_FRAME_BYTES - BATCH_FIELDS_BYTES - CLUSTER.length - INCARNATION.length;

describe('peer frames', () => {
  it('never counts a message smaller than its encoding', () => {
    const samples: Message[] = [
      append(0, []),
      append(2 ** 40, [entry(2 ** 40 + 1, 0, 2 ** 40), entry(2 ** 40 + 2, 300, 2 ** 40)], 2 ** 40),
      { ...append(5, [entry(6, 70_000)]), from: 'ß'.repeat(40), to: 'ü'.repeat(40), context: new Uint8Array(500), reject: true, rejectHint: 2 ** 45 },
      { ...append(1, []), type: MessageType.Heartbeat, context: new Uint8Array(16) },
    ];
    for (const message of samples) expect(wireBytes(message)).toBeGreaterThanOrEqual(encodedFrame([message]) - encodedFrame([]));
  });

  it('cuts the many appends of one Ready into frames under the limit, in order', () => {
    // A follower catching up: a window of 1 MiB appends, as the core hands them out (up to 256).
    const messages = Array.from({ length: 24 }, (_, i) => append(i, [entry(i + 1, MiB - 64)]));
    expect(encodedFrame(messages)).toBeGreaterThan(20 * MiB);
    const frames = frameMessages(messages, budget);
    expect(frames.length).toBeGreaterThanOrEqual(12);
    for (const frame of frames) expect(encodedFrame(frame)).toBeLessThanOrEqual(PEER_FRAME_BYTES);
    const sent = frames.flat();
    expect(sent.length).toBe(messages.length);
    expect(sent.every((m, i) => m === messages[i])).toBe(true);
  });

  it('cuts an append whose entries exceed a frame into consecutive appends a follower applies as one', () => {
    const entries = Array.from({ length: 40 }, (_, i) => entry(101 + i, 200_000, i < 20 ? 6 : 7));
    const message = append(100, entries, 120);
    const parts = splitAppend(message, budget);
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.flatMap((p) => p.entries)).toEqual(entries);
    let prev = { index: 100, term: 6 };
    for (const part of parts) {
      expect(encodedFrame([part])).toBeLessThanOrEqual(PEER_FRAME_BYTES);
      expect({ index: part.index, term: part.logTerm }).toEqual(prev);
      expect(part).toMatchObject({ type: MessageType.App, term: 7, commit: 120, from: 'storage-1', to: 'storage-2' });
      const last = part.entries[part.entries.length - 1]!;
      prev = { index: last.index, term: last.term };
    }
    // Small messages are left as they are.
    expect(splitAppend(append(1, [entry(2, 10)]), budget)).toEqual([append(1, [entry(2, 10)])]);
  });

  it('sends an entry of a transaction near the request limit alone, within the limit between members', () => {
    const large = append(9, [entry(10, MAX_ENTRY_BYTES)]);
    const frames = frameMessages([append(8, [entry(9, 300_000)]), large, append(10, [entry(11, 10)])], budget);
    expect(frames.map((f) => f.length)).toEqual([1, 1, 1]);
    expect(encodedFrame(frames[1]!)).toBeGreaterThan(PEER_FRAME_BYTES);
    expect(encodedFrame(frames[1]!)).toBeLessThanOrEqual(MAX_PEER_MESSAGE_BYTES);
  });
});
