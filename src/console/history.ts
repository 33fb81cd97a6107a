import type { HistoryEvent } from './web/model.js';

// Recent history, as the gateway saw it: each tick's picture is compared with the one before,
// and what changed (leader, membership, a process going down or coming back) becomes an event.

export const MAX_EVENTS = 200;

export interface Picture {
  leader: string;
  term: number;
  storage: Array<{ id: string; healthy: boolean; membership: string }>;
  nodes: Array<{ id: string; role: string; healthy: boolean }>;
}

/**
 * What changed from `before` to `after`, oldest first; `before` undefined is the first look.
 * `lastLeader` is the last leader seen before `after`, across looks that saw none.
 */
export function changes(before: Picture | undefined, after: Picture, at: number, lastLeader = before?.leader ?? ''): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const add = (kind: HistoryEvent['kind'], text: string) => events.push({ at, kind, text });
  if (!before) {
    add('started', after.leader ? `watching: ${after.leader} is leader (term ${after.term})` : 'watching: no storage leader');
    return events;
  }
  const wasHealthy = new Map(before.storage.map((s) => [s.id, s.healthy]));
  for (const member of after.storage) {
    const was = wasHealthy.get(member.id);
    if (was === true && !member.healthy) add('down', `storage member ${member.id} is down`);
    if (was === false && member.healthy) add('up', `storage member ${member.id} is back`);
  }
  if (after.leader !== before.leader) {
    const oldLeader = after.storage.find((s) => s.id === lastLeader);
    if (!after.leader) add('no-leader', `no leader: ${before.leader} was leader in term ${before.term}; writes wait for an election`);
    else if (!lastLeader) add('leader', `${after.leader} elected leader (term ${after.term})`);
    else if (lastLeader === after.leader) add('leader', `${after.leader} is leader again (term ${after.term})`);
    else if (!oldLeader || !oldLeader.healthy) add('failover', `failover: ${after.leader} took over from ${lastLeader} (term ${after.term})`);
    else add('leader', `leader moved from ${lastLeader} to ${after.leader} (term ${after.term})`);
  }
  events.push(...membershipChanges(before.storage, after.storage, at));
  const nodesBefore = new Map(before.nodes.map((n) => [n.id, n]));
  const nodesAfter = new Map(after.nodes.map((n) => [n.id, n]));
  for (const [id, node] of nodesAfter) {
    const was = nodesBefore.get(id);
    if (!was) add('joined', `${node.role} ${id} joined`);
    else if (was.healthy && !node.healthy) add('down', `${node.role} ${id} is down`);
    else if (!was.healthy && node.healthy) add('up', `${node.role} ${id} is back`);
  }
  for (const [id, node] of nodesBefore) if (!nodesAfter.has(id)) add('left', `${node.role} ${id} left`);
  return events;
}

/** Voters and learners added, promoted or removed; only when both configurations are known. */
function membershipChanges(before: Picture['storage'], after: Picture['storage'], at: number): HistoryEvent[] {
  const known = (list: Picture['storage']) => list.filter((s) => s.membership !== '');
  const then = new Map(known(before).map((s) => [s.id, s.membership]));
  const now = new Map(known(after).map((s) => [s.id, s.membership]));
  if (then.size === 0 || now.size === 0) return [];
  const events: HistoryEvent[] = [];
  for (const [id, role] of now) {
    const was = then.get(id);
    if (was === undefined) events.push({ at, kind: 'membership', text: `${id} added as ${role}` });
    else if (was !== role) events.push({ at, kind: 'membership', text: `${id} ${was === 'learner' && role === 'voter' ? 'promoted to voter' : `is now ${role}`}` });
  }
  for (const id of then.keys()) if (!now.has(id)) events.push({ at, kind: 'membership', text: `${id} removed from the storage tier` });
  return events;
}

/** The last MAX_EVENTS events, newest first. */
export class History {
  private readonly events: HistoryEvent[] = [];
  private last: Picture | undefined;
  private lastLeader = '';

  observe(picture: Picture, at: number): void {
    for (const event of changes(this.last, picture, at, this.lastLeader)) this.events.unshift(event);
    if (this.events.length > MAX_EVENTS) this.events.length = MAX_EVENTS;
    this.last = picture;
    if (picture.leader) this.lastLeader = picture.leader;
  }

  list(): HistoryEvent[] {
    return [...this.events];
  }
}
