import { EventEmitter } from 'node:events';
import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Watcher } from '../../src/client/watcher.js';
import type { WatchClient } from '../../src/proto/services.js';

/** A watch stream the test drives: it emits what the test tells it to. */
class FakeStream extends EventEmitter {
  cancelled = false;
  cancel(): void {
    this.cancelled = true;
    this.emit('error', Object.assign(new Error('cancelled'), { code: status.CANCELLED }));
  }
  pause(): void {}
  resume(): void {}
  /** What grpc-js does when a stream ends with a non-OK status: 'error', then 'end'. */
  failWith(code: number): void {
    this.emit('error', Object.assign(new Error(`status ${code}`), { code }));
    this.emit('end');
  }
}

function fakeClient(): { clientFor: (attempt: number) => WatchClient; streams: FakeStream[]; starts: number[] } {
  const streams: FakeStream[] = [];
  const starts: number[] = [];
  const client = {
    watch(request: { startRevision?: number }) {
      const stream = new FakeStream();
      streams.push(stream);
      starts.push(Number(request.startRevision ?? 0));
      return stream;
    },
  } as unknown as WatchClient;
  return { clientFor: () => client, streams, starts };
}

function response(revision: number, keys: string[] = []) {
  return { revision, events: keys.map((key) => ({ type: 'PUT', kv: { key: Buffer.from(key), modRevision: revision } })) };
}

describe('Watcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opens one new stream per break, though a failed stream emits both error and end', async () => {
    const { clientFor, streams } = fakeClient();
    const watcher = new Watcher({ key: Buffer.from('k'), startRevision: 1 }, clientFor);
    for (let i = 0; i < 6; i++) {
      streams.at(-1)!.failWith(status.UNAVAILABLE);
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(streams.length).toBe(7);
    expect(watcher.resumes).toBe(6);
    watcher.close();
  });

  it('resumes after the last revision delivered and ignores a stream it has left', async () => {
    const { clientFor, streams, starts } = fakeClient();
    const watcher = new Watcher({ key: Buffer.from('k'), startRevision: 5 }, clientFor);
    const batches = watcher[Symbol.asyncIterator]();
    streams[0].emit('data', response(7, ['a']));
    expect((await batches.next()).value).toMatchObject({ revision: 7 });
    const old = streams[0];
    old.failWith(status.UNAVAILABLE);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(starts).toEqual([5, 8]);
    // Late words from the broken stream change nothing.
    old.emit('data', response(9, ['stale']));
    old.emit('end');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(streams.length).toBe(2);
    streams[1].emit('data', response(8, ['b']));
    expect((await batches.next()).value).toMatchObject({ revision: 8, events: [{ kv: { modRevision: 8 } }] });
    watcher.close();
    expect(streams[1].cancelled).toBe(true);
  });
});
