import * as http2 from 'node:http2';
import { MAX_REQUEST_BYTES } from '../api/limits.js';
import { DeadlineError, InvalidArgumentError, OverloadedError, ReadOnlyError, UnavailableError } from '../errors.js';
import { toServiceError } from '../rpc/status.js';
import { logRequest } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { encodeGrpcMessage, frame, grpcTimeout, parseGrpcTimeoutMs, PREFIX_BYTES, respondTrailersOnly, unframeOne } from '../rpc/grpc-wire.js';
import { answerBy } from '../rpc/deadline.js';
import { classifyAttempt, type AttemptOutcome, type AttemptReport } from '../rpc/attempt.js';
import type { Backend, BackendPool } from './backend-pool.js';
import { endToEndHeaders, responseHeaders } from './end-to-end-headers.js';
import { SILENT_MS, type H2Channel } from './h2-channel.js';
import { routeOf, type Route } from './method-table.js';
import { servedWithoutLeader } from './read-consistency.js';
import { withRequestId } from './request-id-field.js';

// The gateway relays HTTP/2 streams; it does not terminate gRPC. A unary call's body is read
// whole (one message, checked against the framing), a write gets a request id appended when it
// has none, and the bytes go to a node picked per request. The node's answer (headers, message,
// trailers, or a Trailers-Only error) is passed back unchanged but for hop-by-hop headers. An
// attempt that failed before the node could apply it, or that carries a request id, moves to
// another node; the client sees one answer. Streams (watch, reflection) are piped to one node
// with HTTP/2 flow control end to end; the gateway's own services (health, Cluster) are piped to
// the gateway's grpc-js server on loopback.

export type Endpoint = 'cluster' | 'reader';

/** Longest a unary call may take when the client set no deadline. */
export const DEFAULT_FORWARD_TIMEOUT_MS = 15_000;
/** A node that has not answered by then is treated as hung for this call. */
export const ATTEMPT_TIMEOUT_MS = 1_500;
/** Unary calls being forwarded at once; past it, RESOURCE_EXHAUSTED. */
export const DEFAULT_MAX_IN_FLIGHT = 4_096;
const ALL_TRIED_PAUSE_MS = 100;
const { NGHTTP2_CANCEL } = http2.constants;

export interface RelayOptions {
  endpoint: Endpoint;
  writers: BackendPool;
  readers: BackendPool;
  metrics: Metrics;
  /** The gateway's own grpc-js services. */
  local: H2Channel;
  maxInFlight: number;
}

interface Answer {
  headers: http2.IncomingHttpHeaders;
  data: Buffer[];
  trailers: http2.IncomingHttpHeaders | undefined;
}

export class Relay {
  /** Unary calls forwarded and not yet answered, and streams open. */
  inFlight = 0;

  constructor(private readonly options: RelayOptions) {}

  /** The handler for an HTTP/2 server's 'stream' event. */
  readonly onStream = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void => {
    stream.on('error', () => {});
    const path = headers[':path'] ?? '';
    const route = headers[':method'] === 'POST' ? routeOf(path) : undefined;
    if (!route) {
      respondTrailersOnly(stream, 12, `the gateway does not serve ${path}`);
      return;
    }
    if (!route.endpoints.has(this.options.endpoint)) {
      const error = route.kind === 'unary-write' ? new ReadOnlyError('the reader endpoint serves reads only; send writes to the cluster endpoint (:7000 by default)') : undefined;
      if (error) this.refuse(stream, path, error);
      else respondTrailersOnly(stream, 12, `${path} is not served on the ${this.options.endpoint} endpoint`);
      return;
    }
    if (route.kind === 'unary-read' || route.kind === 'unary-write') this.unary(stream, headers, path, route);
    else this.pipe(stream, headers, path, route);
  };

  /** Answers with the status of `error`; returns its code. */
  private refuse(stream: http2.ServerHttp2Stream, path: string, error: unknown, backend = 'none'): number {
    const status = toServiceError(error);
    const code = status.code ?? 2;
    this.count(path, backend, code);
    respondTrailersOnly(stream, code, status.details ?? '', status.metadata?.toHttp2Headers() ?? {});
    return code;
  }

  private count(path: string, backend: string, code: number): void {
    this.options.metrics.gatewayRequests.inc({ endpoint: this.options.endpoint, method: methodLabel(path), backend, code: codeName(code) });
  }

  private admit(stream: http2.ServerHttp2Stream, path: string): boolean {
    if (this.inFlight >= this.options.maxInFlight) {
      this.refuse(stream, path, new OverloadedError(`the gateway has ${this.inFlight} requests in flight, its bound (--max-in-flight ${this.options.maxInFlight}); retry after a pause`));
      return false;
    }
    this.inFlight++;
    let done = false;
    stream.once('close', () => {
      if (!done) this.inFlight--;
      done = true;
    });
    return true;
  }

