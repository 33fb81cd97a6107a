/**
 * Counter workload: integer adds (a merge, never a conflict) on two keys through the writer
 * endpoints; at the end each key's value must lie between the acknowledged sum and the attempted
 * sum (acknowledged plus every add of unknown outcome). Each add also reports the value it made,
 * so the adds are checked for linearizability too: a write applied twice (a retry not
 * deduplicated) shows there as a jump no add accounts for, even when the final sum hides it.
 * Every fourth acknowledged add is delivered once more with the same request id, through another
 * endpoint, as a client does after losing an answer: the store must apply it once, so the
 * redelivery is not a new add and must answer the value the first delivery made.
 */
import { CounterTally, checkCounter, type CounterCheck } from '../checkers.js';
import { checkLinearizable, describeCounterexample, type Operation } from '../linearizability.js';
import { counterModel, type CounterInput, type CounterOutput } from '../models.js';
import { loop, retrying, writeEndpoints, type CheckVerdict, type Workload } from './workload.js';

const KEYS = 2;
const MAX_DELTA = 5;
const CHECK_TIMEOUT_MS = 30_000;
const REDELIVER_ONE_IN = 4;
/** Per run (by key prefix): redeliveries the store answered with a different value, i.e. applied again. */
const redeliveredTwice = new Map<string, string[]>();

export const counterWorkload: Workload = {
  name: 'counter',
  workers: 3,
  setup: async () => {},
  async worker(ctx, index, random) {
    const worker = `counter-${index}`;
    let sequence = 0;
    await loop(ctx, async () => {
      const endpoint = random.pick(writeEndpoints(ctx));
      const key = `${ctx.prefix}c${random.int(0, KEYS - 1)}`;
      const delta = random.int(1, MAX_DELTA);
      const requestId = `${ctx.prefix}${worker}-${++sequence}`;
      const redeliver = random.int(0, REDELIVER_ONE_IN - 1) === 0;
      const op = ctx.history.begin({ workload: 'counter', worker, endpoint: endpoint.name, f: 'add', key, args: { delta } });
      let value: number;
      try {
        ({ value } = await endpoint.client.add(key, delta, { requestId }));
        op.ok({ value });
      } catch (error) {
        op.error(error, true);
        return;
      }
      if (!redeliver) return;
      try {
        const again = await random.pick(writeEndpoints(ctx)).client.add(key, delta, { requestId });
        if (again.value !== value) {
          const found = redeliveredTwice.get(ctx.prefix) ?? [];
          found.push(`${key} ${requestId}: answered ${value}, then ${again.value}`);
          redeliveredTwice.set(ctx.prefix, found);
        }
      } catch {
        // Its outcome is unknown; a re-application still shows in the bounds and the linearizability.
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
    const applied = redeliveredTwice.get(ctx.prefix) ?? [];
    redeliveredTwice.delete(ctx.prefix);
    const ok = !bounded || linear.ok === false || applied.length > 0 ? false : linear.ok === true ? true : 'unknown';
    const linearizability = linear.ok === false ? { ok: false, counterexample: describeCounterexample(linear, counterModel) } : linear;
    const redeliveryText = applied.length > 0 ? `; ${applied.length} redelivered adds APPLIED AGAIN` : '; redelivered adds applied once';
    return { ok, summary: `${bounded ? 'within bounds' : 'OUT OF BOUNDS'}: ${text.join(', ')}; ${linearText}${redeliveryText}`, detail: { bounds: results, linearizability, redeliveredTwice: applied.slice(0, 20) } };
  },
};
