// Reads the Prometheus text format that every quorumkv process serves on /metrics, into samples.
// Only what the console needs: names, labels and values; comments and timestamps are skipped.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const MAX_SAMPLES = 20_000;
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/y;

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) continue;
    const labels = match[2] ? parseLabels(match[2].slice(1, -1)) : {};
    if (!labels) continue;
    samples.push({ name: match[1], labels, value: parseValue(match[3]) });
    if (samples.length >= MAX_SAMPLES) break;
  }
  return samples;
}

function parseLabels(body: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL_PAIR.lastIndex = 0;
  while (LABEL_PAIR.lastIndex < body.length) {
    const at = LABEL_PAIR.lastIndex;
    const pair = LABEL_PAIR.exec(body);
    if (!pair || LABEL_PAIR.lastIndex === at) return undefined;
    labels[pair[1]] = pair[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** The value of the first sample named `name` whose labels include `match`; undefined if none. */
export function sampleValue(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number | undefined {
  const found = samples.find((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
  return found?.value;
}