  private unary(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, path: string, route: Route): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES + PREFIX_BYTES) chunks.push(chunk);
      else if (!refused) {
        refused = true;
        this.refuse(stream, path, new OverloadedError(`the request to ${path} is over ${MAX_REQUEST_BYTES} bytes`));
      }
    });
    stream.once('end', () => {
      if (refused || stream.closed || !this.admit(stream, path)) return;
      const method = methodLabel(path);
      const stopTimer = this.options.metrics.grpcLatency.startTimer({ method });
      this.forward(stream, headers, path, route, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)).then(
        (code) => logRequest({ method, code: codeName(code), durationSeconds: stopTimer(), requestId: requestIdHeader(headers) }),
        (error: Error) => logRequest({ method, code: 'INTERNAL', durationSeconds: stopTimer(), requestId: requestIdHeader(headers), message: error.message }),
      );
    });
  }

  private async forward(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, path: string, route: Route, body: Buffer): Promise<number> {
    const unframed = unframeOne(body);
    if ('error' in unframed) return this.refuse(stream, path, new InvalidArgumentError(`malformed request for ${path}: ${unframed.error}; nothing was applied`));
    let request = body;
    const isWrite = route.kind === 'unary-write';
    if (isWrite) {
      if (unframed.compressed) return this.refuse(stream, path, new InvalidArgumentError(`${path}: send writes uncompressed through the gateway (it adds a request id to them)`));
      let withId: Buffer;
      try {
        withId = withRequestId(unframed.message, path);
      } catch (error) {
        return this.refuse(stream, path, error);
      }
      if (withId !== unframed.message) request = frame(withId);
    }
    const timeoutMs = Math.min(parseGrpcTimeoutMs(headers['grpc-timeout']) ?? DEFAULT_FORWARD_TIMEOUT_MS, DEFAULT_FORWARD_TIMEOUT_MS);
    const deadline = answerBy(Date.now() + timeoutMs);
    const forwarded = endToEndHeaders(headers, stream);
    const pools = this.poolsFor(!isWrite);
    // A read that needs no leader may go to nodes that serve only such reads, once no node serves all.
    const leaderless = !isWrite && !unframed.compressed && servedWithoutLeader(path, unframed.message);
    const tried = new Set<Backend>();
    let cancelled = false;
    let current: http2.ClientHttp2Stream | undefined;
    stream.once('close', () => {
      cancelled = true;
      current?.close(NGHTTP2_CANCEL);
    });
    let last: AttemptRecord | undefined;
    /** The latest attempt a node refused, saying why. */
    let refusal: AttemptRecord | undefined;
    for (;;) {
      let backend = pick(pools, tried, leaderless);
      if (!backend && tried.size > 0 && Date.now() + ALL_TRIED_PAUSE_MS < deadline) {
        // Every node failed once: pause, then give them another chance within the deadline.
        await new Promise((resolve) => setTimeout(resolve, ALL_TRIED_PAUSE_MS));
        if (cancelled) return CANCELLED;
        tried.clear();
        backend = pick(pools, tried, leaderless);
      }
      if (!backend) {
        const what = this.options.endpoint === 'reader' ? 'reader or writer' : 'writer';
        const reason = last ? `; the last attempt, on ${last.backend}: ${last.outcome.detail}${refusalBefore(last, refusal)}` : '';
        if (!last && !leaderless && !isWrite && pick(pools, tried, true)) {
          // Refused at once: the nodes are there, but no storage leader will answer them soon.
          return this.refuse(stream, path, new UnavailableError(`no ${what} node behind this gateway reaches a storage leader, so none can serve ${path} with linearizable consistency now; serializable reads (stale, bounded staleness, read-your-writes) are still served; retry later or read with serializable set`));
        }
        return this.refuse(stream, path, new UnavailableError(`no healthy ${what} node behind this gateway could serve ${path}${reason}; check \`quorumkv status\``), last?.backend);
      }
      tried.add(backend);
      const pool = poolOf(pools, backend);
      const attemptDeadline = Math.min(deadline, Date.now() + ATTEMPT_TIMEOUT_MS);
      backend.outstanding++;
      // A node picked as ready that then says it is not (a writer cut off from storage): the call moves on.
      const watchReadiness = backend.healthy ? (giveUp: () => void) => backend.onNotReady(giveUp) : undefined;
      const attempt = this.attempt(backend.channel, path, request, forwarded, attemptDeadline, (upstream) => (current = upstream), watchReadiness);
      const answer = await attempt;
      current = undefined;
      pool.release(backend);
      if (cancelled) return CANCELLED;
      const outcome = classifyAttempt(answer, attemptDeadline < deadline);
      if (outcome.kind === 'answered') return this.answer(stream, path, backend.id, answer.answer!);
      if (outcome.nodeDown) pool.markDown(backend);
      // A connection that let an attempt time out may be stalled (a paused node, a partition):
      // the next call to this node opens a new one.
      if (answer.timedOut) backend.channel.close();
      last = { backend: backend.id, outcome };
      if (!outcome.retry || Date.now() >= deadline) {
        if (answer.answer) return this.answer(stream, path, backend.id, answer.answer);
        const message = `${path} on ${backend.id}: ${outcome.detail}`;
        return this.refuse(stream, path, Date.now() >= deadline ? new DeadlineError(`${message}; the call's deadline passed${refusalBefore(last, refusal)}`) : new UnavailableError(message), backend.id);
      }
      if (outcome.kind === 'unavailable') refusal = last;
      this.options.metrics.gatewayRetries.inc({ endpoint: this.options.endpoint, method: path });
    }
  }

  /** One try on one node; resolves with what came back and how far it got, never rejects. */
  private attempt(
    channel: H2Channel,
    path: string,
    request: Buffer,
    forwarded: http2.OutgoingHttpHeaders,
    deadline: number,
    onStream: (stream: http2.ClientHttp2Stream) => void,
    watchReadiness?: (giveUp: () => void) => () => void,
  ): Promise<AttemptResult> {
    return new Promise((resolve) => {
      let upstream: http2.ClientHttp2Stream;
      try {
        upstream = channel.get().request({
          ...forwarded,
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/grpc',
          te: 'trailers',
          'grpc-timeout': grpcTimeout(deadline - Date.now()),
        });
      } catch (error) {
        resolve({ sent: false, error: error as Error, timedOut: false });
        return;
      }
      onStream(upstream);
      let headers: http2.IncomingHttpHeaders | undefined;
      let trailers: http2.IncomingHttpHeaders | undefined;
      let error: Error | undefined;
      let timedOut = false;
      const data: Buffer[] = [];
      const timer = setTimeout(() => {
        timedOut = true;
        upstream.close(NGHTTP2_CANCEL);
      }, Math.max(0, deadline - Date.now()));
      // A silent connection (h2-channel.ts) may never answer: the call moves on, as after a timeout.
      const stopWatchingLink = channel.onSilent(() => {
        error ??= new Error(`the connection to the node went silent (no answer to a PING within ${SILENT_MS} ms)`);
        upstream.close(NGHTTP2_CANCEL);
      });
      const stopWatchingNode =
        watchReadiness?.(() => {
          error ??= new Error('the node said it is not ready (a writer cut off from storage) while the call waited');
          upstream.close(NGHTTP2_CANCEL);
        }) ?? (() => {});
      const stopWatching = () => {
        stopWatchingLink();
        stopWatchingNode();
      };
      upstream.on('response', (h) => (headers = h));
      upstream.on('data', (chunk: Buffer) => data.push(chunk));
      upstream.on('trailers', (t) => (trailers = t));
      upstream.on('error', (e) => (error ??= e));
      upstream.once('close', () => {
        clearTimeout(timer);
        stopWatching();
        const complete = headers !== undefined && (headers['grpc-status'] !== undefined || trailers !== undefined);
        resolve({
          sent: headers !== undefined || !(isNeverSent(error) || upstream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM),
          answer: complete ? { headers: headers!, data, trailers } : undefined,
          error,
          timedOut,
          rstCode: upstream.rstCode,
        });
      });
      upstream.end(request);
    });
  }

  /** Passes the node's answer back; returns its status code. */
  private answer(stream: http2.ServerHttp2Stream, path: string, backend: string, answer: Answer): number {
    const trailersOnly = answer.headers['grpc-status'] !== undefined;
    const status = Number((trailersOnly ? answer.headers : answer.trailers!)['grpc-status']);
    this.count(path, backend, status);
    if (stream.destroyed || stream.closed) return CANCELLED;
    if (trailersOnly) {
      stream.respond(responseHeaders(answer.headers), { endStream: true });
      return status;
    }
    stream.respond(responseHeaders(answer.headers), { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers(responseHeaders(answer.trailers!, false)));
    stream.end(answer.data.length === 1 ? answer.data[0] : Buffer.concat(answer.data));
    return status;
  }

  /** Pipes a stream to one node (or to the gateway's own services), flow control both ways. */
  private pipe(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, path: string, route: Route): void {
    let channel: H2Channel;
    let release = () => {};
    let backendId = 'gateway';
    if (route.kind === 'local') channel = this.options.local;
    else {
      const pools = route.nodes === 'writers' ? [this.options.writers] : this.poolsFor(true);
      // Streams served by readers (watch, snapshot) follow a replica: no leader needed.
      const backend = pick(pools, new Set(), route.nodes === 'readers');
      if (!backend) {
        this.refuse(stream, path, new UnavailableError(`no healthy node behind this gateway can serve ${path}`));
        return;
      }
      if (!this.admit(stream, path)) return;
      const pool = poolOf(pools, backend);
      backend.outstanding++;
      let released = false;
      release = () => {
        if (!released) pool.release(backend);
        released = true;
      };
      channel = backend.channel;
      backendId = backend.id;
    }
    const timeoutMs = parseGrpcTimeoutMs(headers['grpc-timeout']);
    let upstream: http2.ClientHttp2Stream;
    try {
      upstream = channel.get().request({
        ...endToEndHeaders(headers, stream),
        ':method': 'POST',
        ':path': path,
        'content-type': 'application/grpc',
        te: 'trailers',
        ...(timeoutMs === undefined ? {} : { 'grpc-timeout': grpcTimeout(timeoutMs) }),
      });
    } catch (error) {
      release();
      this.refuse(stream, path, new UnavailableError(`cannot reach ${backendId}: ${(error as Error).message}`), backendId);
      return;
    }
    upstream.on('error', () => {});
    let trailers: http2.IncomingHttpHeaders | undefined;
    stream.pipe(upstream);
    upstream.on('response', (h) => {
      if (stream.destroyed || stream.closed) return;
      if (h['grpc-status'] !== undefined) {
        stream.respond(responseHeaders(h), { endStream: true });
        return;
      }
      stream.respond(responseHeaders(h), { waitForTrailers: true });
      stream.once('wantTrailers', () =>
        stream.sendTrailers(trailers ? responseHeaders(trailers, false) : { 'grpc-status': '14', 'grpc-message': encodeGrpcMessage(`${backendId} ended the stream without a status`) }),
      );
      upstream.pipe(stream);
    });
    upstream.on('trailers', (t) => (trailers = t));
    upstream.once('close', () => {
      release();
      if (stream.destroyed || stream.closed) return;
      if (!stream.headersSent) {
        respondTrailersOnly(stream, 14, `${backendId} closed the stream (${upstream.rstCode ? `RST_STREAM ${upstream.rstCode}` : 'no answer'})`);
      } else if (!stream.writableEnded) {
        upstream.unpipe(stream);
        stream.end();
      }
    });
    stream.once('close', () => {
      if (!upstream.closed) upstream.close(NGHTTP2_CANCEL);
    });
  }

  /** The pools a call may use on this endpoint, in order of preference (readers, then writers). */
  private poolsFor(isRead: boolean): BackendPool[] {
    if (this.options.endpoint === 'cluster') return [this.options.writers];
    return isRead ? [this.options.readers, this.options.writers] : [];
  }
}

