import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { NotLeaderError, UnavailableError } from '../errors.js';
import { fromServiceError, isServiceError, statusOf } from '../rpc/status.js';
import { errorFromStatus, Status } from '../rpc/status-codes.js';
import { metadataValue, startUnaryCall } from '../rpc/h2-unary.js';
import type { NodeInfo__Output } from '../gen/quorumkv/internal/v1/NodeInfo.js';
import type { NodeList__Output } from '../gen/quorumkv/internal/v1/NodeList.js';
import type { HashKVResponse__Output } from '../gen/quorumkv/internal/v1/HashKVResponse.js';
import type { MemberStatus__Output } from '../gen/quorumkv/v1/MemberStatus.js';
import type { MemberListResponse__Output } from '../gen/quorumkv/v1/MemberListResponse.js';
import type { MembershipBackend } from '../rpc/membership-service.js';
import { Storage, type StorageClient } from '../proto/services.js';
import { STORAGE_CHANNEL_OPTIONS } from '../storage/peer-limits.js';
import { STORAGE_ROLES } from '../security/roles.js';
import { peerChannelCredentials } from '../security/transport-security.js';
import { memberStatus } from '../rpc/cluster-service.js';
import { wasNeverSent } from '../rpc/never-sent.js';
import { LinkPinger } from '../rpc/link-pinger.js';
import { HedgeDelay } from './hedge-delay.js';

// How a compute node reaches the storage tier. Appends and linearizable reads go to the member
// believed to lead (a follower would forward them, at the cost of a hop); serializable reads
// rotate over members. A refusal that proves nothing was proposed (NotLeaderError) is retried
// on another member until the deadline; any other failure is returned, since a write's outcome
// is then unknown. A call to a member that goes silent (stops answering PINGs) is given up on
// then, not when the transport's keepalive notices, so a cut link costs well under a second.
// The hot calls (reads, appends) skip grpc-js: `encodedCall` sends encoded bytes on the member's
// PINGed link over node:http2 and hands back the encoded answer, for a fraction of the CPU.

const RETRY_BACKOFF_MS = [20, 50, 100, 200, 300];
/** A member that answered a probe this recently is tried before those that did not. */
const ANSWERING_WITHIN_MS = 500;
/** A member that answered no PING for this long while calls to it are out is given up on. */
export const SILENT_AFTER_MS = 600;

/** Room on a member's link for the answers of calls on it (reads up to the response limit). */
const LINK_SESSION_MEMORY_MB = 64;
const USER_AGENT = 'quorumkv-node';

/** One call on a storage member (its grpc-js `client`, or its link), completing through `done`; what it returns can be cancelled. */
export type StorageCall<Res> = (
  member: StorageMemberHandle,
  options: { deadline: number },
  done: (error: grpc.ServiceError | Error | null, response?: Res) => void,
) => { cancel(): void } | void;

/**
 * A unary call on the member's link, `request` already encoded; the answer is the encoded
 * response. A refusal comes back as the same error class grpc-js's would (status-codes.ts).
 */
export function encodedCall(method: { path: string }, request: Buffer): StorageCall<Buffer> {
  return (member, options, done) => {
    const call = startUnaryCall(member.pinger.connection(), method.path, request, options.deadline, USER_AGENT);
    void call.answer.then((answer) => {
      if (answer.code === Status.OK) done(null, answer.message!);
      else done(errorFromStatus(answer.code, answer.details, (key) => metadataValue(answer.metadata, key), answer));
    });
    return call;
  };
}

export interface StorageMemberHandle {
  id: string;
  address: string;
  client: StorageClient;
  /** Whether the member answers at all (see pingAll); its connection also carries `encodedCall`s. */
  pinger: LinkPinger;
}

export class StorageRouter {
  readonly members: StorageMemberHandle[];
  private leaderGuess = 0;

  /** The member this node prefers for serializable reads and for following the log. */
  private home = 0;

  /** Each member's latest report, from `probe`, and when it last answered at all. */
  private readonly reports = new Map<string, MemberStatus__Output>();
  private readonly answeredAt = new Map<string, number>();
  private readonly probing = new Set<string>();
  /** How to give up each call that is out, by member. */
  private readonly outstanding = new Map<StorageMemberHandle, Set<(error: Error) => void>>();
  private readonly hedgeDelay = new HedgeDelay();

  constructor(addresses: ReadonlyMap<string, string>) {
    this.members = [...addresses].map(([id, address]) => memberHandle(id, address));
    if (this.members.length === 0) throw new Error('no storage members given');
  }

