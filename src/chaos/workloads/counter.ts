/**
 * Counter workload: integer adds (a merge, never a conflict) on two keys through the writer
 * endpoints; at the end each key's value must lie between the acknowledged sum and the attempted
 * sum (acknowledged plus every add of unknown outcome). Each add also reports the value it made,
 * so the adds are checked for linearizability too (counter-order.ts, exact for any length): a
 * write applied twice (a retry not deduplicated) shows there as a jump no add accounts for, even
 * when the final sum hides it.
 * Every fourth acknowledged add is delivered once more with the same request id, through another
 * endpoint, as a client does after losing an answer: the store must apply it once, so the
 * redelivery is not a new add and must answer the value the first delivery made.
 */
import { CounterTally, checkCounter, type CounterCheck } from '../checkers.js';
import { checkCounterAdds, type CounterAdd, type CounterOrderResult } from '../counter-order.js';
import { loop, retrying, writeEndpoints, type CheckVerdict, type Workload } from './workload.js';

const KEYS = 2;
const MAX_DELTA = 5;
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
    const orders: Record<string, CounterOrderResult> = {};
    for (const [key, tally] of tallies) {
      const kv = await retrying(ctx.finalReadTimeoutMs, () => ctx.control.get(key));
      const finalValue = kv === undefined ? 0 : Number(kv.value.toString());
      results[key.slice(ctx.prefix.length)] = checkCounter(tally, finalValue);
      const adds: CounterAdd[] = [];
      for (const op of ctx.history.ops) {
        if (op.workload !== 'counter' || op.key !== key || op.outcome === 'fail' || op.outcome === 'open') continue;
        const delta = Number(op.args!.delta);
        adds.push(op.outcome === 'unknown' ? { delta, call: op.call } : { delta, call: op.call, ret: op.ret!, value: (op.output as { value: number }).value });
      }
      orders[key.slice(ctx.prefix.length)] = checkCounterAdds(adds, finalValue);
    }
    const bounded = Object.values(results).every((r) => r.ok);
    const text = Object.entries(results).map(([k, r]) => `${k}=${r.finalValue} in [${r.lower}, ${r.upper}]${r.ok ? '' : ' NO'}`);
    const notLinear = Object.entries(orders).filter(([, r]) => r.ok === false);
    const undecided = Object.entries(orders).filter(([, r]) => r.ok === 'unknown');
    const linearText =
      notLinear.length > 0
        ? `adds NOT linearizable on ${notLinear.map(([k, r]) => `${k} (${(r as { reason: string }).reason})`).join(', ')}`
        : undecided.length > 0
          ? `adds' linearizability undecided on ${undecided.map(([k]) => k).join(', ')}`
          : 'adds linearizable';
    const applied = redeliveredTwice.get(ctx.prefix) ?? [];
    redeliveredTwice.delete(ctx.prefix);
    const ok = !bounded || notLinear.length > 0 || applied.length > 0 ? false : undecided.length === 0 ? true : 'unknown';
    const redeliveryText = applied.length > 0 ? `; ${applied.length} redelivered adds APPLIED AGAIN` : '; redelivered adds applied once';
    return { ok, summary: `${bounded ? 'within bounds' : 'OUT OF BOUNDS'}: ${text.join(', ')}; ${linearText}${redeliveryText}`, detail: { bounds: results, linearizability: orders, redeliveredTwice: applied.slice(0, 20) } };
  },
};
