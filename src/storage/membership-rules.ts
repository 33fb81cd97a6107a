import type { ConfChangeType } from '../consensus/conf-change.js';
import type { ConfState } from '../consensus/types.js';
import { InvalidArgumentError, UnavailableError } from '../errors.js';
import type { MembershipChange__Output } from '../gen/quorumkv/internal/v1/MembershipChange.js';
import { splitHostPort } from '../observability/http-server.js';

// What a storage leader checks before it proposes a membership change, and how it knows the
// change has taken effect. One server at a time: add a learner, promote it, remove a member.

/** A learner this close to the commit index may become a voter. */
export const PROMOTE_MAX_LAG_ENTRIES = 1_000;

const TYPES: readonly ConfChangeType[] = ['add-learner', 'promote-learner', 'remove-node'];

export interface ChangeContext {
  conf: ConfState;
  /** The address the address book has for `id`, if any. */
  addressOf(id: string): string | undefined;
  /** The highest log index known to be on `id` (leader's view), and the commit index. */
  matchOf(id: string): number;
  commit: number;
}

/** Whether `type` for `id` is in effect in `conf`. */
export function changeInEffect(conf: ConfState, type: ConfChangeType, id: string): boolean {
  if (type === 'add-learner') return conf.learners.includes(id);
  if (type === 'promote-learner') return conf.voters.includes(id);
  return !conf.voters.includes(id) && !conf.learners.includes(id);
}

/**
 * Checks a requested change. Returns 'done' when it is already in effect (a retried call whose
 * answer was lost), or the change type to propose; throws an error a person can act on otherwise.
 */
export function checkChange(change: MembershipChange__Output, context: ChangeContext): ConfChangeType | 'done' {
  const type = change.type as ConfChangeType;
  if (!TYPES.includes(type)) {
    throw new InvalidArgumentError(`membership change type must be ${TYPES.join(', ')}, got ${JSON.stringify(change.type)}`);
  }
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(change.id)) {
    throw new InvalidArgumentError(`member id ${JSON.stringify(change.id)}: use 1-63 lowercase letters, digits and dashes`);
  }
  const { voters, learners } = context.conf;
  const known = voters.includes(change.id) || learners.includes(change.id);
  const sameAddress = type !== 'add-learner' || context.addressOf(change.id) === change.address;
  if (type !== 'remove-node' && changeInEffect(context.conf, type, change.id) && sameAddress) return 'done';
  if (type === 'add-learner') {
    if (known) throw new InvalidArgumentError(`${change.id} is already a member`);
    try {
      splitHostPort(change.address);
    } catch (error) {
      throw new InvalidArgumentError(`member address: ${(error as Error).message}`);
    }
  } else if (type === 'promote-learner') {
    if (!learners.includes(change.id)) throw new InvalidArgumentError(`${change.id} is not a learner`);
    const match = context.matchOf(change.id);
    if (match + PROMOTE_MAX_LAG_ENTRIES < context.commit) {
      throw new UnavailableError(`${change.id} has ${match} of ${context.commit} entries: promote it once it has caught up`);
    }
  } else {
    if (!known) throw new InvalidArgumentError(`${change.id} is not a member`);
    if (voters.length === 1 && voters[0] === change.id) throw new InvalidArgumentError('the last voter cannot be removed');
  }
  return type;
}
