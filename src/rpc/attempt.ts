import type * as http2 from 'node:http2';
import { decodeGrpcMessage } from './grpc-wire.js';

// How far one attempt of a relayed call got, and what follows from it (grpc-js's retrying-call
// is the model): an attempt is judged by what came back, never by the words of an error.
//
// - answered with a status other than UNAVAILABLE: that is the call's answer.
// - answered UNAVAILABLE with a quorumkv error class (`quorumkv-error`, set by the node's own
//   error mapping): the node is up but cannot serve it now (no storage leader yet, no quorum).
//   The call moves on and, once every node was tried, waits for them within its deadline; the
//   node stays in the pool. A node is down only when the node is.
// - answered UNAVAILABLE without one (grpc-js shutting down, a proxy): the node is treated as
//   down; the call moves to another node. Writes carry request ids, so a repeat applies at most once.
// - not sent (connection refused, GOAWAY, REFUSED_STREAM): the node never saw it; another node.
// - sent, no answer (reset, connection lost, attempt timeout): the outcome is unknown; another
//   node, which is safe for the same reason, and the node is treated as down until it passes
//   a health check.
// - the call's own deadline passed: DEADLINE_EXCEEDED, no retry.

export const GRPC_UNAVAILABLE = 14;
/** The trailer in which a quorumkv process names the error class it raised (errors.ts). */
export const ERROR_CLASS_HEADER = 'quorumkv-error';

export interface AttemptReport {
  sent: boolean;
  answer?: { headers: http2.IncomingHttpHeaders; trailers: http2.IncomingHttpHeaders | undefined };
  error?: Error;
  timedOut: boolean;
  rstCode?: number;
}

export interface AttemptOutcome {
  kind: 'answered' | 'unavailable' | 'not-sent' | 'no-answer' | 'deadline';
  retry: boolean;
  /** The node should take no new calls until it passes a health check. */
  nodeDown: boolean;
  detail: string;
}

/** `timeLeft`: the call's deadline is later than this attempt's. */
export function classifyAttempt(report: AttemptReport, timeLeft: boolean): AttemptOutcome {
  if (report.answer) {
    const status = report.answer.headers['grpc-status'] ?? report.answer.trailers?.['grpc-status'];
    if (Number(status) !== GRPC_UNAVAILABLE) return { kind: 'answered', retry: false, nodeDown: false, detail: `status ${status}` };
    const message = decodeGrpcMessage(report.answer.headers['grpc-message'] ?? report.answer.trailers?.['grpc-message']);
    const nodeSpoke = (report.answer.headers[ERROR_CLASS_HEADER] ?? report.answer.trailers?.[ERROR_CLASS_HEADER]) !== undefined;
    return { kind: 'unavailable', retry: true, nodeDown: !nodeSpoke, detail: `UNAVAILABLE: ${message}` };
  }
  if (!report.sent) return { kind: 'not-sent', retry: true, nodeDown: true, detail: `not sent: ${report.error?.message ?? `RST_STREAM ${report.rstCode}`}` };
  if (report.timedOut) {
    return timeLeft
      ? { kind: 'no-answer', retry: true, nodeDown: true, detail: 'no answer within the attempt timeout' }
      : { kind: 'deadline', retry: false, nodeDown: false, detail: 'the deadline passed before the node answered' };
  }
  const why = report.error?.message ?? (report.rstCode ? `RST_STREAM ${report.rstCode}` : 'the stream closed without a status');
  return { kind: 'no-answer', retry: true, nodeDown: true, detail: `no answer: ${why}` };
}
