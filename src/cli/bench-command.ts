import { BenchOptionError, CONSISTENCIES, resolveBenchOptions, TARGETS, WORKLOADS, type BenchInput } from '../bench/options.js';
import { UsageError } from './usage-error.js';
import type { Command } from './command.js';
import { OUTPUT_OPTIONS, outputFormat, printResult } from './output.js';

const text = { type: 'string' } as const;

export const benchCommand: Command = {
  name: 'bench',
  summary: 'load a quorumkv (or etcd) cluster with a workload and report throughput and latency',
  usage: [
    'quorumkv bench [put|get|txn|mixed|range] [options]',
    '  --target quorumkv|etcd     what to load (default quorumkv)',
    '  --endpoint(s) HOST:PORT,...  where (default QUORUMKV_ENDPOINT or 127.0.0.1:7000; etcd 127.0.0.1:2379)',
    '  --clients N                requests in flight (default 16)     --connections N  gRPC connections (default min(clients, 4))',
    '  --duration 10s | --ops N   how long (default 10s)              --warmup 2s      unmeasured load first (default 2s)',
    '  --rate N                   open loop: N ops/s on a fixed schedule, latency from the intended send time',
    '  --keys N                   key space (default 10000)           --key-size B (default 16)  --value-size B (default 256)',
    '  --consistency linearizable|serializable   reads of get and mixed (default linearizable)',
    '  --read-ratio R             mixed: share of reads (default 0.9)',
    '  --hot-keys N               txn: counters incremented by read-modify-write (default 16)',
    '  --range-keys N             range: keys per scan (default 100)',
    '  --timeout-ms N             deadline of each request (default 10000)',
    '  --output table|json|yaml   table: the summary line (on stderr) only; json (or --json), yaml: the whole result on stdout',
  ].join('\n'),
  options: {
    target: text,
    endpoint: text,
    endpoints: text,
    clients: text,
    connections: text,
    keys: text,
    'key-size': text,
    'value-size': text,
    duration: text,
    ops: text,
    rate: text,
    warmup: text,
    consistency: text,
    'read-ratio': text,
    'hot-keys': text,
    'range-keys': text,
    'timeout-ms': text,
    ...OUTPUT_OPTIONS,
  },
  positionals: { min: 0, max: 1 },
  completions: { first: WORKLOADS, values: { target: TARGETS, consistency: CONSISTENCIES } },
  prepare: ({ values, positionals: [workload] }) => {
    const format = outputFormat(values);
    const input: BenchInput = {
      workload,
      target: values.target as string | undefined,
      endpoint: values.endpoint as string | undefined,
      endpoints: values.endpoints as string | undefined,
      clients: values.clients as string | undefined,
      connections: values.connections as string | undefined,
      keys: values.keys as string | undefined,
      keySize: values['key-size'] as string | undefined,
      valueSize: values['value-size'] as string | undefined,
      duration: values.duration as string | undefined,
      ops: values.ops as string | undefined,
      rate: values.rate as string | undefined,
      warmup: values.warmup as string | undefined,
      consistency: values.consistency as string | undefined,
      readRatio: values['read-ratio'] as string | undefined,
      hotKeys: values['hot-keys'] as string | undefined,
      rangeKeys: values['range-keys'] as string | undefined,
      timeoutMs: values['timeout-ms'] as string | undefined,
    };
    let config;
    try {
      config = resolveBenchOptions(input);
    } catch (error) {
      if (error instanceof BenchOptionError) throw new UsageError(`bench: ${error.message}`);
      throw error;
    }
    return async () => {
      // Loaded here, so that other subcommands (the servers among them) do not load the benchmark.
      const [{ progressPrinter, summaryLine }, { runBench }, { openTarget }] = await Promise.all([
        import('../bench/report.js'),
        import('../bench/runner.js'),
        import('../bench/targets.js'),
      ]);
      const target = openTarget(config);
      const progress = progressPrinter(process.stderr, `${config.target} ${config.workload}`);
      // The first Ctrl-C ends the run early and reports what was measured; a second one exits.
      const abort = new AbortController();
      const onSignal = () => (abort.signal.aborted ? process.exit(130) : abort.abort());
      process.on('SIGINT', onSignal);
      try {
        const result = await runBench(config, target, { onProgress: progress.update, signal: abort.signal });
        progress.done();
        process.stderr.write(`${summaryLine(result)}\n`);
        // The summary line is the table format's whole output; it went to stderr above.
        if (format !== 'table') await printResult(format, result, () => '');
        return result.ops > 0 ? 0 : 1;
      } finally {
        process.off('SIGINT', onSignal);
        target.close();
      }
    };
  },
};
