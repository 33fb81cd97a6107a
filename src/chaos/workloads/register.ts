/**
 * Register workload: get / put / compare-and-set on a handful of keys, from several clients
 * through every endpoint; checked for linearizability. Keys rotate every few seconds, which keeps
 * each key's history (and so the search) small.
 */
import { checkLinearizable, describeCounterexample, type Operation } from '../linearizability.js';
import { registerModel, type RegisterInput, type RegisterOutput } from '../models.js';
import { loop, writeEndpoints, type CheckVerdict, type Workload } from './workload.js';

const KEYS_PER_EPOCH = 3;
const EPOCH_MS = 4_000;
const CHECK_TIMEOUT_MS = 60_000;

export const registerWorkload: Workload = {
  name: 'register',
  workers: 4,
  setup: async () => {},
  async worker(ctx, index, random) {
    const worker = `register-${index}`;
    const lastSeen = new Map<string, string | null>();
    let sequence = 0;
    await loop(ctx, async () => {
      const epoch = Math.floor(ctx.history.now() / EPOCH_MS);
      const key = `${ctx.prefix}${epoch}/${random.int(0, KEYS_PER_EPOCH - 1)}`;
      const roll = random.next();
      if (roll < 0.4) {
        const endpoint = random.pick(ctx.endpoints);
        const op = ctx.history.begin({ workload: 'register', worker, endpoint: endpoint.name, f: 'get', key });
        try {
          const kv = await endpoint.client.get(key);
          const value = kv === undefined ? null : kv.value.toString();
          lastSeen.set(key, value);
          op.ok({ value });
        } catch (error) {
          op.error(error, false);
        }
        return;
      }
      const endpoint = random.pick(writeEndpoints(ctx));
      const value = `${index}.${++sequence}`;
      if (roll < 0.7) {
        const op = ctx.history.begin({ workload: 'register', worker, endpoint: endpoint.name, f: 'put', key, args: { value } });
        try {
          await endpoint.client.put(key, value);
          lastSeen.set(key, value);
          op.ok();
        } catch (error) {
          op.error(error, true);
        }
        return;
      }
      const expected = lastSeen.get(key) ?? null;
      const op = ctx.history.begin({ workload: 'register', worker, endpoint: endpoint.name, f: 'cas', key, args: { expected, value } });
      try {
        const compare =
          expected === null
            ? { result: 'EQUAL' as const, target: 'VERSION' as const, key: Buffer.from(key), version: 0 }
            : { result: 'EQUAL' as const, target: 'VALUE' as const, key: Buffer.from(key), value: Buffer.from(expected) };
        const response = await endpoint.client.txn({ compare: [compare], success: [{ requestPut: { key: Buffer.from(key), value: Buffer.from(value) } }] });
        if (response.succeeded) lastSeen.set(key, value);
        op.ok({ ok: response.succeeded });
      } catch (error) {
        op.error(error, true);
      }
    });
  },
  async check(ctx): Promise<CheckVerdict> {
    const operations: Operation<RegisterInput, RegisterOutput>[] = [];
    for (const op of ctx.history.ops) {
      if (op.workload !== 'register' || op.outcome === 'fail' || op.outcome === 'open') continue;
      const key = op.key!;
      const input: RegisterInput =
        op.f === 'get'
          ? { key, op: 'get' }
          : op.f === 'put'
            ? { key, op: 'put', value: String(op.args!.value) }
            : { key, op: 'cas', expected: (op.args!.expected as string | null) ?? null, value: String(op.args!.value) };
      const unknown = op.outcome === 'unknown';
      operations.push({ clientId: op.worker, input, output: unknown ? undefined : (op.output as RegisterOutput | undefined) ?? {}, call: op.call, return: unknown ? Infinity : op.ret! });
    }
    const keys = new Set(operations.map((o) => o.input.key)).size;
    const result = checkLinearizable(operations, registerModel, { timeoutMs: CHECK_TIMEOUT_MS });
    const unknownOps = operations.filter((o) => o.return === Infinity).length;
    if (result.ok === true) {
      return { ok: true, summary: `linearizable: ${operations.length} operations on ${keys} keys (${unknownOps} of unknown outcome)`, detail: { operations: operations.length, keys, unknownOutcome: unknownOps } };
    }
    if (result.ok === 'unknown') {
      return { ok: 'unknown', summary: `linearizability undecided (${result.reason}) on key ${result.key}`, detail: { operations: operations.length, keys, reason: result.reason, key: result.key } };
    }
    const counterexample = describeCounterexample(result, registerModel);
    return {
      ok: false,
      summary: `NOT linearizable: key ${result.key}: ${result.reason}`,
      detail: { operations: operations.length, keys, unknownOutcome: unknownOps, key: result.key, reason: result.reason, counterexample },
    };
  },
};
