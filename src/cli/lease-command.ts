import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from './usage-error.js';
import { CLIENT_USAGE, endpointOption, withClient, withLibraryClient } from './client-commands.js';
import type { Command } from './command.js';
import { leaseIdText, parseLeaseId } from './lease-id.js';
import { outputFormat, printResult } from './output.js';

// `quorumkv lease grant TTL | keep-alive ID [--once] | revoke ID | list | timetolive ID [--keys]`,
// as etcdctl's lease commands: ids in hex, TTLs in seconds.

const ACTIONS = ['grant', 'keep-alive', 'revoke', 'list', 'timetolive'] as const;
type Action = (typeof ACTIONS)[number];

export const leaseCommand: Command = {
  name: 'lease',
  summary: 'grant, keep alive, revoke, list and inspect leases (keys put with --lease go with them)',
  usage: `quorumkv lease grant TTL | keep-alive ID [--once] | revoke ID | list | timetolive ID [--keys] ${CLIENT_USAGE}`,
  options: { ...endpointOption, once: { type: 'boolean' }, keys: { type: 'boolean' } },
  positionals: { min: 1, max: 2 },
  completions: { first: ACTIONS },
  prepare: ({ values, positionals: [actionText, argument] }) => {
    const action = actionText as Action;
    if (!ACTIONS.includes(action)) throw new UsageError(`lease: unknown action ${JSON.stringify(actionText)}; one of ${ACTIONS.join(', ')}`);
    const needsArgument = action !== 'list';
    if (needsArgument !== (argument !== undefined)) throw new UsageError(needsArgument ? `lease ${action} needs ${action === 'grant' ? 'a TTL in seconds' : 'a lease id'}` : 'lease list takes no argument');
    const format = outputFormat(values);
    switch (action) {
      case 'grant': {
        const ttl = Number(argument);
        if (!/^[0-9]+$/.test(argument!) || !Number.isSafeInteger(ttl) || ttl <= 0) throw new UsageError(`lease grant: TTL must be a positive number of seconds, got ${JSON.stringify(argument)}`);
        return withClient(values, async (client) => {
          const granted = await client.grantLease(ttl);
          await printResult(format, { id: leaseIdText(granted.id), ttl: granted.ttl, revision: granted.header?.revision ?? 0 }, () => `lease ${leaseIdText(granted.id)} granted with TTL(${granted.ttl}s)`);
          return 0;
        });
      }
      case 'revoke': {
        const id = parseLeaseId(argument!, 'lease revoke: the id');
        return withClient(values, async (client) => {
          const revoked = await client.revokeLease(id);
          await printResult(format, { id: leaseIdText(id), deleted: revoked.deleted, revision: revoked.header?.revision ?? 0 }, () => `lease ${leaseIdText(id)} revoked (${revoked.deleted} keys deleted)`);
          return 0;
        });
      }
      case 'timetolive': {
        const id = parseLeaseId(argument!, 'lease timetolive: the id');
        return withClient(values, async (client) => {
          const answer = await client.leaseTimeToLive(id, { keys: Boolean(values.keys) });
          const keys = answer.keys.map((key) => key.toString('utf8'));
          const data = { id: leaseIdText(id), ttl: answer.ttl, grantedTtl: answer.grantedTtl, ...(values.keys ? { keys } : {}) };
          await printResult(format, data, () => {
            if (answer.ttl === -1) return `lease ${leaseIdText(id)} already expired`;
            const text = `lease ${leaseIdText(id)} granted with TTL(${answer.grantedTtl}s), remaining(${answer.ttl}s)`;
            return values.keys ? `${text}, attached keys([${keys.join(' ')}])` : text;
          });
          return answer.ttl === -1 ? 1 : 0;
        });
      }
      case 'list':
        return withClient(values, async (client) => {
          const { leases } = await client.leases();
          const ids = leases.map((lease) => leaseIdText(lease.id));
          await printResult(format, { leases: ids }, () => [`found ${ids.length} leases`, ...ids].join('\n'));
          return 0;
        });
      case 'keep-alive': {
        const id = parseLeaseId(argument!, 'lease keep-alive: the id');
        // A stream: the client library's.
        return withLibraryClient(values, async (client) => {
          let stopped = false;
          const stop = () => (stopped = true);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          // Renews at a third of the TTL, as etcd's clients do, until stopped or the lease is gone.
          for (;;) {
            const renewed = await client.keepLeaseAliveOnce(id);
            if (renewed.ttl <= 0) {
              process.stderr.write(`lease ${leaseIdText(id)} expired or revoked\n`);
              return 1;
            }
            await printResult(format, { id: leaseIdText(id), ttl: renewed.ttl }, () => `lease ${leaseIdText(id)} keepalived with TTL(${renewed.ttl})`);
            if (values.once || stopped) return 0;
            const pauseMs = Math.max(500, (renewed.ttl * 1000) / 3);
            for (const until = Date.now() + pauseMs; Date.now() < until && !stopped; ) await sleep(Math.min(100, until - Date.now()));
            if (stopped) return 0;
          }
        });
      }
    }
  },
};
