#!/usr/bin/env node
import * as http2 from 'node:http2';

// The floor for a Node hop: a bare node:http2 server that answers every gRPC call with one
// fixed message and grpc-status 0, reading the request to its end. `node echo-server.js PORT`
// prints "listening PORT" when it is ready. bench:compare drives it with h2load beside the stores.

const RESPONSE = Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]);

export function startEchoServer(port: number, host = '127.0.0.1'): Promise<http2.Http2Server> {
  const server = http2.createServer();
  server.on('stream', (stream) => {
    stream.on('data', () => {});
    stream.on('error', () => {});
    stream.on('end', () => {
      if (stream.destroyed) return;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(RESPONSE);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1]?.endsWith('echo-server.js')) {
  const port = Number(process.argv[2] ?? '0');
  void startEchoServer(port).then((server) => {
    const address = server.address();
    process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
  });
}
