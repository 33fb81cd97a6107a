import type * as grpc from '@grpc/grpc-js';
import type { RpcServer } from '../rpc/server.js';
import { toEtcdStatus } from './errors.js';

/** A unary etcd handler: metrics as every handler, errors answered as etcd answers them. */
export function etcdUnary<Req, Res>(
  rpc: RpcServer,
  method: string,
  handle: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return rpc.unary<Req, Res>(`etcd.${method}`, async (request, call) => {
    try {
      return await handle(request, call);
    } catch (error) {
      throw toEtcdStatus(error);
    }
  });
}
