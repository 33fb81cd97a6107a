import type { EndpointTraffic, KeyDetail, KeyListing, NodeView, Series, Snapshot, StorageView } from './model.js';

// The console page: one event stream from the gateway, and every section redrawn from each
// snapshot it sends. Text goes in with textContent only; nothing is fetched from anywhere else.

const STALE_AFTER_MS = 3_000;
const OP_COLORS: Record<string, string> = { Put: '#58a6ff', Range: '#3fb950', Txn: '#bc8cff', DeleteRange: '#f0883e' };
const SPARE_COLORS = ['#39c5cf', '#db61a2', '#e3b341', '#8b98a8'];
const SVG_NS = 'http://www.w3.org/2000/svg';

type Child = Node | string | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== undefined && child !== false) node.append(child);
  return node;
}

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

function bytes(n: number | undefined): string {
  if (n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function rate(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour12: false });
}

let lastAt = 0;

function renderHeader(s: Snapshot): void {
  const state = byId('state');
  state.dataset.state = s.state;
  state.textContent = s.state;
  const reasons = byId('reasons');
  reasons.className = `reasons ${s.state}`;
  reasons.replaceChildren(...s.reasons.map((r) => el('li', {}, r)));
  document.title = `${s.state === 'healthy' ? '●' : s.state === 'degraded' ? '▲' : '✖'} quorumkv · ${s.state}`;
}

function renderEndpoints(s: Snapshot): void {
  byId('endpoints').replaceChildren(
    ...s.endpoints.map((e) => {
      const cls = e.over === 'nothing' ? 'bad' : e.name === 'reader' && e.over === 'writers' && s.nodes.some((n) => n.role === 'reader') ? 'warn' : '';
      return el(
        'div',
        { class: `endpoint ${cls}`, 'data-testid': `endpoint-${e.name}` },
        el('div', { class: 'name' }, `${e.name} endpoint · ${e.name === 'cluster' ? 'reads and writes' : 'reads'}`),
        el('div', { class: 'address' }, e.address),
        el(
          'div',
          { class: 'over' },
          e.over === 'nothing' ? el('b', {}, 'no healthy node to send requests to') : el('span', {}, 'balances over ', el('b', {}, `${e.balancesOver.length} ${e.over}`), ' '),
          ...e.balancesOver.map((id) => el('span', { class: 'chip', 'data-testid': 'balanced-node' }, id)),
        ),
        el('div', { class: 'over' }, `relayed by gateway ${s.gateway}: ${rate(e.relayedPerSecond)} req/s`),
      );
    }),
  );
}

function storageRole(m: StorageView): string {
  if (!m.healthy) return 'down';
  return m.leader ? 'leader' : m.membership === 'learner' ? 'learner' : 'follower';
}

function procCard(id: string, kind: string, healthy: boolean, opts: { badge?: string; extra?: string; lagging?: boolean; testid?: string } = {}): HTMLElement {
  const state = !healthy ? 'down' : opts.lagging ? 'lagging' : '';
  return el(
    'div',
    { class: `proc ${state}`, 'data-testid': opts.testid ?? 'proc', 'data-id': id, 'data-healthy': String(healthy) },
    el('span', { class: `dot ${!healthy ? 'down' : opts.lagging ? 'warn' : ''}`, title: healthy ? 'healthy' : 'down' }),
    el('span', { class: 'id' }, id),
    el('span', { class: 'kind' }, kind),
    opts.badge !== undefined && el('span', { class: `badge ${opts.badge}` }, opts.badge),
    opts.extra !== undefined && el('span', { class: 'extra' }, opts.extra),
  );
}

function lagText(n: NodeView): string {
  return n.lagMs === undefined ? '—' : n.lagMs < 1_000 ? `${Math.round(n.lagMs)} ms` : `${(n.lagMs / 1_000).toFixed(1)} s`;
}

function renderZones(s: Snapshot): void {
  const zones = new Map<string, HTMLElement[]>();
  const into = (zone: string, card: HTMLElement) => {
    const key = zone || 'no zone';
    if (!zones.has(key)) zones.set(key, []);
    zones.get(key)!.push(card);
  };
  for (const m of s.storage) {
    const role = storageRole(m);
    into(m.zone, procCard(m.id, `storage · ${m.membership || 'member'}`, m.healthy, { badge: role, extra: m.healthy ? `t${m.term}` : undefined, testid: 'zone-storage' }));
  }
  for (const n of s.nodes) {
    const lagging = n.role === 'reader' && n.lagMs !== undefined && n.lagMs > 1_000;
    into(n.zone, procCard(n.id, n.role, n.healthy, { extra: n.role === 'reader' ? `lag ${lagText(n)}` : undefined, lagging, testid: `zone-${n.role}` }));
  }
  for (const g of s.gateways) into('', procCard(g.id, 'gateway', g.healthy, { extra: g.clusterEndpoint, testid: 'zone-gateway' }));
  const names = [...zones.keys()].sort((a, b) => (a === 'no zone' ? 1 : b === 'no zone' ? -1 : a.localeCompare(b)));
  byId('zones').replaceChildren(...names.map((name) => el('div', { class: 'zone', 'data-zone': name }, el('h3', {}, name), ...zones.get(name)!)));
}

