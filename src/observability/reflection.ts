import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ETCD_PROTO_DIR, ETCD_PROTO_FILES, PROTO_DIR, PROTO_FILES } from '../proto/root.js';

// gRPC server reflection (grpc.reflection.v1 and v1alpha), so grpcurl and evans can list the
// services of any quorumkv process and describe their methods and messages.

/** The reflection protocol's own files, shipped with @grpc/reflection. */
const REFLECTION_PROTO_DIR = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '..', 'proto');
const REFLECTION_PROTO_FILES = ['grpc/reflection/v1/reflection.proto', 'grpc/reflection/v1alpha/reflection.proto'];

let described: protoLoader.PackageDefinition | undefined;

/**
 * Every service a quorumkv process may serve, with its messages: ours, etcd's, grpc.health.v1
 * and reflection's own, loaded once. Field names are kept as the .proto files spell them, as grpcurl
 * shows them.
 */
export function describedProtos(): protoLoader.PackageDefinition {
  described ??= {
    ...protoLoader.loadSync([...PROTO_FILES, ...ETCD_PROTO_FILES], { keepCase: true, includeDirs: [PROTO_DIR, ETCD_PROTO_DIR] }),
    ...protoLoader.loadSync(healthProtoPath, { keepCase: true }),
    ...protoLoader.loadSync(REFLECTION_PROTO_FILES, { keepCase: true, includeDirs: [REFLECTION_PROTO_DIR] }),
  };
  return described;
}

/** The reflection service of a server that serves `services` (full names: quorumkv.v1.KV, …). */
export function reflectionService(services: Iterable<string>): ReflectionService {
  return new ReflectionService(describedProtos(), { services: [...services] });
}

/**
 * Records the services added to `server`, so that reflection can describe exactly those; call
 * before any service is added. Returns the live set of full service names.
 */
export function recordServices(server: grpc.Server): Set<string> {
  const services = new Set<string>();
  const addService = server.addService.bind(server);
  server.addService = (service, implementation) => {
    for (const method of Object.values(service)) services.add(method.path.split('/')[1]);
    addService(service, implementation);
  };
  return services;
}

/**
 * Adds reflection to `server` for the services recorded on it so far, and for reflection itself.
 * Describing every service costs about 300 ms of CPU, so it waits for the first reflection call:
 * a process is ready sooner, and most processes are never asked.
 */
export function addReflection(server: grpc.Server, services: Set<string>): void {
  let handlers: Map<string, grpc.UntypedHandleCall> | undefined;
  const build = () => {
    if (handlers) return handlers;
    const built = new Map<string, grpc.UntypedHandleCall>();
    const capture = {
      addService: (service: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation) => {
        for (const [name, method] of Object.entries(service)) built.set(method.path, implementation[name] ?? implementation[method.originalName ?? name]);
      },
    };
    reflectionService([...services, ...REFLECTION_SERVICES]).addToServer(capture as unknown as grpc.Server);
    handlers = built;
    return built;
  };
  for (const service of reflectionServiceDefinitions()) {
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [name, method] of Object.entries(service)) {
      implementation[name] = ((call: grpc.ServerDuplexStream<unknown, unknown>) => (build().get(method.path) as grpc.handleBidiStreamingCall<unknown, unknown>)(call)) as grpc.UntypedHandleCall;
    }
    server.addService(service, implementation);
  }
}

const REFLECTION_SERVICES = ['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'];

/** The two reflection services' definitions alone, from their own small .proto files. */
function reflectionServiceDefinitions(): grpc.ServiceDefinition[] {
  // The options @grpc/reflection loads them with, so its handlers get the messages they expect.
  const options = { longs: String, enums: String, bytes: Array, defaults: true, oneofs: true, includeDirs: [REFLECTION_PROTO_DIR] };
  const definition = protoLoader.loadSync(REFLECTION_PROTO_FILES, options);
  return REFLECTION_SERVICES.map((name) => definition[name] as grpc.ServiceDefinition);
}
