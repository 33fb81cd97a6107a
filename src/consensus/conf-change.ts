// Membership changes, one server at a time (Raft thesis §4.1, etcd's ConfChange V1). A change is
// proposed as an EntryType.ConfChange entry and takes effect on a node once it is committed and
// applied: when advance() acknowledges the Ready that handed it out. A leader refuses a new change while an earlier one is unapplied,
// so a majority of the configuration before a change always overlaps a majority of the one after.
//
// Encoding, in the entry's data and in a Snap message's context: UTF-8 JSON.
//   ConfChange: {"type":"add-learner"|"promote-learner"|"remove-node","node":"<id>","context":"<opaque>"}
//     (`context` optional: e.g. the new member's address, for the application; the core ignores it)
//   ConfState:  {"voters":["<id>",...],"learners":["<id>",...]}
// Unknown fields are refused, so a newer encoding is never half-understood.

import type { ConfState, NodeId } from './types.js';

export type ConfChangeType = 'add-learner' | 'promote-learner' | 'remove-node';

export interface ConfChange {
  type: ConfChangeType;
  node: NodeId;
  /** Opaque to the core (e.g. an address); at most MAX_CONF_CHANGE_CONTEXT_CHARS characters. */
  context?: string;
}

export const MAX_CONF_CHANGE_CONTEXT_CHARS = 1024;
const MAX_NODE_ID_CHARS = 256;
const CONF_CHANGE_TYPES: readonly string[] = ['add-learner', 'promote-learner', 'remove-node'];

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function isNodeId(v: unknown): v is NodeId {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_NODE_ID_CHARS;
}

function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
}

function hasOnlyKeys(o: object, allowed: readonly string[]): boolean {
  return Object.keys(o).every((k) => allowed.includes(k));
}

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const out: ConfChange = { type: cc.type, node: cc.node };
  if (cc.context !== undefined) out.context = cc.context;
  return encoder.encode(JSON.stringify(out));
}

/** The change in an entry's data, or undefined when it is malformed. */
export function decodeConfChange(data: Uint8Array): ConfChange | undefined {
  const v = parseJson(data);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (!hasOnlyKeys(o, ['type', 'node', 'context'])) return undefined;
  if (typeof o.type !== 'string' || !CONF_CHANGE_TYPES.includes(o.type) || !isNodeId(o.node)) return undefined;
  if (o.context !== undefined && (typeof o.context !== 'string' || o.context.length > MAX_CONF_CHANGE_CONTEXT_CHARS)) return undefined;
  const cc: ConfChange = { type: o.type as ConfChangeType, node: o.node };
  if (o.context !== undefined) cc.context = o.context as string;
  return cc;
}

export function encodeConfState(cs: ConfState): Uint8Array {
  return encoder.encode(JSON.stringify({ voters: cs.voters, learners: cs.learners }));
}

/** The configuration in a Snap message's context, or undefined when it is malformed. */
export function decodeConfState(data: Uint8Array): ConfState | undefined {
  const v = parseJson(data);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (!hasOnlyKeys(o, ['voters', 'learners'])) return undefined;
  if (!Array.isArray(o.voters) || !Array.isArray(o.learners)) return undefined;
  if (!o.voters.every(isNodeId) || !o.learners.every(isNodeId)) return undefined;
  const cs: ConfState = { voters: [...o.voters], learners: [...o.learners] };
  return isValidConfState(cs) ? cs : undefined;
}

/** At least one voter, and no id listed twice (in or across the lists). */
export function isValidConfState(cs: ConfState): boolean {
  const all = [...cs.voters, ...cs.learners];
  return cs.voters.length > 0 && new Set(all).size === all.length;
}

/** Why `cc` cannot apply to `cs`, or undefined when it can. */
export function confChangeError(cs: ConfState, cc: ConfChange): string | undefined {
  const isVoter = cs.voters.includes(cc.node);
  const isLearner = cs.learners.includes(cc.node);
  switch (cc.type) {
    case 'add-learner':
      return isVoter || isLearner ? `${cc.node} is already a ${isVoter ? 'voter' : 'learner'}` : undefined;
    case 'promote-learner':
      return isLearner ? undefined : `${cc.node} is not a learner${isVoter ? ' (it already votes)' : ''}`;
    case 'remove-node':
      if (!isVoter && !isLearner) return `${cc.node} is not a member`;
      return isVoter && cs.voters.length === 1 ? `${cc.node} is the last voter` : undefined;
  }
}

/** The configuration after `cc`; `cc` must be applicable (confChangeError undefined). */
export function applyConfChangeTo(cs: ConfState, cc: ConfChange): ConfState {
  const voters = cs.voters.filter((v) => v !== cc.node);
  const learners = cs.learners.filter((l) => l !== cc.node);
  if (cc.type === 'add-learner') learners.push(cc.node);
  if (cc.type === 'promote-learner') voters.push(cc.node);
  return { voters, learners };
}

export function sameConfState(a: ConfState, b: ConfState): boolean {
  const same = (x: NodeId[], y: NodeId[]): boolean => x.length === y.length && x.every((id) => y.includes(id));
  return same(a.voters, b.voters) && same(a.learners, b.learners);
}
