import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { InvalidArgumentError, QuorumkvError } from '../errors.js';
import { PACKAGE_ROOT } from '../proto/root.js';
import type { Collector } from './collector.js';
import type { KeyBrowser } from './key-browser.js';
import { CONSOLE_CSS, CONSOLE_HTML, FAVICON_SVG } from './page.js';

// The console's routes on the gateway's HTTP listener: the page and its script and style (all in
// the package, nothing fetched from elsewhere), one event stream of snapshots, and the key
// browser's two read-only calls.

export const MAX_STREAMS = 64;
const HEARTBEAT_MS = 15_000;

/** Nothing but this origin: the page may load and connect to nothing else. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The compiled page script (`npm run build` makes it). */
const APP_JS_PATH = join(PACKAGE_ROOT, 'dist', 'src', 'console', 'web', 'app.js');

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

export class ConsoleServer {
  private readonly streams = new Set<ServerResponse>();
  private appJs: string | undefined;

  constructor(
    private readonly collector: Collector,
    private readonly keys: KeyBrowser,
  ) {}

  /** Answers the console's paths; false for any other path. */
  readonly handle: RouteHandler = (request, response) => {
    const url = new URL(request.url ?? '/', 'http://console');
    const route = ROUTES[url.pathname];
    if (!route) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain; charset=utf-8', 'the console is read-only: GET only\n', { allow: 'GET, HEAD' });
      return true;
    }
    route(this, url, response);
    return true;
  };

  close(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }

  static asset(response: ServerResponse, type: string, body: string): void {
    send(response, 200, type, body, { 'cache-control': 'no-cache' });
  }

  appScript(response: ServerResponse): void {
    try {
      this.appJs ??= readFileSync(APP_JS_PATH, 'utf8');
    } catch (error) {
      send(response, 500, 'text/plain; charset=utf-8', `the console's script is not built (${(error as Error).message}): run npm run build\n`);
      return;
    }
    ConsoleServer.asset(response, 'text/javascript; charset=utf-8', this.appJs);
  }

  snapshotJson(response: ServerResponse): void {
    const snapshot = this.collector.snapshot;
    if (!snapshot) send(response, 503, 'text/plain; charset=utf-8', 'the console has not looked at the cluster yet\n', { 'retry-after': '1' });
    else sendJson(response, 200, snapshot);
  }

  events(response: ServerResponse): void {
    if (this.streams.size >= MAX_STREAMS) {
      send(response, 503, 'text/plain; charset=utf-8', `at most ${MAX_STREAMS} console pages at once\n`, { 'retry-after': '5' });
      return;
    }
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write('retry: 1000\n\n');
    const write = (data: unknown) => {
      // A page that does not read its stream is not buffered for: it is dropped and reconnects.
      if (response.writableLength > 4 * 1024 * 1024) response.destroy();
      else response.write(`data: ${JSON.stringify(data)}\n\n`);
    };
    if (this.collector.snapshot) write(this.collector.snapshot);
    const unsubscribe = this.collector.subscribe(write);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.streams.add(response);
    response.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(response);
    });
  }

  keyList(url: URL, response: ServerResponse): void {
    const limitText = url.searchParams.get('limit');
    answer(response, () => this.keys.list(url.searchParams.get('prefix') ?? '', limitText === null ? undefined : Number(limitText)));
  }

  keyDetail(url: URL, response: ServerResponse): void {
    answer(response, () => this.keys.detail(url.searchParams.get('key') ?? ''));
  }
}

const ROUTES: Record<string, (server: ConsoleServer, url: URL, response: ServerResponse) => void> = {
  '/': (_s, _u, r) => ConsoleServer.asset(r, 'text/html; charset=utf-8', CONSOLE_HTML),
  '/console.css': (_s, _u, r) => ConsoleServer.asset(r, 'text/css; charset=utf-8', CONSOLE_CSS),
  '/favicon.svg': (_s, _u, r) => ConsoleServer.asset(r, 'image/svg+xml', FAVICON_SVG),
  '/console.js': (s, _u, r) => s.appScript(r),
  '/api/snapshot': (s, _u, r) => s.snapshotJson(r),
  '/api/events': (s, _u, r) => s.events(r),
  '/api/keys': (s, u, r) => s.keyList(u, r),
  '/api/key': (s, u, r) => s.keyDetail(u, r),
};

function answer(response: ServerResponse, work: () => Promise<unknown>): void {
  work().then(
    (body) => sendJson(response, 200, body),
    (error: unknown) => {
      const status = error instanceof InvalidArgumentError ? 400 : error instanceof QuorumkvError ? 503 : 500;
      sendJson(response, status, { error: (error as Error).message });
    },
  );
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, 'application/json', JSON.stringify(body), { 'cache-control': 'no-store' });
}

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-type': type }).end(body);
}
