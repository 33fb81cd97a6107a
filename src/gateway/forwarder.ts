import * as grpc from '@grpc/grpc-js';
import { UnavailableError, toServiceError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { KV } from '../proto/services.js';
import { wasNeverSent } from '../rpc/never-sent.js';
import type { Backend, BackendPool } from './backend-pool.js';

// The gateway forwards KV calls as opaque bytes: it never decodes a request it does not need to
// look into. Reads are idempotent and move to another node when one fails; a write moves only
// when it provably never left the gateway, because its outcome is otherwise unknown.

const identity = (bytes: Buffer): Buffer => bytes;
const READ_METHODS = new Set(['Range']);
export const DEFAULT_FORWARD_TIMEOUT_MS = 15_000;

/** KV's service definition with every message kept as raw bytes. */
function rawServiceDefinition(): grpc.ServiceDefinition {
  const raw: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  for (const [name, method] of Object.entries(KV.service)) {
    raw[name] = {
      ...method,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    };
  }
  return raw;
}

export function addForwardingKvService(server: grpc.Server, pool: BackendPool, metrics: Metrics): void {
  const definition = rawServiceDefinition();
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const methodName = method.originalName ?? name;
    const isRead = READ_METHODS.has(methodName);
    const label = `KV/${methodName}`;
    handlers[name] = ((call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const stopTimer = metrics.grpcLatency.startTimer({ method: label });
      forward(pool, method.path, call, isRead).then(
        (response) => {
          metrics.grpcRequests.inc({ method: label, code: 'OK' });
          stopTimer();
          callback(null, response);
        },
        (error: unknown) => {
          const status = toServiceError(error);
          metrics.grpcRequests.inc({ method: label, code: grpc.status[status.code ?? grpc.status.UNKNOWN] });
          stopTimer();
          callback(status);
        },
      );
    }) as grpc.UntypedHandleCall;
  }
  server.addService(definition, handlers);
}

async function forward(pool: BackendPool, path: string, call: grpc.ServerUnaryCall<Buffer, Buffer>, isRead: boolean): Promise<Buffer> {
  const deadline = deadlineOf(call);
  const tried = new Set<Backend>();
  for (;;) {
    const backend = pool.pick(tried);
    if (!backend) {
      throw new UnavailableError(
        tried.size === 0 ? 'no healthy writer node is available behind this gateway; check `quorumkv status`' : `all ${tried.size} writer nodes tried failed`,
      );
    }
    tried.add(backend);
    try {
      return await callBackend(backend, path, call.request, call.metadata, deadline);
    } catch (error) {
      const serviceError = error as grpc.ServiceError;
      const neverSent = wasNeverSent(serviceError.code, serviceError.details ?? '');
      if (neverSent) pool.markDown(backend);
      const movable = neverSent || (isRead && serviceError.code === grpc.status.UNAVAILABLE);
      if (!movable || Date.now() >= deadline) throw error;
    }
  }
}

function callBackend(backend: Backend, path: string, request: Buffer, metadata: grpc.Metadata, deadline: number): Promise<Buffer> {
  backend.outstanding++;
  return new Promise<Buffer>((resolve, reject) => {
    backend.client.makeUnaryRequest(path, identity, identity, request, metadata, { deadline }, (error, response) => {
      backend.outstanding--;
      if (error) reject(error);
      else resolve(response as Buffer);
    });
  });
}

function deadlineOf(call: grpc.ServerUnaryCall<Buffer, Buffer>): number {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  const fallback = Date.now() + DEFAULT_FORWARD_TIMEOUT_MS;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, fallback) : fallback;
}