  get homeMember(): StorageMemberHandle {
    return this.members[this.home];
  }

  /** Prefers the member with this id (e.g. the one in this node's zone). */
  setHome(id: string): void {
    const index = this.members.findIndex((m) => m.id === id);
    if (index >= 0) this.home = index;
  }

  /**
   * With no member in this node's zone: a home picked by this node's id, so the nodes of a
   * cluster spread their replica reads and follows over the members instead of all loading
   * (and all stalling with) the first one listed.
   */
  spreadHome(nodeId: string): void {
    const ids = this.members.map((m) => m.id).sort();
    this.setHome(ids[homeIndexFor(nodeId, ids.length)]);
  }

  /** The home member failed: prefer the next one. */
  moveHome(): void {
    this.home = (this.home + 1) % this.members.length;
  }

  /** Calls an idempotent `method` on the home member, then on the others while members fail. */
  toHome<Res>(deadline: number, call: StorageCall<Res>): Promise<Res> {
    return this.tryInTurn(this.home, deadline, call);
  }

  /**
   * A read any replica may serve: sent to the home member (or, if it stopped answering, to one
   * that answers), then also to the next one if no answer came within the hedge delay; the first
   * answer wins. A member that refuses (no leader for a staleness bound, unavailable) passes the
   * read on at once. Any other error is the read's answer; if every member refuses, the first
   * refusal is.
   */
  toReplica<Res>(deadline: number, call: StorageCall<Res>): Promise<Res> {
    const order = this.replicaOrder();
    return new Promise<Res>((resolve, reject) => {
      let next = 0;
      let outstanding = 0;
      let settled = false;
      let firstError: unknown;
      let hedge: NodeJS.Timeout | undefined;
      const settle = (finish: () => void) => {
        settled = true;
        clearTimeout(hedge);
        finish();
      };
      const launch = (): boolean => {
        if (settled || next >= order.length || Date.now() >= deadline) return false;
        const member = order[next++];
        outstanding++;
        const startedMs = performance.now();
        this.invoke(member, deadline, call).then(
          (response) => {
            if (settled) return;
            this.hedgeDelay.record(performance.now() - startedMs);
            settle(() => resolve(response));
          },
          (error: unknown) => {
            outstanding--;
            // The first refusal is the answer if all refuse: it comes from the member tried first,
            // one that answers, rather than from a silent one given up on later.
            firstError ??= error;
            if (settled) return;
            if (!(error instanceof UnavailableError || error instanceof NotLeaderError)) settle(() => reject(error));
            else if (!launch() && outstanding === 0) settle(() => reject(firstError));
          },
        );
        return true;
      };
      launch();
      hedge = setTimeout(launch, this.hedgeDelay.currentMs);
    });
  }

  /** Home first if it answers, then the other members that answer, then the rest. */
  private replicaOrder(): StorageMemberHandle[] {
    const answering = new Set(this.members.filter((m) => this.answeredSince(m, Date.now() - ANSWERING_WITHIN_MS)));
    const rotated = this.members.map((_, i) => this.members[(this.home + i) % this.members.length]);
    return [...rotated.filter((m) => answering.has(m)), ...rotated.filter((m) => !answering.has(m))];
  }

  /** Calls `method` on the likely leader, following leader hints and refusals until `deadline`. */
  async toLeader<Res>(deadline: number, call: StorageCall<Res>): Promise<Res> {
    for (let attempt = 0; ; attempt++) {
      const member = this.leaderOrAnswering();
      try {
        return await this.invoke(member, deadline, call);
      } catch (error) {
        const retryable = error instanceof NotLeaderError || neverSent(error);
        this.moveLeaderGuess(error instanceof NotLeaderError ? error.leaderHint : '', member);
        if (!retryable || Date.now() + backoffMs(attempt) >= deadline) throw error;
        await sleep(backoffMs(attempt));
      }
    }
  }

  /**
   * The member believed to lead, unless it went silent while another still answers: a follower
   * forwards proposals and read-index requests to its leader, so it serves a cut-off link's calls.
   */
  private leaderOrAnswering(): StorageMemberHandle {
    const guess = this.members[this.leaderGuess];
    const since = Date.now() - SILENT_AFTER_MS;
    if (guess.pinger.lastAnswerAt === 0 || this.answeredSince(guess, since)) return guess;
    return this.members.find((m) => this.answeredSince(m, since)) ?? guess;
  }

