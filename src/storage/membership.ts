import { decodeConfChange, type ConfChange } from '../consensus/conf-change.js';
import type { ConfChangeResult, RaftStatus } from '../consensus/raft.js';
import type { ConfState, Entry, Transport } from '../consensus/types.js';
import { NotLeaderError, UnavailableError } from '../errors.js';
import type { MembershipChange__Output } from '../gen/quorumkv/internal/v1/MembershipChange.js';
import type { MemberListResponse } from '../gen/quorumkv/v1/MemberListResponse.js';
import type { ResponseHeader } from '../gen/quorumkv/v1/ResponseHeader.js';
import type { AddressBook } from './address-book.js';
import { changeInEffect, checkChange } from './membership-rules.js';

// A storage member's view of the group's membership: lists it, changes it one server at a time
// (leader only), and keeps the address book and the transport in step with committed changes.

/** Longest a membership change may take to be committed and applied. */
const MEMBERSHIP_TIMEOUT_MS = 10_000;

/** The transport, which follows membership changes. */
export interface PeerTransport extends Transport {
  setPeers(addresses: ReadonlyMap<string, string>): void;
  /** Stamps every batch sent with this member's incarnation. */
  setIncarnation(incarnation: string): void;
  /** Where appends and heartbeats get the incarnations this member vouches for (undefined: none, it does not lead). */
  setKnownIncarnations(known: () => Readonly<Record<string, string>> | undefined): void;
}

/** What membership needs of the storage member it belongs to. */
export interface MembershipHost {
  stopped(): boolean;
  forgetIncarnation(id: string): Promise<void>;
  raftStatus(): RaftStatus;
  /** The configuration as of the applied state. */
  appliedConf(): ConfState;
  header(): ResponseHeader;
  proposeConfChange(change: ConfChange): ConfChangeResult;
  /** Resolves once the log no longer starts at index 1, so a new member starts from a snapshot. */
  ensureSnapshot(): Promise<void>;
  /** Resolves at the next apply, or after `timeoutMs`. */
  appliedOrTimeout(timeoutMs: number): Promise<void>;
}

export class Membership {
  constructor(
    private readonly selfId: string,
    private readonly host: MembershipHost,
    private readonly addresses: AddressBook,
    private readonly transport: PeerTransport,
  ) {}

  /** The configuration with addresses, and the leader's view of each member's progress. */
  list(): MemberListResponse {
    const status = this.host.raftStatus();
    if (status.role !== 'leader') throw new NotLeaderError(`membership is answered by the storage leader (${status.leader || 'none known yet'})`, status.leader);
    const conf = this.host.appliedConf();
    const member = (id: string, role: string) => ({ id, address: this.addresses.get(id) ?? '', role, matchIndex: status.progress?.[id]?.match ?? 0 });
    return {
      header: this.host.header(),
      leader: status.leader,
      members: [...conf.voters.map((id) => member(id, 'voter')), ...conf.learners.map((id) => member(id, 'learner'))],
    };
  }

  /** Proposes one membership change (leader only) and answers once it is applied here. */
  async change(change: MembershipChange__Output): Promise<MemberListResponse> {
    this.list();
    const status = this.host.raftStatus();
    const type = checkChange(change, {
      conf: this.host.appliedConf(),
      addressOf: (id) => this.addresses.get(id),
      matchOf: (id) => status.progress?.[id]?.match ?? 0,
      commit: status.commit,
    });
    if (type === 'done') return this.list();
    // A new member must start from a snapshot (it carries the configuration).
    if (type === 'add-learner') await this.host.ensureSnapshot();
    const result = this.host.proposeConfChange({ type, node: change.id, ...(type === 'add-learner' ? { context: change.address } : {}) });
    if (!result.ok) throw new UnavailableError(`the change was refused: ${result.detail ?? result.reason}`);
    const deadline = Date.now() + MEMBERSHIP_TIMEOUT_MS;
    while (!changeInEffect(this.host.appliedConf(), type, change.id)) {
      if (Date.now() > deadline || this.host.stopped()) throw new UnavailableError('the membership change was not applied in time; check `quorumkv members list`');
      await this.host.appliedOrTimeout(deadline - Date.now());
    }
    return this.host.raftStatus().role === 'leader' ? this.list() : { header: this.host.header(), leader: '', members: [] };
  }

  /** Keeps the address book and the transport in step with a committed membership change. */
  async applyCommitted(entry: Entry): Promise<void> {
    const change = decodeConfChange(entry.data);
    if (!change) return;
    if (change.type === 'add-learner' && change.context) await this.addresses.set(change.node, change.context);
    if (change.type === 'remove-node' && change.node !== this.selfId) {
      await this.addresses.delete(change.node);
      // Added again later, it may come with a new data directory: that one is then its incarnation.
      await this.host.forgetIncarnation(change.node);
    }
    this.transport.setPeers(this.addresses.entries());
  }
}
