// The console page's markup and style, served as they are; its script is web/app.ts, compiled
// by `npm run build`. Nothing here refers to anything outside the gateway that serves it.

export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>quorumkv console</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console.css">
<script type="module" src="/console.js"></script>
</head>
<body>
<header class="top">
  <div class="brand">quorumkv <span>console</span></div>
  <div id="state" class="state" data-testid="cluster-state" data-state="connecting">connecting…</div>
  <ul id="reasons" class="reasons" data-testid="reasons"></ul>
  <div id="live" class="live" data-testid="live">waiting for the gateway</div>
</header>
<main>
  <section id="endpoints" class="endpoints" data-testid="endpoints"></section>
  <section class="panel">
    <h2>Topology by zone</h2>
    <div id="zones" class="zones" data-testid="zones"></div>
  </section>
  <div class="columns">
    <section class="panel wide">
      <h2>Storage members</h2>
      <table class="data" data-testid="storage-table">
        <thead><tr><th>member</th><th>zone</th><th>role</th><th class="num">term</th><th class="num">commit</th><th class="num">applied</th><th class="num">revision</th><th class="num">db size</th><th>health</th></tr></thead>
        <tbody id="storage"></tbody>
      </table>
    </section>
    <section class="panel">
      <h2>Reader replicas</h2>
      <table class="data" data-testid="reader-table">
        <thead><tr><th>reader</th><th>zone</th><th class="num">lag</th><th class="num">behind</th><th>health</th></tr></thead>
        <tbody id="readers"></tbody>
      </table>
    </section>
  </div>
  <section class="panel">
    <h2>Traffic <small>from the nodes' own metrics, gathered by the gateway</small></h2>
    <div id="traffic" class="traffic"></div>
  </section>
  <div class="columns">
    <section class="panel">
      <h2>Recent history</h2>
      <ol id="history" class="history" data-testid="history"></ol>
    </section>
    <section class="panel wide">
      <h2>Key browser <small>read-only</small></h2>
      <form id="key-search" class="search" autocomplete="off">
        <input id="prefix" name="prefix" placeholder="key prefix (empty: every key)" spellcheck="false" data-testid="key-prefix">
        <button type="submit" data-testid="key-search">Search</button>
      </form>
      <div class="browser">
        <div><p id="key-summary" class="muted"></p><ul id="key-list" class="key-list" data-testid="key-list"></ul></div>
        <div id="key-detail" class="key-detail" data-testid="key-detail"><p class="muted">Pick a key to see its value and its history by revision.</p></div>
      </div>
    </section>
  </div>
</main>
</body>
</html>
`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#3b82f6"/><circle cx="8" cy="8" r="3" fill="#0f172a"/></svg>`;

