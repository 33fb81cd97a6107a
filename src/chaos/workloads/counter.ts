/**
 * Counter workload: integer adds (a merge, never a conflict) on two keys through the writer
 * endpoints; at the end each key's value must lie between the acknowledged sum and the attempted
 * sum (acknowledged plus every add of unknown outcome).
 */
import { CounterTally, checkCounter, type CounterCheck } from '../checkers.js';
import { loop, retrying, writeEndpoints, type CheckVerdict, type Workload } from './workload.js';

const KEYS = 2;
const MAX_DELTA = 5;
const FINAL_READ_TIMEOUT_MS = 30_000;

export const counterWorkload: Workload = {
  name: 'counter',
  workers: 2,
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
      const kv = await retrying(FINAL_READ_TIMEOUT_MS, () => ctx.control.get(key));
      results[key.slice(ctx.prefix.length)] = checkCounter(tally, kv === undefined ? 0 : Number(kv.value.toString()));
    }
    const ok = Object.values(results).every((r) => r.ok);
    const text = Object.entries(results).map(([k, r]) => `${k}=${r.finalValue} in [${r.lower}, ${r.upper}]${r.ok ? '' : ' NO'}`);
    return { ok, summary: `${ok ? 'within bounds' : 'OUT OF BOUNDS'}: ${text.join(', ')}`, detail: results };
  },
};