  private async tryInTurn<Res>(first: number, deadline: number, call: StorageCall<Res>): Promise<Res> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.members.length * 2 && Date.now() < deadline; attempt++) {
      const member = this.members[(first + attempt) % this.members.length];
      try {
        return await this.invoke(member, deadline, call);
      } catch (error) {
        if (!(error instanceof UnavailableError || error instanceof NotLeaderError)) throw error;
        lastError = error;
      }
    }
    throw lastError ?? new UnavailableError('no storage member answered before the deadline');
  }

  /** Each member's own report; unreachable members are reported unhealthy with the reason. */
  async describeAll(timeoutMs: number): Promise<MemberStatus__Output[]> {
    return Promise.all(this.members.map((member) => this.describe(member, timeoutMs)));
  }

  /** One member's report, remembered; an unreachable member is reported unhealthy with the reason. */
  private describe(member: StorageMemberHandle, timeoutMs: number): Promise<MemberStatus__Output> {
    return this.invoke<MemberStatus__Output>(member, Date.now() + timeoutMs, (m, o, done) => m.client.describe({}, o, done)).then(
      (status) => {
        this.reports.set(member.id, status);
        this.answeredAt.set(member.id, Date.now());
        return status;
      },
      (error: Error) => {
        const report = unreachable(member, error);
        this.reports.set(member.id, report);
        return report;
      },
    );
  }

  /**
   * Every member's report with a hash of its applied state at one common revision (the lowest
   * current revision among the members that answer), so equal data shows as equal hashes.
   */
  async describeWithHashes(timeoutMs: number): Promise<MemberStatus__Output[]> {
    // Reports first, within a third of the budget; hashing a large state takes the rest.
    const statuses = await this.describeAll(timeoutMs / 3);
    const deadline = Date.now() + (2 * timeoutMs) / 3;
    const hashAt = (member: StorageMemberHandle, revision: number) =>
      this.invoke<HashKVResponse__Output>(member, deadline, (m, o, done) => m.client.hashKv({ revision }, o, done)).catch(() => undefined);
    const current = await Promise.all(this.members.map((m, i) => (statuses[i].healthy ? hashAt(m, 0) : undefined)));
    const revisions = current.filter((h) => h !== undefined).map((h) => h!.currentRevision);
    if (revisions.length === 0) return statuses;
    const common = Math.min(...revisions);
    const hashes = await Promise.all(this.members.map((m, i) => (current[i] ? hashAt(m, common) : undefined)));
    return statuses.map((status, i) => (hashes[i] ? { ...status, hash: hashes[i]!.hash, hashRevision: hashes[i]!.revision } : status));
  }

  /** Adds the storage members the leader knows and this router does not (after membership changes). */
  async learnMembers(timeoutMs: number): Promise<void> {
    const list = await this.toLeader<MemberListResponse__Output>(Date.now() + timeoutMs, (m, o, done) => m.client.members({}, o, done)).catch(() => undefined);
    for (const member of list?.members ?? []) {
      if (!member.address || this.members.some((m) => m.id === member.id)) continue;
      this.members.push(memberHandle(member.id, member.address));
    }
  }

  /** The compute nodes registered with the home member (another member if it fails). */
  async listNodes(timeoutMs: number): Promise<NodeInfo__Output[]> {
    const list = await this.toHome<NodeList__Output>(Date.now() + timeoutMs, (m, o, done) => m.client.listNodes({}, o, done));
    return list.nodes;
  }

  /** Membership calls, answered by the storage leader. */
  membership(timeoutMs: number): MembershipBackend {
    return {
      list: () => this.toLeader<MemberListResponse__Output>(Date.now() + timeoutMs, (m, o, done) => m.client.members({}, o, done)),
      change: (type, id, address) =>
        this.toLeader<MemberListResponse__Output>(Date.now() + timeoutMs, (m, o, done) => m.client.changeMembers({ type, id, address }, o, done)),
    };
  }

  /**
   * Asks every member for its report without waiting for the answers; a member whose last probe
   * is still out is skipped, so a blackholed member holds up nobody. Answers aim at the leader.
   */
  probe(timeoutMs: number): void {
    for (const [index, member] of this.members.entries()) {
      if (this.probing.has(member.id)) continue;
      this.probing.add(member.id);
      void this.describe(member, timeoutMs)
        .then((status) => {
          if (status.leader && status.healthy) this.leaderGuess = index;
        })
        .finally(() => this.probing.delete(member.id));
    }
  }

  /**
   * PINGs every member; an acknowledged PING counts as an answer (answeredWithin). Calls out to
   * a member that has gone silent are given up on with UNAVAILABLE: their outcome is unknown, and
   * the caller decides whether to send them again (appends may: request ids make a repeat safe).
   */
  pingAll(timeoutMs: number): void {
    const since = Date.now() - SILENT_AFTER_MS;
    for (const member of this.members) {
      member.pinger.ping(timeoutMs);
      const calls = this.outstanding.get(member);
      if (!calls?.size || member.pinger.lastAnswerAt === 0 || this.answeredSince(member, since)) continue;
      const error = new UnavailableError(`storage member ${member.id} stopped answering while a call to it was out; its outcome is unknown`);
      for (const giveUp of [...calls]) giveUp(error);
    }
  }

  /** The latest report of every member (unreachable until its first answer). */
  latestReports(): MemberStatus__Output[] {
    return this.members.map((m) => this.reports.get(m.id) ?? unreachable(m, new Error('no answer yet')));
  }

  /** How many members answered within the last `withinMs`, whether or not they know a leader. */
  answeredWithin(withinMs: number): number {
    return this.members.filter((m) => this.answeredSince(m, Date.now() - withinMs)).length;
  }

  /** How many members answered within the last `withinMs` and, in their latest report, knew a leader. */
  answeringWithLeader(withinMs: number): number {
    return this.members.filter((m) => this.answeredSince(m, Date.now() - withinMs) && this.reports.get(m.id)?.healthy === true).length;
  }

  private answeredSince(member: StorageMemberHandle, since: number): boolean {
    return Math.max(this.answeredAt.get(member.id) ?? 0, member.pinger.lastAnswerAt) >= since;
  }

  /** Asks every member for its report and aims at the leader they name. */
  async refreshLeader(timeoutMs: number): Promise<MemberStatus__Output[]> {
    const statuses = await this.describeAll(timeoutMs);
    const leader = statuses.findIndex((s) => s.leader && s.healthy);
    if (leader >= 0) this.leaderGuess = leader;
    return statuses;
  }

  close(): void {
    for (const member of this.members) {
      member.client.close();
      member.pinger.close();
    }
  }

  /** Calls `call` on `member`, to be given up on if the member goes silent (see pingAll). */
  private invoke<Res>(member: StorageMemberHandle, deadline: number, call: StorageCall<Res>): Promise<Res> {
    return new Promise((resolve, reject) => {
      let calls = this.outstanding.get(member);
      if (!calls) this.outstanding.set(member, (calls = new Set()));
      const finish = (settle: () => void) => {
        if (!calls.delete(giveUp)) return;
        settle();
      };
      const giveUp = (error: Error) => finish(() => {
        reject(error);
        pending?.cancel();
      });
      calls.add(giveUp);
      const pending = call(member, { deadline }, (error, response) =>
        finish(() => (error ? reject(isServiceError(error) ? fromServiceError(error) : error) : resolve(response as Res))),
      );
    });
  }

  private moveLeaderGuess(hint: string, failed: StorageMemberHandle): void {
    const hinted = this.members.findIndex((m) => m.id === hint);
    if (hinted >= 0 && this.members[hinted] !== failed) this.leaderGuess = hinted;
    else if (this.members[this.leaderGuess] === failed) this.leaderGuess = (this.leaderGuess + 1) % this.members.length;
  }
}

/** Which of `count` members (sorted by id) is home to the node `nodeId`: a hash of the id, so every start picks the same. */
export function homeIndexFor(nodeId: string, count: number): number {
  return createHash('sha256').update(nodeId).digest().readUInt32BE(0) % count;
}

function memberHandle(id: string, address: string): StorageMemberHandle {
  return { id, address, client: new Storage(address, peerChannelCredentials(STORAGE_ROLES), STORAGE_CHANNEL_OPTIONS), pinger: new LinkPinger(address, STORAGE_ROLES, LINK_SESSION_MEMORY_MB) };
}


function unreachable(member: StorageMemberHandle, error: Error): MemberStatus__Output {
  return memberStatus({ role: 'storage', id: member.id, address: member.address, error: error.message });
}

function neverSent(error: unknown): boolean {
  return error instanceof UnavailableError && wasNeverSent(statusOf(error), error.message);
}

function backoffMs(attempt: number): number {
  return RETRY_BACKOFF_MS[Math.min(attempt, RETRY_BACKOFF_MS.length - 1)];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