function renderStorage(s: Snapshot): void {
  byId('storage').replaceChildren(
    ...s.storage.map((m) => {
      const role = storageRole(m);
      const num = (v: number) => el('td', { class: 'num' }, m.healthy ? v.toLocaleString('en-US') : '—');
      return el(
        'tr',
        { class: `${m.healthy ? '' : 'down'} ${m.leader ? 'leader' : ''}`, 'data-testid': 'storage-row', 'data-member': m.id, 'data-leader': String(m.leader), 'data-healthy': String(m.healthy) },
        el('td', {}, m.id),
        el('td', {}, m.zone || '—'),
        el('td', {}, el('span', { class: `badge ${role}` }, role), m.membership ? ` ${m.membership}` : ''),
        num(m.term),
        num(m.commitIndex),
        num(m.appliedIndex),
        num(m.revision),
        el('td', { class: 'num', 'data-testid': 'db-size' }, bytes(m.dbSizeBytes)),
        el('td', { class: `health ${m.healthy ? 'ok' : 'bad'}` }, m.healthy ? 'healthy' : m.error || 'down'),
      );
    }),
  );
}

function renderReaders(s: Snapshot): void {
  const readers = s.nodes.filter((n) => n.role === 'reader');
  byId('readers').replaceChildren(
    ...(readers.length === 0
      ? [el('tr', {}, el('td', { colspan: '5', class: 'muted' }, 'no reader nodes: the reader endpoint serves from writers'))]
      : readers.map((n) => {
          const lagging = n.lagMs !== undefined && n.lagMs > 1_000;
          return el(
            'tr',
            { class: n.healthy ? '' : 'down', 'data-testid': 'reader-row', 'data-id': n.id },
            el('td', {}, n.id),
            el('td', {}, n.zone || '—'),
            el('td', { class: 'num', 'data-testid': 'reader-lag' }, lagText(n)),
            el('td', { class: 'num' }, n.lagRevisions === undefined ? '—' : `${n.lagRevisions} rev`),
            el('td', { class: `health ${!n.healthy ? 'bad' : lagging ? 'warn' : 'ok'}` }, !n.healthy ? 'down' : lagging ? 'lagging' : 'healthy'),
          );
        })),
  );
}

const colorOf = (() => {
  const assigned = new Map<string, string>(Object.entries(OP_COLORS));
  return (label: string) => {
    if (!assigned.has(label)) assigned.set(label, SPARE_COLORS[(assigned.size - Object.keys(OP_COLORS).length) % SPARE_COLORS.length]);
    return assigned.get(label)!;
  };
})();

function chart(title: string, series: Series[], unit: string, now: number, testid: string): HTMLElement {
  const W = 300;
  const H = 90;
  const windowMs = 120_000;
  const values = series.flatMap((s) => s.points.map((p) => p[1]));
  const max = Math.max(1e-9, ...values);
  const top = niceCeil(max);
  const box = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': title });
  for (const f of [0.25, 0.5, 0.75]) box.append(svg('line', { class: 'grid', x1: 0, x2: W, y1: H * f, y2: H * f }));
  for (const s of series) {
    const points = s.points
      .filter((p) => p[0] >= now - windowMs)
      .map((p) => `${(((p[0] - (now - windowMs)) / windowMs) * W).toFixed(1)},${(H - 2 - (p[1] / top) * (H - 6)).toFixed(1)}`)
      .join(' ');
    if (points) box.append(svg('polyline', { points, stroke: colorOf(s.label) }));
  }
  const latest = (s: Series) => s.points[s.points.length - 1]?.[1] ?? 0;
  return el(
    'div',
    { class: 'chart', 'data-testid': testid },
    el('div', { class: 'label' }, el('span', {}, title), el('span', {}, values.length ? `max ${rate(top)} ${unit}` : '')),
    values.length ? box : el('div', { class: 'empty' }, 'no requests yet'),
    el('div', { class: 'legend' }, ...series.map((s) => el('span', {}, swatch(colorOf(s.label)), s.label, el('b', {}, `${rate(latest(s))}`)))),
  );
}

/** A legend's colour mark, coloured through the style object (the page's policy refuses style attributes). */
function swatch(color: string): HTMLElement {
  const mark = el('i');
  mark.style.background = color;
  return mark;
}

