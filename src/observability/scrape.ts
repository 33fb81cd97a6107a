/**
 * Reads a process's /metrics once; the answer looks up a sample by metric name (the first sample,
 * whatever its labels; 0 when there is none).
 */
export async function scrapeMetrics(address: string, timeoutMs = 2_000): Promise<(name: string) => number> {
  const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  return (name) => Number(text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm'))?.[1] ?? 0);
}
