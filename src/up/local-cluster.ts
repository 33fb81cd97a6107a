import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { formatLogLine } from '../observability/log-format.js';
import { CLI_ENTRY } from '../proto/root.js';
import { caPaths, clientCertificatePaths } from '../security/cert-files.js';
import { CERTS_SUBDIR, DEFAULT_CLIENT_USER } from '../security/client-tls.js';
import type { ClientTls } from '../security/tls-flags.js';
import { splitHostPort } from '../observability/http-server.js';
import { ensureClusterCa, ensureProcessCertificate } from './cluster-certificates.js';
import { childSpecs, type ChildSpec, type Route, type Topology } from './topology.js';

// Runs a whole cluster as child processes on this machine: `quorumkv up` and the real-process
// tests both use it. Readiness is each process's own /readyz, never a fixed sleep.

export const DEFAULT_READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
const READY_POLL_MS = 100;
const STDERR_TAIL_LINES = 5;

export interface LocalClusterOptions {
  /** Where each process's output goes: prefixed lines on this process's stdout, or log files. */
  output: 'console' | 'files';
  /** Called when a child exits without being asked to. */
  onUnexpectedExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
  /**
   * 'tls' (the default): mutual TLS between every pair of processes and client certificates
   * required by the nodes and the gateway, with certificates made in `certsDir` on first start.
   * 'insecure': plaintext everywhere (--insecure).
   */
  security?: 'tls' | 'insecure';
  /**
   * With TLS: whether the nodes and the gateway require client certificates (default true). Off,
   * clients need only trust the CA, as a load generator that presents no certificate (h2load) does.
   */
  clientCertAuth?: boolean;
  /** Where the certificates are (default: DATA_DIR/certs); tests share one folder between clusters. */
  certsDir?: string;
}

interface Running {
  spec: ChildSpec;
  child: ChildProcess;
  exited: Promise<void>;
  expectExit: boolean;
  log?: WriteStream;
}

export class LocalCluster {
  readonly specs: ChildSpec[];
  private readonly running = new Map<string, Running>();
  /** How each process that is not running last ended, with its last lines of stderr. */
  private readonly exits = new Map<string, string>();

  constructor(
    readonly topology: Topology,
    readonly dataDir: string,
    private readonly options: LocalClusterOptions,
    route?: Route,
  ) {
    this.specs = childSpecs(topology, dataDir, route);
    this.security = options.security ?? 'tls';
    this.certsDir = options.certsDir ?? join(dataDir, CERTS_SUBDIR);
  }

  readonly security: 'tls' | 'insecure';
  /** The certificates folder, when TLS is on: a client finds ca.crt and client.root.crt/.key there. */
  readonly certsDir: string;

  /** The TLS a client of this cluster uses (the root user's certificate), or false for plaintext. */
  clientTls(): ClientTls | false {
    if (this.security === 'insecure') return false;
    ensureClusterCa(this.certsDir);
    return { trustedCaFile: caPaths(this.certsDir).certFile, ...clientCertificatePaths(this.certsDir, DEFAULT_CLIENT_USER) };
  }

  /** Adds a process to this cluster (not started yet), e.g. a node joining a running cluster. */
  add(spec: ChildSpec): void {
    if (this.specs.some((s) => s.name === spec.name)) throw new Error(`${spec.name} is already part of this cluster`);
    this.specs.push(spec);
  }

  get names(): string[] {
    return this.specs.map((s) => s.name);
  }

