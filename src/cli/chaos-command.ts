import { availabilityTable, type AvailabilityReport } from '../chaos/availability.js';
import { compileChaosOptions, DEFAULT_FAULTS, DEFAULT_TOPOLOGY, WORKLOADS } from '../chaos/options.js';
import { UsageError } from './usage-error.js';
import type { Command } from './command.js';

// `quorumkv chaos`: a real cluster, the workloads, faults from a seed, checked histories and a
// report (src/chaos/README.md, docs/CHAOS.md). Exit code 0 on a pass, 1 on a failed check,
// 3 when a check could not decide, 130 when interrupted.

const EXIT_CODES = { pass: 0, fail: 1, unknown: 3, aborted: 130 } as const;

export const chaosCommand: Command = {
  name: 'chaos',
  summary: 'run a cluster under injected faults with checked workloads, and write a report',
  usage: [
    'quorumkv chaos [--seed N] [--duration 60s] [--faults kill,pause,partition,latency,crash] [--workload register,bank,set,counter,lease,history]',
    `               [--topology ${DEFAULT_TOPOLOGY}] [--out DIR] [--defect ack-before-commit|weak-dedupe] [--op-timeout 3s]`,
    '               [--storage-settings stress|default]',
    `  --faults: kinds (${DEFAULT_FAULTS}), or kind:variant, e.g. kill:storage-leader,pause:writer,partition:ring,latency:storage`,
    `  --workload: any of ${WORKLOADS.join(', ')} (all by default)`,
    '  --storage-settings: stress (default) snapshots every 200 entries with a log tail of 50, so faults meet snapshot transfers; default runs storage as deployed, for availability figures',
    '  --out: default ./chaos-out/SEED; --defect runs storage with a deliberate defect (self-test: the verdict must be FAIL)',
  ].join('\n'),
  options: {
    seed: { type: 'string' },
    duration: { type: 'string' },
    faults: { type: 'string' },
    workload: { type: 'string' },
    topology: { type: 'string' },
    out: { type: 'string' },
    defect: { type: 'string' },
    'op-timeout': { type: 'string' },
    'storage-settings': { type: 'string' },
  },
  prepare: ({ values }) => {
    const seedText = values.seed as string | undefined;
    if (seedText !== undefined && !/^\d+$/.test(seedText)) throw new UsageError(`chaos: --seed must be a non-negative integer, got ${JSON.stringify(seedText)}`);
    let config;
    try {
      config = compileChaosOptions({
        seed: seedText === undefined ? undefined : Number(seedText),
        duration: values.duration as string | undefined,
        faults: values.faults as string | undefined,
        workload: values.workload as string | undefined,
        topology: values.topology as string | undefined,
        out: values.out as string | undefined,
        defect: values.defect as string | undefined,
        opTimeout: values['op-timeout'] as string | undefined,
        storageSettings: values['storage-settings'] as string | undefined,
      });
    } catch (error) {
      throw new UsageError(`chaos: ${(error as Error).message}`);
    }
    return async () => {
      const abort = new AbortController();
      const onSignal = () => {
        process.stdout.write('\nchaos: interrupted; stopping every process and proxy\n');
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const tty = process.stdout.isTTY;
      try {
        const command = `quorumkv chaos --seed ${config.seed} --duration ${config.durationMs / 1000}s --faults ${config.faults.map((f) => `${f.kind}:${f.variant}`).join(',')} --workload ${config.workloads.join(',')} --topology storage=${config.shape.storage},writers=${config.shape.writers},readers=${config.shape.readers}${config.defect ? ` --defect ${config.defect}` : ''} --storage-settings ${config.storageSettings}`;
        const { runChaos } = await import('../chaos/run-chaos.js');
        const result = await runChaos(config, {
          signal: abort.signal,
          command,
          progress: tty ? (line, final) => process.stdout.write(`\r${line}\x1b[K${final ? '\n' : ''}`) : undefined,
          log: (line) => process.stdout.write(`${tty ? '\r\x1b[K' : ''}${line}\n`),
        });
        process.stdout.write(`\nAvailability (requests through the two endpoints):\n${availabilityTable(result.report.availability as AvailabilityReport)}\n`);
        process.stdout.write(`\nVERDICT: ${result.verdict.toUpperCase()} (seed ${config.seed})\nreport: ${result.outDir}/report.html, ${result.outDir}/report.json\n`);
        return EXIT_CODES[result.verdict];
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    };
  },
};
