import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';
import { CLIENT_OPTIONS } from './client-options.js';

// A client for the standard grpc.health.v1 service, which every quorumkv process serves.

const definition = protoLoader.loadSync(protoPath, { keepCase: true, enums: String, defaults: true });
const HealthClientConstructor = grpc.makeClientConstructor(
  (definition['grpc.health.v1.Health'] as grpc.ServiceDefinition),
  'grpc.health.v1.Health',
);

export class HealthClient {
  private readonly client: grpc.Client;

  constructor(address: string, credentials: grpc.ChannelCredentials) {
    this.client = new HealthClientConstructor(address, credentials, CLIENT_OPTIONS);
  }

  /** True when the process answers SERVING for `service` (default: the whole process) within `timeoutMs`. */
  async check(timeoutMs: number, service = ''): Promise<boolean> {
    return (await this.status(timeoutMs, service)) === 'serving';
  }

  /** What the process answered for `service` within `timeoutMs`: serving, not serving (it said so), or nothing. */
  status(timeoutMs: number, service = ''): Promise<'serving' | 'not-serving' | 'no-answer'> {
    return new Promise((resolve) => {
      try {
        (this.client as any).check({ service }, { deadline: Date.now() + timeoutMs }, (error: Error | null, response?: { status: string }) => {
          resolve(error ? 'no-answer' : response?.status === 'SERVING' ? 'serving' : 'not-serving');
        });
      } catch {
        resolve('no-answer'); // closed meanwhile (the node left)
      }
    });
  }

  /** Seconds until a check is answered, whatever the status; undefined when no answer came within `timeoutMs`. */
  roundTrip(timeoutMs: number): Promise<number | undefined> {
    const started = performance.now();
    return new Promise((resolve) => {
      (this.client as any).check({ service: '' }, { deadline: Date.now() + timeoutMs }, (error: Error | null) => {
        resolve(error ? undefined : (performance.now() - started) / 1000);
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
