import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { testClientTls } from '../support/local-cluster.js';

const run = promisify(execFile);

/** etcdctl's TLS flags: the test clusters' CA and the root user's certificate. */
function tlsFlags(): string[] {
  const tls = testClientTls();
  return [`--cacert=${tls.trustedCaFile}`, `--cert=${tls.certFile}`, `--key=${tls.keyFile}`];
}

/** Runs etcdctl (v3 API) against `endpoint`; never throws, so a test can check a failure's output. */
export async function etcdctl(endpoint: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ETCDCTL_API: '3' };
  const argv = [`--endpoints=${endpoint}`, ...tlsFlags(), '--command-timeout=10s', '--dial-timeout=5s', ...args];
  if (input === undefined) {
    try {
      const { stdout, stderr } = await run('etcdctl', argv, { env, timeout: 30_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
    }
  }
  return new Promise((resolve) => {
    const child = spawn('etcdctl', argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Starts `etcdctl watch …` and resolves with its output once `done(output)` holds; kills it after. */
export function etcdctlWatch(endpoint: string, args: string[], done: (stdout: string) => boolean, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('etcdctl', [`--endpoints=${endpoint}`, ...tlsFlags(), 'watch', ...args], { env: { ...process.env, ETCDCTL_API: '3' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(stdout);
    };
    const timer = setTimeout(() => finish(new Error(`etcdctl watch: no match within ${timeoutMs} ms; stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (done(stdout)) finish();
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
  });
}
