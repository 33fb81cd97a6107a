import * as grpc from '@grpc/grpc-js';
import { ReadOnlyError, UnavailableError, toServiceError } from '../errors.js';
import { logRequest, requestIdOf } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { KV, Watch } from '../proto/services.js';
import { deadlineOf } from '../rpc/deadline.js';
import type { Backend, BackendPool } from './backend-pool.js';
import { endToEndMetadata } from './end-to-end-headers.js';
import { withRequestId } from './request-id-field.js';

// The gateway forwards calls as opaque bytes: it decodes nothing but the top-level field list of
// a write, to make sure it carries a request id. With that id every write is safe to send again,
// so a call that fails with UNAVAILABLE, or that gets no answer within the attempt timeout (a
// hung node), moves to another node; the storage tier applies each id once and answers a repeat
// with the outcome it recorded. The client sees one answer.

export type Endpoint = 'cluster' | 'reader';

const identity = (bytes: Buffer): Buffer => bytes;
const READ_METHODS = new Set(['Range']);
export const DEFAULT_FORWARD_TIMEOUT_MS = 15_000;
/** A backend that has not answered by then is treated as hung for this call. */
export const ATTEMPT_TIMEOUT_MS = 1_500;
const ALL_TRIED_PAUSE_MS = 100;

export interface Routes {
  endpoint: Endpoint;
  writers: BackendPool;
  readers: BackendPool;
  metrics: Metrics;
}

/** Raw-bytes copy of a service definition. */
function rawDefinition(service: grpc.ServiceDefinition): Record<string, grpc.MethodDefinition<Buffer, Buffer>> {
  const raw: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  for (const [name, method] of Object.entries(service)) {
    raw[name] = { ...method, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
  }
  return raw;
}

/** The pools a method may use on this endpoint, in order of preference (readers, then writers). */
function poolsFor(routes: Routes, isRead: boolean): BackendPool[] {
  if (routes.endpoint === 'cluster') return [routes.writers];
  return isRead ? [routes.readers, routes.writers] : [];
}

function pick(pools: BackendPool[], tried: ReadonlySet<Backend>): Backend | undefined {
  for (const pool of pools) {
    const backend = pool.pick(tried);
    if (backend) return backend;
  }
  return undefined;
}

function poolOf(pools: BackendPool[], backend: Backend): BackendPool {
  return pools.find((p) => p.backends.includes(backend))!;
}

export function addForwardingServices(server: grpc.Server, routes: Routes): void {
  const kv = rawDefinition(KV.service);
  const kvHandlers: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(kv)) {
    // Keys are the proto's method names (Range, Put, …); originalName is the camel-cased one.
    const methodName = name;
    const isRead = READ_METHODS.has(methodName);
    kvHandlers[name] = ((call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const labels = { endpoint: routes.endpoint, method: `KV/${methodName}` };
      const stopTimer = routes.metrics.grpcLatency.startTimer({ method: labels.method });
      forwardUnary(routes, method.path, call, isRead).then(
        ({ response, backend }) => {
          routes.metrics.gatewayRequests.inc({ ...labels, backend, code: 'OK' });
          logRequest({ method: labels.method, code: 'OK', durationSeconds: stopTimer(), requestId: requestIdOf(undefined, call.metadata) });
          callback(null, response);
        },
        (error: unknown) => {
          const status = toServiceError(error);
          const code = grpc.status[status.code ?? grpc.status.UNKNOWN];
          routes.metrics.gatewayRequests.inc({ ...labels, backend: (error as { backend?: string }).backend ?? 'none', code });
          logRequest({ method: labels.method, code, durationSeconds: stopTimer(), requestId: requestIdOf(undefined, call.metadata), message: status.details });
          callback(status);
        },
      );
    }) as grpc.UntypedHandleCall;
  }
  server.addService(kv, kvHandlers);

  const watch = rawDefinition(Watch.service);
  const watchHandlers: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(watch)) {
    watchHandlers[name] = ((call: grpc.ServerWritableStream<Buffer, Buffer>) => relayStream(routes, method.path, call)) as grpc.UntypedHandleCall;
  }
  server.addService(watch, watchHandlers);
}