function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function renderTraffic(s: Snapshot): void {
  byId('traffic').replaceChildren(
    ...s.traffic.map((t: EndpointTraffic) =>
      el(
        'div',
        { class: 'lane', 'data-testid': `traffic-${t.endpoint}` },
        el(
          'div',
          { class: 'head' },
          el('span', { class: 'title' }, `${t.endpoint} endpoint`),
          el('span', { class: 'by' }, t.servedBy),
          el('span', { class: 'total', 'data-testid': `throughput-${t.endpoint}`, 'data-value': String(t.totalPerSecond) }, rate(t.totalPerSecond), el('small', {}, ' req/s')),
        ),
        el('div', { class: 'charts' }, chart('throughput by op', t.throughput, 'req/s', s.at, `chart-throughput-${t.endpoint}`), chart('latency p99 by op', t.latencyP99Ms, 'ms', s.at, `chart-latency-${t.endpoint}`)),
      ),
    ),
  );
}

function renderHistory(s: Snapshot): void {
  byId('history').replaceChildren(
    ...(s.history.length === 0
      ? [el('li', { class: 'muted' }, 'nothing yet')]
      : s.history.map((h) => el('li', { class: h.kind, 'data-testid': 'history-event', 'data-kind': h.kind }, el('time', {}, clock(h.at)), el('span', { class: 'badge' }, h.kind), el('span', {}, h.text)))),
  );
}

function render(s: Snapshot): void {
  lastAt = Date.now();
  renderHeader(s);
  renderEndpoints(s);
  renderZones(s);
  renderStorage(s);
  renderReaders(s);
  renderTraffic(s);
  renderHistory(s);
  const live = byId('live');
  live.className = 'live on';
  live.textContent = `live · ${clock(s.at)} · leader ${s.leader || 'none'} · term ${s.term}`;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status}`);
  return body;
}

async function searchKeys(prefix: string): Promise<void> {
  const summary = byId('key-summary');
  summary.className = 'muted';
  summary.textContent = 'searching…';
  try {
    const listing = await getJson<KeyListing>(`/api/keys?prefix=${encodeURIComponent(prefix)}`);
    summary.textContent = `${listing.keys.length}${listing.more ? '+' : ''} key${listing.keys.length === 1 ? '' : 's'} at revision ${listing.revision}`;
    byId('key-list').replaceChildren(
      ...listing.keys.map((k) => {
        const button = el('button', { type: 'button', 'data-testid': 'key-item', 'data-key': k.key }, k.key, el('span', {}, `v${k.version}`));
        button.addEventListener('click', () => {
          for (const b of document.querySelectorAll('.key-list button.selected')) b.classList.remove('selected');
          button.classList.add('selected');
          void showKey(k.key);
        });
        return el('li', {}, button);
      }),
    );
  } catch (error) {
    summary.className = 'muted error';
    summary.textContent = `search failed: ${(error as Error).message}`;
  }
}

async function showKey(key: string): Promise<void> {
  const detail = byId('key-detail');
  try {
    const d = await getJson<KeyDetail>(`/api/key?key=${encodeURIComponent(key)}`);
    if (!d.found) {
      detail.replaceChildren(el('h3', {}, key), el('p', { class: 'muted' }, `not found at revision ${d.revision} (deleted?)`));
      return;
    }
    const [current] = d.history;
    const note = d.truncated === 'compacted' ? 'older revisions are compacted' : d.truncated === 'limit' ? `the latest ${d.history.length} versions` : `every version since its creation at revision ${d.createRevision}`;
    detail.replaceChildren(
      el('h3', { 'data-testid': 'key-name' }, d.key),
      el('p', { class: 'muted' }, `version ${current.version} · written at revision ${current.revision} · ${bytes(current.sizeBytes)}${current.binary ? ' · binary, shown in hex' : ''}`),
      el('pre', { 'data-testid': 'key-value' }, current.value),
      el('p', { class: 'muted' }, `history: ${note}`),
      el(
        'table',
        { class: 'data', 'data-testid': 'key-history' },
        el('thead', {}, el('tr', {}, el('th', { class: 'num' }, 'revision'), el('th', { class: 'num' }, 'version'), el('th', {}, 'value'))),
        el('tbody', {}, ...d.history.map((v) => el('tr', { 'data-testid': 'key-version', 'data-revision': String(v.revision) }, el('td', { class: 'num' }, String(v.revision)), el('td', { class: 'num' }, String(v.version)), el('td', { class: 'value' }, v.value)))),
      ),
    );
  } catch (error) {
    detail.replaceChildren(el('p', { class: 'error' }, `could not read ${key}: ${(error as Error).message}`));
  }
}

function connect(): void {
  const events = new EventSource('/api/events');
  events.onmessage = (message) => render(JSON.parse(message.data as string) as Snapshot);
  setInterval(() => {
    if (lastAt === 0 || Date.now() - lastAt < STALE_AFTER_MS) return;
    const live = byId('live');
    live.className = 'live stale';
    live.textContent = `no update for ${Math.round((Date.now() - lastAt) / 1_000)} s: the gateway does not answer`;
  }, 1_000);
}

byId('key-search').addEventListener('submit', (event) => {
  event.preventDefault();
  void searchKeys((byId('prefix') as HTMLInputElement).value);
});
connect();