export const CONSOLE_CSS = `
:root {
  --bg: #0d1117; --panel: #151b23; --panel-2: #1c2430; --line: #2a3441; --text: #e6edf3; --muted: #8b98a8;
  --ok: #2ea043; --ok-bg: #12261a; --warn: #d29922; --warn-bg: #2b2111; --bad: #f85149; --bad-bg: #2d1416;
  --accent: #58a6ff; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.top { position: sticky; top: 0; z-index: 2; display: flex; align-items: center; gap: 16px; padding: 10px 20px; background: #0b0f14; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; font-size: 17px; letter-spacing: .2px; }
.brand span { color: var(--muted); font-weight: 400; }
.state { padding: 4px 12px; border-radius: 999px; font-weight: 700; text-transform: uppercase; font-size: 12px; letter-spacing: .8px; border: 1px solid var(--line); color: var(--muted); }
.state[data-state=healthy] { color: var(--ok); background: var(--ok-bg); border-color: var(--ok); }
.state[data-state=degraded] { color: var(--warn); background: var(--warn-bg); border-color: var(--warn); }
.state[data-state=broken] { color: #fff; background: var(--bad); border-color: var(--bad); }
.reasons { flex: 1; margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 6px 14px; color: var(--warn); font-size: 13px; }
.reasons li::before { content: "▲ "; }
.reasons.broken { color: var(--bad); }
.live { color: var(--muted); font-size: 12px; white-space: nowrap; }
.live::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: var(--muted); margin-right: 6px; vertical-align: middle; }
.live.on::before { background: var(--ok); box-shadow: 0 0 6px var(--ok); }
.live.stale { color: var(--bad); }
.live.stale::before { background: var(--bad); }
main { padding: 16px 20px 40px; max-width: 1600px; margin: 0 auto; display: grid; gap: 16px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px 14px; min-width: 0; }
h2 { margin: 0 0 10px; font-size: 13px; text-transform: uppercase; letter-spacing: .8px; color: var(--muted); font-weight: 600; }
h2 small { text-transform: none; letter-spacing: 0; font-weight: 400; margin-left: 6px; color: #6b7787; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.columns > .wide { grid-column: span 1; }
@media (min-width: 1200px) { .columns { grid-template-columns: 3fr 2fr; } .columns > .panel:not(.wide):first-child { order: 0; } }
@media (max-width: 900px) { .columns { grid-template-columns: 1fr; } }
.endpoints { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
.endpoint { background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--ok); border-radius: 8px; padding: 12px 16px; }
.endpoint.warn { border-left-color: var(--warn); }
.endpoint.bad { border-left-color: var(--bad); }
.endpoint .name { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .8px; }
.endpoint .address { font: 600 18px var(--mono); margin: 2px 0 6px; }
.endpoint .over { color: var(--muted); }
.endpoint .over b { color: var(--text); font-weight: 600; }
.chip { display: inline-block; font: 12px var(--mono); padding: 1px 7px; margin: 2px 4px 0 0; border-radius: 4px; background: var(--panel-2); border: 1px solid var(--line); }
.zones { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; }
.zone { background: var(--panel-2); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px 10px; }
.zone h3 { margin: 0 0 8px; font-size: 12px; font-weight: 600; color: var(--muted); font-family: var(--mono); }
.proc { display: flex; align-items: center; gap: 8px; padding: 6px 8px; margin-top: 6px; border-radius: 5px; background: var(--panel); border: 1px solid var(--line); }
.proc.down { border-color: var(--bad); background: var(--bad-bg); }
.proc.lagging { border-color: var(--warn); }
.proc .id { font: 600 13px var(--mono); }
.proc .kind { color: var(--muted); font-size: 12px; }
.proc .extra { margin-left: auto; color: var(--muted); font: 12px var(--mono); }
.dot { width: 9px; height: 9px; border-radius: 50%; background: var(--ok); flex: none; }
.dot.down { background: var(--bad); }
.dot.warn { background: var(--warn); }
.badge { font-size: 10px; font-weight: 700; letter-spacing: .6px; text-transform: uppercase; padding: 1px 6px; border-radius: 3px; background: var(--panel-2); color: var(--muted); border: 1px solid var(--line); }
.badge.leader { background: #1f3a5f; color: #9cc9ff; border-color: #2f5b8f; }
.badge.learner { color: var(--warn); border-color: var(--warn); }
.badge.down { background: var(--bad); color: #fff; border-color: var(--bad); }
table.data { width: 100%; border-collapse: collapse; font-size: 13px; }
table.data th { text-align: left; color: var(--muted); font-weight: 500; border-bottom: 1px solid var(--line); padding: 5px 8px; }
table.data td { border-bottom: 1px solid #202833; padding: 6px 8px; font-family: var(--mono); white-space: nowrap; }
table.data td.health { white-space: normal; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
table.data tr.down td { color: var(--bad); }
table.data tr.leader td:first-child { color: #9cc9ff; }
.health { font-family: system-ui, sans-serif; }
.health.ok { color: var(--ok); } .health.bad { color: var(--bad); } .health.warn { color: var(--warn); }
.traffic { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.lane { background: var(--panel-2); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.lane .head { display: flex; align-items: baseline; gap: 10px; }
.lane .head .title { font-weight: 600; }
.lane .head .by { color: var(--muted); font-size: 12px; }
.lane .head .total { margin-left: auto; font: 600 20px var(--mono); }
.lane .head .total small { font-size: 12px; color: var(--muted); font-weight: 400; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; margin-top: 6px; }
.chart .label { color: var(--muted); font-size: 12px; display: flex; justify-content: space-between; }
.chart svg { width: 100%; height: 90px; display: block; background: #10161e; border: 1px solid #222b36; border-radius: 4px; }
.chart svg .grid { stroke: #222b36; stroke-width: 1; }
.chart svg polyline { fill: none; stroke-width: 1.6; vector-effect: non-scaling-stroke; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; margin-top: 6px; font-size: 12px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 3px; margin-right: 5px; vertical-align: middle; border-radius: 2px; }
.legend b { color: var(--text); font: 12px var(--mono); margin-left: 4px; }
.empty { color: var(--muted); font-size: 12px; padding: 28px 0; text-align: center; }
.history { list-style: none; margin: 0; padding: 0; max-height: 320px; overflow: auto; }
.history li { display: flex; gap: 10px; padding: 5px 2px; border-bottom: 1px solid #202833; font-size: 13px; }
.history time { color: var(--muted); font: 12px var(--mono); flex: none; }
.history .badge { flex: none; align-self: center; }
.history .failover .badge, .history .no-leader .badge, .history .down .badge { background: var(--bad-bg); color: var(--bad); border-color: var(--bad); }
.history .leader .badge { background: #1f3a5f; color: #9cc9ff; border-color: #2f5b8f; }
.history .up .badge, .history .joined .badge { color: var(--ok); border-color: var(--ok); }
.history .membership .badge { color: var(--warn); border-color: var(--warn); }
.search { display: flex; gap: 8px; }
.search input { flex: 1; background: #0b0f14; border: 1px solid var(--line); color: var(--text); padding: 7px 10px; border-radius: 5px; font: 13px var(--mono); }
.search input:focus { outline: none; border-color: var(--accent); }
.search button, .key-list button { background: var(--panel-2); color: var(--text); border: 1px solid var(--line); border-radius: 5px; cursor: pointer; }
.search button { padding: 7px 14px; }
.search button:hover, .key-list button:hover { border-color: var(--accent); }
.browser { display: grid; grid-template-columns: minmax(160px, 1fr) 2fr; gap: 12px; margin-top: 10px; }
.key-list { list-style: none; margin: 0; padding: 0; max-height: 300px; overflow: auto; }
.key-list button { width: 100%; text-align: left; padding: 4px 8px; margin-bottom: 3px; font: 12px var(--mono); display: flex; justify-content: space-between; gap: 8px; }
.key-list button.selected { border-color: var(--accent); background: #1a2a40; }
.key-list button span { color: var(--muted); }
.key-detail h3 { margin: 0 0 4px; font: 600 14px var(--mono); word-break: break-all; }
.key-detail pre { margin: 6px 0 10px; padding: 8px 10px; background: #0b0f14; border: 1px solid var(--line); border-radius: 5px; font: 12px var(--mono); white-space: pre-wrap; word-break: break-all; max-height: 140px; overflow: auto; }
.key-detail td.value { max-width: 360px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.muted { color: var(--muted); font-size: 13px; margin: 0 0 6px; }
.error { color: var(--bad); }
`;
