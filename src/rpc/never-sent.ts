import { status } from '@grpc/grpc-js';

/**
 * grpc-js fails a call with these words when it had no connection to send it on: the request
 * never left this process, so sending it elsewhere cannot apply it twice.
 */
export function wasNeverSent(code: status, details: string): boolean {
  return code === status.UNAVAILABLE && /No connection established|ECONNREFUSED/.test(details);
}
