/**
 * Counter workload: integer adds (a merge, never a conflict) on two keys through the writer
 * endpoints; at the end each key's value must lie between the acknowledged sum and the attempted
 * sum (acknowledged plus every add of unknown outcome). Each add also reports the value it made,
 * so the adds are checked for linearizability too: a write applied twice (a retry not
 * deduplicated) shows there as a jump no add accounts for, even when the final sum hides it.
 */
import { CounterTally, checkCounter, type CounterCheck } from '../checkers.js';
import { checkLinearizable, describeCounterexample, type Operation } from '../linearizability.js';
import { counterModel, type CounterInput, type CounterOutput } from '../models.js';
import { loop, retrying, writeEndpoints, type CheckVerdict, type Workload } from './workload.js';

const KEYS = 2;
const MAX_DELTA = 5;
const CHECK_TIMEOUT_MS = 30_000;

export const counterWorkload: Workload = {
  name: 'counter',
  workers: 3,
  setup: async () => {},
  async worker(ctx, index, random) {
    const worker = `counter-${index}`;
    await loop(ctx, async () => {
      const endpoint = random.pick(writeEndpoints(ctx));
      const key = `${ctx.prefix}c${random.int(0, KEYS - 1)}`;
      const delta = random.int(1, MAX_DELTA);
      const op = ctx.history.begin({ workload: 'counter', worker, endpoint: endpoint.name, f: 'add', key, args: { delta } });
      try {
        const { value } = await endpoint.client.add(key, delta);
        op.ok({ value });
      } catch (error) {
        op.error(error, true);
      }
    });
  },
  async check(ctx): Promise<CheckVerdict> {
    const tallies = new Map<string, CounterTally>();
    for (let i = 0; i < KEYS; i++) tallies.set(`${ctx.prefix}c${i}`, new CounterTally());
    for (const op of ctx.history.ops) {
      if (op.workload !== 'counter' || op.outcome === 'open') continue;
      tallies.get(op.key!)!.record(Number(op.args!.delta), op.outcome === 'fail' ? 'failed' : op.outcome);
    }
    const results: Record<string, CounterCheck> = {};
    for (const [key, tally] of tallies) {
      const kv = await retrying(ctx.finalReadTimeoutMs, () => ctx.control.get(key));
      results[key.slice(ctx.prefix.length)] = checkCounter(tally, kv === undefined ? 0 : Number(kv.value.toString()));
    }
    const bounded = Object.values(results).every((r) => r.ok);
    const text = Object.entries(results).map(([k, r]) => `${k}=${r.finalValue} in [${r.lower}, ${r.upper}]${r.ok ? '' : ' NO'}`);
    const operations: Operation<CounterInput, CounterOutput>[] = [];
    for (const op of ctx.history.ops) {
      if (op.workload !== 'counter' || op.outcome === 'fail' || op.outcome === 'open') continue;
      const unknown = op.outcome === 'unknown';
      operations.push({ clientId: op.worker, input: { key: op.key!, op: 'add', delta: Number(op.args!.delta) }, output: unknown ? undefined : (op.output as CounterOutput), call: op.call, return: unknown ? Infinity : op.ret! });
    }
    const linear = checkLinearizable(operations, counterModel, { timeoutMs: CHECK_TIMEOUT_MS });
    const linearText = linear.ok === true ? 'adds linearizable' : linear.ok === false ? `adds NOT linearizable on ${linear.key}` : `adds' linearizability undecided (${linear.reason})`;
    const ok = !bounded || linear.ok === false ? false : linear.ok === true ? true : 'unknown';
    const linearizability = linear.ok === false ? { ok: false, counterexample: describeCounterexample(linear, counterModel) } : linear;
    return { ok, summary: `${bounded ? 'within bounds' : 'OUT OF BOUNDS'}: ${text.join(', ')}; ${linearText}`, detail: { bounds: results, linearizability } };
  },
};
