// CLI for the simulator: `node dist/test/sim/run.js --seeds N [--start S] [--seed X]
// [--voters 3|5|6] [--scenario mix|base|snapshot|membership|full] [--verbose]`. Exits 1 if any
// seed violates an invariant. The default scenario, mix, spreads seeds over all of them.

import { parseArgs } from 'node:util';
import { formatFailure, SCENARIOS, scenarioForSeed, simulate, type Scenario, type SimResult } from './simulator.js';

const VOTER_COUNTS = [3, 5, 6] as const;

interface RunArgs {
  seeds: number;
  start: number;
  seed: number | undefined;
  voters: number | undefined;
  scenario: Scenario | undefined;
  verbose: boolean;
  faultTicks: number | undefined;
}

function integerArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`--${name} must be an integer, got ${value}`);
  return n;
}

function parseRunArgs(argv: string[]): RunArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string' },
      start: { type: 'string' },
      seed: { type: 'string' },
      voters: { type: 'string' },
      scenario: { type: 'string', default: 'mix' },
      'fault-ticks': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const voters = integerArg('voters', values.voters);
  if (voters !== undefined && !(VOTER_COUNTS as readonly number[]).includes(voters)) {
    throw new Error(`--voters must be one of ${VOTER_COUNTS.join(', ')}`);
  }
  const scenario = values.scenario ?? 'mix';
  if (scenario !== 'mix' && !(SCENARIOS as readonly string[]).includes(scenario)) {
    throw new Error(`--scenario must be one of mix, ${SCENARIOS.join(', ')}`);
  }
  return {
    scenario: scenario === 'mix' ? undefined : (scenario as Scenario),
    seeds: integerArg('seeds', values.seeds) ?? 100,
    start: integerArg('start', values.start) ?? 1,
    seed: integerArg('seed', values.seed),
    voters,
    verbose: values.verbose ?? false,
    faultTicks: integerArg('fault-ticks', values['fault-ticks']),
  };
}

/** Spreads seeds over the cluster sizes unless one is forced. */
export function votersForSeed(seed: number, forced?: number): number {
  return forced ?? VOTER_COUNTS[Math.abs(seed) % VOTER_COUNTS.length]!;
}

/** The seed being simulated: if the process runs out of work during it, the run deadlocked. */
let running: number | undefined;

async function main(): Promise<number> {
  const args = parseRunArgs(process.argv.slice(2));
  const seeds = args.seed !== undefined ? [args.seed] : Array.from({ length: args.seeds }, (_, i) => args.start + i);
  const startedMs = performance.now();
  const failures: SimResult[] = [];
  let events = 0;
  for (const [i, seed] of seeds.entries()) {
    running = seed;
    const result = await simulate({
      seed,
      voters: votersForSeed(seed, args.voters),
      scenario: scenarioForSeed(seed, args.scenario),
      faultTicks: args.faultTicks,
      trace: args.verbose ? (line) => console.log(line) : undefined,
    });
    events += result.stats.events;
    if (!result.ok) {
      failures.push(result);
      console.error(formatFailure(result));
    } else if (args.verbose) {
      console.log(`seed ${seed} ok: ${JSON.stringify(result.stats)}`);
    }
    if ((i + 1) % 100 === 0) console.log(`${i + 1}/${seeds.length} seeds, ${failures.length} failed`);
  }
  const elapsedMs = performance.now() - startedMs;
  console.log(`${seeds.length} seeds, ${failures.length} failed, ${events} events, ${(elapsedMs / 1000).toFixed(1)} s`);
  if (failures.length > 0) console.log(`failed seeds: ${failures.map((f) => f.seed).join(' ')}`);
  return failures.length === 0 ? 0 : 1;
}

process.on('beforeExit', () => {
  if (running === undefined) return;
  console.error(`seed ${running}: the simulation waits on something no event will ever bring (a deadlock between the simulator and the storage glue)`);
  process.exit(3);
});

main().then(
  (code) => {
    running = undefined;
    process.exitCode = code;
  },
  (error: unknown) => {
    running = undefined;
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
