import { spawn } from 'node:child_process';

// One h2load run: the same pre-encoded gRPC request sent `requests` times over `connections`
// connections with `streams` concurrent streams each. h2load counts an HTTP 200 as a success
// whatever the grpc-status, so callers count what succeeded on the server side.

export const H2LOAD_BINARY = process.env.H2LOAD_BIN || 'h2load';

export interface H2loadRun {
  url: string;
  bodyFile: string;
  requests: number;
  connections: number;
  streams: number;
}

export interface H2loadResult {
  /** Requests that got HTTP 200 (not necessarily grpc-status 0). */
  http200: number;
  failed: number;
  seconds: number;
  meanLatencyMs: number;
}

export function h2loadArgs(run: H2loadRun): string[] {
  return [
    '-n', String(run.requests),
    '-c', String(run.connections),
    '-m', String(run.streams),
    '-H', 'content-type: application/grpc',
    '-H', 'te: trailers',
    '-d', run.bodyFile,
    run.url,
  ];
}

/** Runs h2load to its end; its pid is given to `onPid` so its own CPU can be read. */
export function runH2load(run: H2loadRun, onPid: (pid: number) => void = () => {}): Promise<H2loadResult & { output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(H2LOAD_BINARY, h2loadArgs(run), { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) onPid(child.pid);
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', (error) => reject(new Error(`cannot run ${H2LOAD_BINARY} (install nghttp2-client): ${error.message}`)));
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve({ ...parseH2load(output), output });
      } catch (error) {
        reject(new Error(`h2load ${run.url} failed (${(error as Error).message}): ${output.slice(-500)}`));
      }
    });
  });
}

/** Reads h2load's summary lines. */
export function parseH2load(output: string): H2loadResult {
  const finished = /finished in ([\d.]+)(ms|s),/.exec(output);
  const requests = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed/.exec(output);
  const status = /status codes: (\d+) 2xx/.exec(output);
  const latency = /time for request:\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)/.exec(output);
  if (!finished || !requests || !status) throw new Error('unexpected h2load output');
  const toMs = (value: string, unit: string) => Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);
  return {
    http200: Number(status[1]),
    failed: Number(requests[2]),
    seconds: toMs(finished[1], finished[2]) / 1000,
    meanLatencyMs: latency ? toMs(latency[1], latency[2]) : NaN,
  };
}
