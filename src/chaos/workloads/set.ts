/**
 * Set workload: unique adds (one key per element) through the writer endpoints; at the end every
 * acknowledged add must be present (Jepsen's set checker: lost, unexpected, recovered).
 */
import { checkSet } from '../checkers.js';
import { loop, readPrefix, retrying, writeEndpoints, type CheckVerdict, type Workload } from './workload.js';


export const setWorkload: Workload = {
  name: 'set',
  workers: 2,
  setup: async () => {},
  async worker(ctx, index, random) {
    const worker = `set-${index}`;
    let sequence = 0;
    await loop(ctx, async () => {
      const endpoint = random.pick(writeEndpoints(ctx));
      const element = `${index}-${++sequence}`;
      const op = ctx.history.begin({ workload: 'set', worker, endpoint: endpoint.name, f: 'add', key: ctx.prefix + element, args: { element } });
      try {
        await endpoint.client.put(ctx.prefix + element, '1');
        op.ok();
      } catch (error) {
        op.error(error, true);
      }
    });
  },
  async check(ctx): Promise<CheckVerdict> {
    const attempted: string[] = [];
    const acknowledged: string[] = [];
    for (const op of ctx.history.ops) {
      if (op.workload !== 'set') continue;
      const element = String(op.args!.element);
      attempted.push(element);
      if (op.outcome === 'ok') acknowledged.push(element);
    }
    const final = await retrying(ctx.finalReadTimeoutMs, () => readPrefix(ctx.control, ctx.prefix));
    const result = checkSet(acknowledged, attempted, final.map((kv) => kv.key.slice(ctx.prefix.length)));
    return {
      ok: result.ok,
      summary: `${result.acknowledged} acknowledged of ${result.attempted} attempted; ${result.lost.count} lost, ${result.unexpected.count} unexpected, ${result.recovered.count} recovered`,
      detail: { ...result },
    };
  },
};