interface AttemptResult extends AttemptReport {
  answer?: Answer;
}

function isNeverSent(error: Error | undefined): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_INVALID_SESSION';
}

/** A healthy node, pools in order; then, if `leaderless`, one that serves only reads that need no leader. */
function pick(pools: BackendPool[], tried: ReadonlySet<Backend>, leaderless = false): Backend | undefined {
  for (const pool of pools) {
    const backend = pool.pick(tried);
    if (backend) return backend;
  }
  if (!leaderless) return undefined;
  for (const pool of pools) {
    const backend = pool.pick(tried, true);
    if (backend) return backend;
  }
  return undefined;
}

function poolOf(pools: BackendPool[], backend: Backend): BackendPool {
  return pools.find((p) => p.backends.includes(backend))!;
}

const METHOD_LABELS = new Map<string, string>();
/** `/quorumkv.v1.KV/Put` → `KV/Put`, as the metrics have always named methods. */
function methodLabel(path: string): string {
  let label = METHOD_LABELS.get(path);
  if (label === undefined) {
    label = path.slice(path.lastIndexOf('.', path.lastIndexOf('/')) + 1);
    if (METHOD_LABELS.size < 1_000) METHOD_LABELS.set(path, label);
  }
  return label;
}

const CANCELLED = 1;

function codeName(code: number): string {
  return CODE_NAMES[code] ?? String(code);
}

function requestIdHeader(headers: http2.IncomingHttpHeaders): string | undefined {
  const id = headers['x-request-id'];
  return typeof id === 'string' ? id : undefined;
}

/** An attempt cut short (a timeout, a lost connection) says nothing; a node's refusal before it says why. */
function refusalBefore(last: AttemptRecord, refusal: AttemptRecord | undefined): string {
  return refusal && refusal !== last ? `; before that, on ${refusal.backend}: ${refusal.outcome.detail}` : '';
}

interface AttemptRecord {
  backend: string;
  outcome: AttemptOutcome;
}

const CODE_NAMES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];
