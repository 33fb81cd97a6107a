import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { MAX_REQUEST_BYTES } from '../api/limits.js';
import { SERVER_KEEPALIVE_OPTIONS } from './client-options.js';
import { toServiceError } from './status.js';
import { logRequest, requestIdOf } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { addReflection, recordServices } from '../observability/reflection.js';
import { type ListenerSide, listenerCredentials } from '../security/transport-security.js';

export const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': MAX_REQUEST_BYTES,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  ...SERVER_KEEPALIVE_OPTIONS,
};

/**
 * Health service names, for Kubernetes gRPC probes: `readiness` (and the empty name) is SERVING
 * while the process can take traffic; `liveness` is SERVING while the process runs, whatever
 * the cluster's state, so that losing quorum never gets a process restarted.
 */
export const READINESS_SERVICE = 'readiness';
export const LIVENESS_SERVICE = 'liveness';
/**
 * SERVING while the process can serve reads that need no storage leader (serializable, bounded
 * staleness, read-your-writes): it may be so while `readiness` is not, e.g. with no leader.
 */
export const READS_SERVICE = 'reads';

/** A gRPC server with the standard health service, started on `address`. */
export class RpcServer {
  readonly server: grpc.Server;
  readonly health = new HealthImplementation({ '': 'NOT_SERVING', [READINESS_SERVICE]: 'NOT_SERVING', [READS_SERVICE]: 'NOT_SERVING', [LIVENESS_SERVICE]: 'SERVING' });

  /** The services added to this server, which reflection describes once it listens. */
  private readonly services: ReturnType<typeof recordServices>;

  /** `maxReceiveBytes`: a larger limit than a client request's, for servers whose peers send more (storage members). */
  constructor(
    readonly metrics: Metrics,
    options: { maxReceiveBytes?: number } = {},
  ) {
    this.server = new grpc.Server({ ...SERVER_OPTIONS, 'grpc.max_receive_message_length': options.maxReceiveBytes ?? MAX_REQUEST_BYTES });
    this.services = recordServices(this.server);
    this.health.addToServer(this.server);
  }

  /**
   * Adds a service whose requests that do not decode get INVALID_ARGUMENT naming the method
   * (grpc-js would answer INTERNAL). Unary and server-streaming methods decode in the handler;
   * client-streaming ones keep grpc-js's decoding. Their handlers may answer with a message
   * already encoded (a Buffer), which is sent as it is.
   */
  addService(service: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation): void {
    const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const [name, method] of Object.entries(service)) {
      const key = implementation[name] ? name : (method.originalName ?? name);
      const handle = implementation[key];
      if (method.requestStream || !handle) {
        definition[name] = method;
        if (handle) handlers[key] = handle;
        continue;
      }
      definition[name] = { ...method, requestDeserialize: (bytes: Buffer) => bytes, responseSerialize: relayingSerializer(method) };
      handlers[key] = decodingHandler(method, handle, this.metrics);
    }
    this.server.addService(definition, handlers);
  }

  /** Wraps an async handler: records metrics and maps thrown errors to gRPC statuses once. */
  unary<Req, Res>(method: string, handle: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const stopTimer = this.metrics.grpcLatency.startTimer({ method });
      // A handler that throws before its first await must still answer with a mapped status.
      Promise.resolve().then(() => handle(call.request, call)).then(
        (response) => {
          this.metrics.grpcRequests.inc({ method, code: 'OK' });
          logRequest({ method, code: 'OK', durationSeconds: stopTimer(), requestId: requestIdOf(call.request, call.metadata) });
          callback(null, response);
        },
        (error: unknown) => {
          const status = toServiceError(error);
          const code = grpc.status[status.code ?? grpc.status.UNKNOWN];
          this.metrics.grpcRequests.inc({ method, code });
          logRequest({ method, code, durationSeconds: stopTimer(), requestId: requestIdOf(call.request, call.metadata), message: status.details });
          callback(status);
        },
      );
    };
  }

  /** Wraps an async server-streaming handler: it writes messages itself; a throw ends the stream with a mapped status. */
  serverStream<Req, Res>(method: string, handle: (call: grpc.ServerWritableStream<Req, Res>) => Promise<void>): grpc.handleServerStreamingCall<Req, Res> {
    return (call) => {
      Promise.resolve()
        .then(() => handle(call))
        .then(
          () => {
            this.metrics.grpcRequests.inc({ method, code: 'OK' });
            if (!call.cancelled && !call.destroyed) call.end();
          },
          (error: unknown) => {
            const status = toServiceError(error);
            this.metrics.grpcRequests.inc({ method, code: grpc.status[status.code ?? grpc.status.UNKNOWN] });
            if (!call.cancelled && !call.destroyed) call.emit('error', status);
          },
        );
    };
  }

  /** Listens on `address`, with the TLS of this process's `side` (peer: only processes of the cluster call it). */
  async listen(address: string, side: ListenerSide): Promise<number> {
    addReflection(this.server, this.services);
    return new Promise((resolve, reject) => {
      this.server.bindAsync(address, listenerCredentials(side), (error, port) => {
        if (error) reject(new Error(`cannot listen on ${address}: ${error.message}`));
        else resolve(port);
      });
    });
  }

  /** Sets readiness: whether this process should be sent traffic. */
  /** `readsServing` (default: as `serving`): whether reads that need no storage leader are served; ready implies it. */
  setServing(serving: boolean, readsServing = serving): void {
    this.health.setStatus('', serving ? 'SERVING' : 'NOT_SERVING');
    this.health.setStatus(READINESS_SERVICE, serving ? 'SERVING' : 'NOT_SERVING');
    this.health.setStatus(READS_SERVICE, serving || readsServing ? 'SERVING' : 'NOT_SERVING');
  }

  /** Stops taking new calls, lets in-flight ones finish for up to `graceMs`, then cuts the rest. */
  async shutdown(graceMs: number): Promise<void> {
    this.setServing(false);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** `handle`, called with its request decoded; bytes that do not decode end the call with INVALID_ARGUMENT. */
function decodingHandler(method: grpc.MethodDefinition<unknown, unknown>, handle: grpc.UntypedHandleCall, metrics: Metrics): grpc.UntypedHandleCall {
  const methodName = method.path.split('.').pop()!;
  return ((call: grpc.ServerUnaryCall<unknown, unknown>, callback?: grpc.sendUnaryData<unknown>) => {
    try {
      call.request = method.requestDeserialize(call.request as Buffer);
    } catch (error) {
      metrics.grpcRequests.inc({ method: methodName, code: 'INVALID_ARGUMENT' });
      const status = { code: grpc.status.INVALID_ARGUMENT, details: malformedRequestMessage(method.path, error), metadata: new grpc.Metadata() };
      if (callback) callback(status);
      else (call as unknown as grpc.ServerWritableStream<unknown, unknown>).emit('error', status);
      return;
    }
    (handle as (call: unknown, callback?: unknown) => void)(call, callback);
  }) as grpc.UntypedHandleCall;
}

/** The method's serializer, except that a response already encoded (relayed from storage) goes out as it is. */
function relayingSerializer(method: grpc.MethodDefinition<unknown, unknown>): (value: unknown) => Buffer {
  return (value) => (Buffer.isBuffer(value) ? value : method.responseSerialize(value));
}

/** The message for request bytes that are not the method's protobuf message. */
export function malformedRequestMessage(path: string, error: unknown): string {
  return `malformed request for ${path}: the bytes are not a valid ${path.split('/').pop()} request message (${error instanceof Error ? error.message : String(error)}); nothing was applied`;
}
