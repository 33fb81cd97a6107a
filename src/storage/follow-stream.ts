import type * as grpc from '@grpc/grpc-js';
import { CompactedRevisionError, InvalidArgumentError, OverloadedError } from '../errors.js';
import type { Event } from '../gen/quorumkv/v1/Event.js';
import type { WatchRequest__Output } from '../gen/quorumkv/v1/WatchRequest.js';
import type { WatchResponse } from '../gen/quorumkv/v1/WatchResponse.js';
import type { Change } from '../mvcc/change-log.js';
import { rangeContains, resolveRange, type KeyRange } from '../mvcc/key-range.js';
import type { StorageMember } from './storage-member.js';

// Streams what a member applies, from a revision on, read lazily from the change log: a slow
// reader costs no memory here (the stream waits for the transport to drain), and one that asks
// for history that is gone gets a clear error telling it to re-read and resume.

const MAX_REVISIONS_PER_MESSAGE = 256;
const MAX_EVENTS_PER_MESSAGE = 1_024;
const PROGRESS_INTERVAL_MS = 1_000;
export const MAX_FOLLOW_STREAMS = 1_024;

let openStreams = 0;

export async function serveFollow(member: StorageMember, call: grpc.ServerWritableStream<WatchRequest__Output, WatchResponse>): Promise<void> {
  const request = call.request;
  if (request.key.length === 0) throw new InvalidArgumentError('watch: key is empty; use "\\0" with range_end "\\0" for every key');
  if (openStreams >= MAX_FOLLOW_STREAMS) throw new OverloadedError(`${openStreams} watch streams are open on this member; retry later or elsewhere`);
  let next = request.startRevision > 0 ? request.startRevision : member.revision + 1;
  if (next <= member.compactRevision) {
    throw new CompactedRevisionError(
      `watch from revision ${next}: history up to revision ${member.compactRevision} is compacted; read the current state again and watch from the revision of that read plus one`,
    );
  }
  const range = resolveRange(request.key, request.rangeEnd);
  openStreams++;
  let cancelled = false;
  const onCancel = () => (cancelled = true);
  call.on('cancelled', onCancel);
  try {
    // Tell the watcher at once where it starts, so it can resume from there if the stream breaks.
    if (!(await send(call, { header: member.header(), events: [], revision: next - 1 }))) return;
    let lastSent = Date.now();
    while (!cancelled && !member.stopped) {
      const current = member.revision;
      if (next <= current) {
        const upTo = Math.min(current, next + MAX_REVISIONS_PER_MESSAGE - 1);
        const events = request.progressOnly || !range ? [] : await eventsBetween(member, range, request.prevKv, next, upTo);
        if (events.length > 0 || request.progressOnly || Date.now() - lastSent >= PROGRESS_INTERVAL_MS) {
          if (!(await send(call, { header: member.header(), events, revision: upTo }))) return;
          lastSent = Date.now();
        }
        next = upTo + 1;
        continue;
      }
      await member.appliedOrTimeout(PROGRESS_INTERVAL_MS);
      if (!cancelled && member.revision < next && Date.now() - lastSent >= PROGRESS_INTERVAL_MS) {
        if (!(await send(call, { header: member.header(), events: [], revision: next - 1 }))) return;
        lastSent = Date.now();
      }
    }
  } finally {
    openStreams--;
    call.off('cancelled', onCancel);
  }
}

async function eventsBetween(member: StorageMember, range: KeyRange, withPrevious: boolean, from: number, to: number): Promise<Event[]> {
  const events: Event[] = [];
  for (let revision = from; revision <= to && events.length < MAX_EVENTS_PER_MESSAGE; revision++) {
    const changes = await member.changesAt(revision);
    if (changes.length === 0 && revision <= member.compactRevision) {
      throw new CompactedRevisionError(`watch fell behind: revision ${revision} was compacted before it was sent; read again and resume`);
    }
    for (const change of changes) {
      if (!rangeContains(range, change.kv.key)) continue;
      events.push(await toEvent(member, change, withPrevious));
    }
  }
  return events;
}

async function toEvent(member: StorageMember, change: Change, withPrevious: boolean): Promise<Event> {
  const kv = change.kind === 'delete' ? { ...change.kv, value: Buffer.alloc(0) } : change.kv;
  const event: Event = { type: change.kind === 'put' ? 'PUT' : 'DELETE', kv };
  if (withPrevious) event.prevKv = (await member.previousVersion(change.kv.key, change.kv.modRevision)) ?? null;
  return event;
}

/** Writes one message, waiting for the transport to drain; false if the stream is gone. */
function send(call: grpc.ServerWritableStream<WatchRequest__Output, WatchResponse>, message: WatchResponse): Promise<boolean> {
  if (call.cancelled || call.destroyed) return Promise.resolve(false);
  if (call.write(message)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      call.off('drain', onDrain);
      call.off('cancelled', onGone);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onGone = () => done(false);
    call.once('drain', onDrain);
    call.once('cancelled', onGone);
  });
}
