/**
 * Bank workload: transfers between accounts with runTransaction (read both balances, move an
 * amount, write both), and snapshot reads of every account (one range read each) through every
 * endpoint, stale ones from the reader endpoint included. Every snapshot, and the final state,
 * must sum to the initial total, with no negative balance.
 */
import { checkBankTotals, type BankSnapshot } from '../checkers.js';
import { loop, readPrefix, retrying, writeEndpoints, type CheckVerdict, type Workload, type WorkloadContext } from './workload.js';

const ACCOUNTS = 5;
const INITIAL_BALANCE = 100;
const MAX_TRANSFER = 20;
const TRANSFER_ATTEMPTS = 5;
const SETUP_TIMEOUT_MS = 30_000;

const account = (ctx: WorkloadContext, i: number) => `${ctx.prefix}a${i}`;

function snapshotOf(ctx: WorkloadContext, kvs: Array<{ key: string; value: string }>): Record<string, number> {
  const balances: Record<string, number> = {};
  for (const { key, value } of kvs) balances[key.slice(ctx.prefix.length)] = Number(value);
  return balances;
}

export const bankWorkload: Workload = {
  name: 'bank',
  workers: 3,
  async setup(ctx) {
    const requestId = `chaos-bank-setup-${ctx.prefix}`;
    const success = Array.from({ length: ACCOUNTS }, (_, i) => ({ requestPut: { key: Buffer.from(account(ctx, i)), value: Buffer.from(String(INITIAL_BALANCE)) } }));
    await retrying(SETUP_TIMEOUT_MS, () => ctx.control.txn({ success, requestId }));
  },
  async worker(ctx, index, random) {
    const worker = `bank-${index}`;
    await loop(ctx, async () => {
      if (random.next() < 0.35) {
        const endpoint = random.pick(ctx.endpoints);
        const consistency = endpoint.writes ? 'linearizable' : 'stale';
        const op = ctx.history.begin({ workload: 'bank', worker, endpoint: endpoint.name, f: 'read', args: { consistency } });
        try {
          const response = await endpoint.client.range(ctx.prefix, { prefix: true, consistency });
          op.ok({ balances: snapshotOf(ctx, response.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString() }))), revision: response.header?.revision });
        } catch (error) {
          op.error(error, false);
        }
        return;
      }
      const endpoint = random.pick(writeEndpoints(ctx));
      const from = random.int(0, ACCOUNTS - 1);
      const to = (from + random.int(1, ACCOUNTS - 1)) % ACCOUNTS;
      const wanted = random.int(1, MAX_TRANSFER);
      const op = ctx.history.begin({ workload: 'bank', worker, endpoint: endpoint.name, f: 'transfer', args: { from, to, amount: wanted } });
      try {
        const moved = await endpoint.client.runTransaction(
          async (tx) => {
            // Both reads at once: the transaction must still read them at one snapshot.
            const [a, b] = await Promise.all([tx.get(account(ctx, from)), tx.get(account(ctx, to))]);
            const balanceFrom = Number(a?.value.toString() ?? NaN);
            const balanceTo = Number(b?.value.toString() ?? NaN);
            const amount = Math.min(wanted, balanceFrom);
            if (!(amount > 0) || Number.isNaN(balanceTo)) return 0;
            tx.put(account(ctx, from), String(balanceFrom - amount));
            tx.put(account(ctx, to), String(balanceTo + amount));
            return amount;
          },
          { maxAttempts: TRANSFER_ATTEMPTS },
        );
        op.ok({ moved });
      } catch (error) {
        op.error(error, true);
      }
    });
  },
  async check(ctx): Promise<CheckVerdict> {
    const snapshots: BankSnapshot[] = [];
    for (const op of ctx.history.ops) {
      if (op.workload === 'bank' && op.f === 'read' && op.outcome === 'ok') snapshots.push({ time: op.call, balances: (op.output as { balances: Record<string, number> }).balances });
    }
    const final = snapshotOf(ctx, await retrying(ctx.finalReadTimeoutMs, () => readPrefix(ctx.control, ctx.prefix)));
    const total = ACCOUNTS * INITIAL_BALANCE;
    const during = checkBankTotals(snapshots, total);
    const atEnd = checkBankTotals([{ balances: final }], total);
    const accountsOk = Object.keys(final).length === ACCOUNTS;
    const transfers = ctx.history.ops.filter((o) => o.workload === 'bank' && o.f === 'transfer' && o.outcome === 'ok').length;
    const ok = during.ok && atEnd.ok && accountsOk;
    return {
      ok,
      summary: ok
        ? `total ${total} conserved in ${during.reads} snapshot reads and at the end (${transfers} transfers acknowledged)`
        : `total NOT conserved: ${during.wrongTotal.count} of ${during.reads} reads off, ${during.negative.count} negative; final ${JSON.stringify(final)}`,
      detail: { expectedTotal: total, reads: during.reads, transfersAcknowledged: transfers, wrongTotal: during.wrongTotal, negative: during.negative, final, finalCheck: atEnd },
    };
  },
};
