import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs etcdctl (v3 API) against `endpoint`; never throws, so a test can check a failure's output. */
export async function etcdctl(endpoint: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ETCDCTL_API: '3' };
  const argv = [`--endpoints=${endpoint}`, '--command-timeout=10s', '--dial-timeout=5s', ...args];
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
