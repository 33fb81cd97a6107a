import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CompactedRevisionError, DeadlineError, FutureRevisionError, InvalidArgumentError, NotLeaderError, OverloadedError, QuorumkvError, UnavailableError } from '../../src/errors.js';
import { fromServiceError, isServiceError, statusOf, toServiceError } from '../../src/rpc/status.js';
import * as mvcc from '../../src/mvcc/errors.js';

/** What a client receives for a status a handler returned: a ServiceError with its code, details and metadata. */
function overTheWire(error: unknown): grpc.ServiceError {
  const status = toServiceError(error);
  return Object.assign(new Error(`${status.code} ${grpc.status[status.code!]}: ${status.details}`), {
    code: status.code!,
    details: status.details!,
    metadata: status.metadata ?? new grpc.Metadata(),
  });
}

function serviceError(code: grpc.status, details: string, metadata = new grpc.Metadata()): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata });
}

describe('toServiceError / fromServiceError', () => {
  const cases: Array<[QuorumkvError, grpc.status]> = [
    [new InvalidArgumentError('bad key'), grpc.status.INVALID_ARGUMENT],
    [new OverloadedError('queue full'), grpc.status.RESOURCE_EXHAUSTED],
    [new UnavailableError('no leader'), grpc.status.UNAVAILABLE],
    [new FutureRevisionError('future'), grpc.status.OUT_OF_RANGE],
    [new CompactedRevisionError('compacted'), grpc.status.OUT_OF_RANGE],
    [new DeadlineError('late'), grpc.status.DEADLINE_EXCEEDED],
  ];

  for (const [error, code] of cases) {
    it(`round-trips ${error.constructor.name} with status ${grpc.status[code]}`, () => {
      const wire = overTheWire(error);
      expect(wire.code).toBe(code);
      expect(wire.details).toBe(error.message);
      const back = fromServiceError(wire);
      expect(back.constructor).toBe(error.constructor);
      expect(back.message).toBe(error.message);
      expect(back.name).toBe(error.name);
      expect(statusOf(back)).toBe(code);
    });
  }

  it('keeps the leader hint of a NotLeaderError, and its class although its code is UNAVAILABLE', () => {
    const wire = overTheWire(new NotLeaderError('not the leader', 's2'));
    expect(wire.code).toBe(grpc.status.UNAVAILABLE);
    const back = fromServiceError(wire);
    expect(back).toBeInstanceOf(NotLeaderError);
    expect((back as NotLeaderError).leaderHint).toBe('s2');
    expect(back.message).toBe('not the leader');
  });

  it('round-trips a NotLeaderError with no hint as one with an empty hint', () => {
    const back = fromServiceError(overTheWire(new NotLeaderError('no leader known', '')));
    expect(back).toBeInstanceOf(NotLeaderError);
    expect((back as NotLeaderError).leaderHint).toBe('');
  });

  it('tells FutureRevisionError and CompactedRevisionError apart although both are OUT_OF_RANGE', () => {
    expect(fromServiceError(overTheWire(new CompactedRevisionError('c')))).toBeInstanceOf(CompactedRevisionError);
    expect(fromServiceError(overTheWire(new CompactedRevisionError('c')))).not.toBeInstanceOf(FutureRevisionError);
    expect(fromServiceError(overTheWire(new FutureRevisionError('f')))).not.toBeInstanceOf(CompactedRevisionError);
  });

  it('maps the mvcc revision errors to their base classes', () => {
    const future = new mvcc.FutureRevisionError(10, 4);
    const wire = overTheWire(future);
    expect(wire.code).toBe(grpc.status.OUT_OF_RANGE);
    const back = fromServiceError(wire);
    expect(back.constructor).toBe(FutureRevisionError);
    expect(back.message).toBe(future.message);
    expect(back.message).toContain('revision 10 is in the future');

    const compacted = fromServiceError(overTheWire(new mvcc.CompactedRevisionError(2, 7)));
    expect(compacted.constructor).toBe(CompactedRevisionError);
    expect(compacted.message).toContain('oldest readable revision is 7');
  });

  it('maps an unknown error to INTERNAL, keeping its message', () => {
    const status = toServiceError(new TypeError('x is undefined'));
    expect(status.code).toBe(grpc.status.INTERNAL);
    expect(status.details).toBe('internal error: x is undefined');
    expect(toServiceError('a thrown string')).toMatchObject({ code: grpc.status.INTERNAL, details: 'internal error: a thrown string' });
    // And back on the client it is not mistaken for a class the server did not raise.
    const back = fromServiceError(overTheWire(new RangeError('boom')));
    expect(back).not.toBeInstanceOf(InvalidArgumentError);
    expect(back.message).toBe('internal error: boom');
  });

  it('passes a gRPC service error through with its own code and details', () => {
    const upstream = serviceError(grpc.status.PERMISSION_DENIED, 'no');
    expect(isServiceError(upstream)).toBe(true);
    expect(toServiceError(upstream)).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: 'no' });
  });

  it('rebuilds a class from the status code when no class is named', () => {
    const byCode: Array<[grpc.status, new (...args: never[]) => QuorumkvError]> = [
      [grpc.status.INVALID_ARGUMENT, InvalidArgumentError],
      [grpc.status.FAILED_PRECONDITION, InvalidArgumentError],
      [grpc.status.RESOURCE_EXHAUSTED, OverloadedError],
      [grpc.status.DEADLINE_EXCEEDED, DeadlineError],
      [grpc.status.OUT_OF_RANGE, FutureRevisionError],
      [grpc.status.UNAVAILABLE, UnavailableError],
    ];
    for (const [code, cls] of byCode) {
      const back = fromServiceError(serviceError(code, `status ${code}`));
      expect(back.constructor).toBe(cls);
      expect(back.message).toBe(`status ${code}`);
      expect(back.cause).toBeDefined();
    }
  });
});