async function forwardUnary(routes: Routes, path: string, call: grpc.ServerUnaryCall<Buffer, Buffer>, isRead: boolean): Promise<{ response: Buffer; backend: string }> {
  if (routes.endpoint === 'reader' && !isRead) {
    throw new ReadOnlyError('the reader endpoint serves reads only; send writes to the cluster endpoint (:7000 by default)');
  }
  const request = isRead ? call.request : withRequestId(call.request, path);
  const metadata = endToEndMetadata(call.metadata);
  const deadline = deadlineOf(call, DEFAULT_FORWARD_TIMEOUT_MS);
  const pools = poolsFor(routes, isRead);
  const tried = new Set<Backend>();
  for (;;) {
    let backend = pick(pools, tried);
    if (!backend && tried.size > 0) {
      // Every node failed once: pause, then give them another chance within the deadline.
      await new Promise((resolve) => setTimeout(resolve, ALL_TRIED_PAUSE_MS));
      tried.clear();
      backend = pick(pools, tried);
    }
    if (!backend) {
      throw new UnavailableError(`no healthy ${routes.endpoint === 'reader' ? 'reader or writer' : 'writer'} node behind this gateway; check \`quorumkv status\``);
    }
    tried.add(backend);
    const attemptDeadline = Math.min(deadline, Date.now() + ATTEMPT_TIMEOUT_MS);
    try {
      return { response: await callBackend(poolOf(pools, backend), backend, path, request, metadata, attemptDeadline), backend: backend.id };
    } catch (error) {
      const code = (error as grpc.ServiceError).code;
      const timedOut = code === grpc.status.DEADLINE_EXCEEDED && attemptDeadline < deadline;
      if (code === grpc.status.UNAVAILABLE || timedOut) poolOf(pools, backend).markDown(backend);
      if (!(code === grpc.status.UNAVAILABLE || timedOut) || Date.now() >= deadline) {
        throw Object.assign(error as object, { backend: backend.id });
      }
      routes.metrics.gatewayRetries.inc({ endpoint: routes.endpoint, method: path });
    }
  }
}

function callBackend(pool: BackendPool, backend: Backend, path: string, request: Buffer, metadata: grpc.Metadata, deadline: number): Promise<Buffer> {
  backend.outstanding++;
  return new Promise<Buffer>((resolve, reject) => {
    backend.client.makeUnaryRequest(path, identity, identity, request, metadata, { deadline }, (error, response) => {
      pool.release(backend);
      if (error) reject(error);
      else resolve(response as Buffer);
    });
  });
}

/** Relays a watch stream from one node; if it breaks, the client resumes from its last revision. */
function relayStream(routes: Routes, path: string, call: grpc.ServerWritableStream<Buffer, Buffer>): void {
  const pools = poolsFor(routes, true);
  const backend = pick(pools, new Set());
  if (!backend) {
    call.emit('error', toServiceError(new UnavailableError('no healthy node behind this gateway can serve a watch')));
    return;
  }
  const pool = poolOf(pools, backend);
  backend.outstanding++;
  const upstream = backend.client.makeServerStreamRequest(path, identity, identity, call.request, endToEndMetadata(call.metadata), {});
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    pool.release(backend);
  };
  call.on('cancelled', () => {
    upstream.cancel();
    end();
  });
  upstream.on('data', (bytes: Buffer) => {
    if (!call.write(bytes)) {
      upstream.pause();
      call.once('drain', () => upstream.resume());
    }
  });
  upstream.on('error', (error: grpc.ServiceError) => {
    end();
    if (!call.cancelled) call.emit('error', { code: error.code, details: error.details, metadata: error.metadata });
  });
  upstream.on('end', () => {
    end();
    if (!call.cancelled) call.end();
  });
}
