import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralPortsFrom, freePorts } from '../../src/up/loopback-topology.js';

// Ports for test and bench clusters come from below the kernel's ephemeral range, so an outgoing
// connection can never take one between the check and the process that listens on it.

describe('freePorts', () => {
  it('gives distinct ports below the ephemeral range that can be listened on', async () => {
    const ports = await freePorts(40);
    expect(new Set(ports).size).toBe(40);
    for (const port of ports) expect(port).toBeLessThan(ephemeralPortsFrom());
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a count it cannot mean', async () => {
    await expect(freePorts(0)).rejects.toThrow(/count must be 1 to 1000/);
  });
});
