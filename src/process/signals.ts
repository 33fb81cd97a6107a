import { log } from '../observability/log.js';

/**
 * Runs `shutdown` once on the first SIGTERM or SIGINT, then exits. A second signal exits at once,
 * so a stuck drain can always be cut short.
 */
export function onShutdownSignal(shutdown: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    shutdown().then(
      () => process.exit(0),
      (error: Error) => {
        log.error({ err: error, signal }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