  pidOf(name: string): number | undefined {
    return this.running.get(name)?.child.pid;
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Starts every process (or the named ones) that is not running. */
  startAll(names: string[] = this.names): void {
    mkdirSync(this.dataDir, { recursive: true });
    if (this.security === 'tls') ensureClusterCa(this.certsDir);
    for (const name of names) if (!this.running.has(name)) this.startOne(this.spec(name));
  }

  /** Resolves when every named process answers /readyz with 200; rejects after `timeoutMs`. */
  async waitReady(names: string[] = this.names, timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(names);
    let lastReason = new Map<string, string>();
    while (pending.size > 0) {
      for (const name of [...pending]) {
        if (!this.running.has(name)) throw new Error(`${name} is not running (${this.exits.get(name) ?? 'it exited'}; see its output)`);
        const { ready, reason } = await probeReady(this.spec(name).metrics);
        if (ready) pending.delete(name);
        else lastReason.set(name, reason);
      }
      if (pending.size === 0) return;
      if (Date.now() > deadline) {
        const waiting = [...pending].map((n) => `${n} (${lastReason.get(n) ?? 'no answer'})`).join(', ');
        throw new Error(`not ready within ${timeoutMs} ms: ${waiting}`);
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  }

  /**
   * Marks a running process as one that may exit by its own hand (a failpoint crash), which is
   * then no unexpected exit. `exited` resolves when it has; `cancel` takes the mark back.
   */
  expectExit(name: string): { exited: Promise<void>; cancel(): void } {
    const running = this.running.get(name);
    if (!running) return { exited: Promise.resolve(), cancel: () => undefined };
    running.expectExit = true;
    return { exited: running.exited, cancel: () => (running.expectExit = false) };
  }

  /** Sends `signal` to a process and, unless it is SIGSTOP, SIGCONT or SIGUSR2, waits for it to exit. */
  async signal(name: string, signal: NodeJS.Signals): Promise<void> {
    const running = this.running.get(name);
    if (!running) throw new Error(`${name} is not running`);
    if (signal === 'SIGSTOP' || signal === 'SIGCONT' || signal === 'SIGUSR2') {
      running.child.kill(signal);
      return;
    }
    running.expectExit = true;
    running.child.kill(signal);
    await running.exited;
  }

  /** Stops every process: SIGTERM (a drain), then SIGKILL for any still running after the grace. */
  async stopAll(graceMs = STOP_GRACE_MS): Promise<void> {
    const all = [...this.running.values()];
    for (const running of all) {
      running.expectExit = true;
      running.child.kill('SIGCONT');
      running.child.kill('SIGTERM');
    }
    const timer = setTimeout(() => all.forEach((r) => r.child.kill('SIGKILL')), graceMs);
    await Promise.all(all.map((r) => r.exited));
    clearTimeout(timer);
  }

  /** SIGKILLs every process at once, synchronously: the last resort of a parent that is exiting. */
  killNow(): void {
    for (const running of this.running.values()) {
      running.expectExit = true;
      running.child.kill('SIGKILL');
    }
  }

  private spec(name: string): ChildSpec {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) throw new Error(`no process named ${name} in this topology (have: ${this.names.join(', ')})`);
    return spec;
  }

  /** The TLS flags of a process, after making its certificate if it has none yet. */
  private securityArgs(spec: ChildSpec): string[] {
    if (this.security === 'insecure') return ['--insecure'];
    ensureClusterCa(this.certsDir);
    const hosts = spec.args.filter((a) => /^--(listen|advertise|reader-listen)=/.test(a)).map((a) => splitHostPort(a.slice(a.indexOf('=') + 1)).host);
    const id = spec.args.find((a) => a.startsWith('--id='))?.slice('--id='.length) ?? spec.name;
    ensureProcessCertificate(this.certsDir, spec.role, id, hosts);
    const clientCerts = spec.role !== 'storage' && this.options.clientCertAuth !== false;
    return [`--certs-dir=${this.certsDir}`, ...(clientCerts ? ['--client-cert-auth'] : [])];
  }

  private startOne(spec: ChildSpec): void {
    const child = spawn(process.execPath, [CLI_ENTRY, ...spec.args, ...this.securityArgs(spec)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...spec.env } });
    const running: Running = { spec, child, expectExit: false, exited: Promise.resolve() };
    const toConsole = this.options.output !== 'files';
    // Children log JSON lines; on a console they are shown in short, readable form.
    const print = (line: string) => process.stdout.write(`[${spec.name}] ${formatLogLine(line, { color: process.stdout.isTTY })}\n`);
    if (toConsole) {
      createInterface({ input: child.stdout! }).on('line', print);
    } else {
      const logDir = join(this.dataDir, 'logs');
      mkdirSync(logDir, { recursive: true });
      running.log = createWriteStream(join(logDir, `${spec.name}.log`), { flags: 'a' });
      child.stdout!.pipe(running.log, { end: false });
      child.stderr!.pipe(running.log, { end: false });
    }
    // The last lines of stderr also say why a process that should be starting has exited.
    const stderrTail: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (toConsole) print(line);
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    });
    this.exits.delete(spec.name);
    running.exited = new Promise((resolve) => {
      // 'close', not 'exit': by then the process's output has all arrived (in the log, in the tail).
      child.once('close', (code, signal) => {
        this.running.delete(spec.name);
        this.exits.set(spec.name, `exited with ${signal ?? `code ${code}`}${stderrTail.length > 0 ? `: ${stderrTail.join(' | ')}` : ''}`);
        running.log?.end();
        if (!running.expectExit) this.options.onUnexpectedExit?.(spec.name, code, signal);
        resolve();
      });
    });
    this.running.set(spec.name, running);
  }
}

async function probeReady(address: string): Promise<{ ready: boolean; reason: string }> {
  try {
    const response = await fetch(`http://${address}/readyz`, { signal: AbortSignal.timeout(1_000) });
    return { ready: response.status === 200, reason: (await response.text()).trim() };
  } catch (error) {
    return { ready: false, reason: (error as Error).message };
  }
}
