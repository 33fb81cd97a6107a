import { UsageError } from './usage-error.js';
import type { ParsedArgs } from './command.js';

// How a command prints its result: `--output table` (the default: text and tables for people),
// `json` (one JSON object a line) or `yaml`; `--json` is short for `--output json`.

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const OUTPUT_OPTIONS = { output: { type: 'string', short: 'o' }, json: { type: 'boolean' } } as const;
export const OUTPUT_USAGE = '[--output table|json|yaml]';

export function outputFormat(values: ParsedArgs['values']): OutputFormat {
  const given = values.output as string | undefined;
  if (given !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(given)) {
    throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(given)}`);
  }
  if (given !== undefined && values.json && given !== 'json') throw new UsageError(`--json and --output ${given} disagree`);
  return (given as OutputFormat | undefined) ?? (values.json ? 'json' : 'table');
}

/** Prints `data` as JSON or YAML, or `text()` for the table format. */
export async function printResult(format: OutputFormat, data: unknown, text: () => string): Promise<void> {
  if (format === 'json') process.stdout.write(`${JSON.stringify(data)}\n`);
  else if (format === 'yaml') {
    const { stringify } = await import('yaml');
    // One YAML document per result, so a stream of results (watch) reads as a YAML stream.
    process.stdout.write(`---\n${stringify(data)}`);
  } else process.stdout.write(`${text()}\n`);
}
