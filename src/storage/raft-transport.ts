import * as grpc from '@grpc/grpc-js';
import type { Message, NodeId, Transport } from '../consensus/types.js';
import type { Message as WireMessage, Message__Output } from '../gen/quorumkv/internal/v1/Message.js';
import type { MessageBatch } from '../gen/quorumkv/internal/v1/MessageBatch.js';
import { Raft, type RaftClient } from '../proto/services.js';
import { STORAGE_ROLES } from '../security/roles.js';
import { peerChannelCredentials } from '../security/transport-security.js';
import { BATCH_FIELDS_BYTES, frameMessages } from './message-frames.js';
import { isLeaderReplication } from './peer-admission.js';
import { STORAGE_CHANNEL_OPTIONS, PEER_FRAME_BYTES } from './peer-limits.js';

// Sends consensus messages to peers over one long-lived gRPC stream per peer, so batches arrive
// in order and cost no call set-up. The messages of one send to a peer go in frames that stay
// under the gRPC limit between members (message-frames.ts). Delivery is best-effort, as Raft expects: while a peer's
// stream is full (the peer is slow, paused or gone), batches for it are dropped instead of
// queued, so a stuck peer cannot make this member buffer without bound. A broken stream is
// opened again on the next send.

/** The wire message and the core's message have the same fields; this copies one into the other. */
function copyMessage(message: Message | Message__Output): Message {
  return {
    type: message.type,
    from: message.from,
    to: message.to,
    term: message.term,
    logTerm: message.logTerm,
    index: message.index,
    entries: message.entries.map((e) => ({ term: e.term, index: e.index, type: e.type, data: e.data })),
    commit: message.commit,
    reject: message.reject,
    rejectHint: message.rejectHint,
    context: message.context,
  };
}

export const toWire: (message: Message) => WireMessage = copyMessage;
export const fromWire: (message: Message__Output) => Message = copyMessage;

/** Most the incarnations in `known` take in a MessageBatch (each entry: its strings and a few bytes of framing). */
function knownBytes(known: Readonly<Record<string, string>> | undefined): number {
  let bytes = 0;
  for (const [id, incarnation] of Object.entries(known ?? {})) bytes += 8 + Buffer.byteLength(id) + Buffer.byteLength(incarnation);
  return bytes;
}

interface Peer {
  address: string;
  client: RaftClient;
  stream: grpc.ClientWritableStream<MessageBatch> | undefined;
  /** The stream's buffer is full: drop until it drains. */
  full: boolean;
}

export class GrpcRaftTransport implements Transport {
  private readonly peers = new Map<NodeId, Peer>();
  /** This member's incarnation, sent with every batch (incarnations.ts). */
  private incarnation = '';
  /** While this member leads: the incarnations it vouches for, sent with its appends and heartbeats. */
  private knownIncarnations: () => Readonly<Record<string, string>> | undefined = () => undefined;

  constructor(
    private readonly cluster: string,
    private readonly self: NodeId,
    addresses: ReadonlyMap<NodeId, string>,
    private readonly onDropped: (messages: number) => void = () => {},
  ) {
    this.setPeers(addresses);
  }

  /** Follows membership changes: new peers get a connection, removed ones lose theirs. */
  setPeers(addresses: ReadonlyMap<NodeId, string>): void {
    for (const [id, peer] of this.peers) {
      if (addresses.get(id) !== peer.address) {
        peer.stream?.end();
        peer.client.close();
        this.peers.delete(id);
      }
    }
    for (const [id, address] of addresses) {
      if (id === this.self || this.peers.has(id)) continue;
      this.peers.set(id, { address, client: new Raft(address, peerChannelCredentials(STORAGE_ROLES), STORAGE_CHANNEL_OPTIONS), stream: undefined, full: false });
    }
  }

  setIncarnation(incarnation: string): void {
    this.incarnation = incarnation;
  }

  setKnownIncarnations(known: () => Readonly<Record<string, string>> | undefined): void {
    this.knownIncarnations = known;
  }

  /** The peers this member sends to, by id. */
  peerAddresses(): Map<NodeId, string> {
    return new Map([...this.peers].map(([id, peer]) => [id, peer.address]));
  }

  send(messages: Message[]): void {
    const byPeer = new Map<NodeId, Message[]>();
    for (const message of messages) {
      const list = byPeer.get(message.to) ?? [];
      list.push(message);
      byPeer.set(message.to, list);
    }
    const known = messages.some(isLeaderReplication) ? this.knownIncarnations() : undefined;
    const budget = PEER_FRAME_BYTES - BATCH_FIELDS_BYTES - Buffer.byteLength(this.cluster) - Buffer.byteLength(this.incarnation) - knownBytes(known);
    for (const [to, list] of byPeer) {
      for (const frame of frameMessages(list, budget)) this.sendBatch(to, frame.map(toWire), frame.some(isLeaderReplication) ? known : undefined);
    }
  }

  close(): void {
    for (const peer of this.peers.values()) {
      peer.stream?.end();
      peer.client.close();
    }
  }

  private sendBatch(to: NodeId, messages: WireMessage[], knownIncarnations: Readonly<Record<string, string>> | undefined): void {
    const peer = this.peers.get(to);
    if (!peer || peer.full) {
      this.onDropped(messages.length);
      return;
    }
    const stream = peer.stream ?? this.open(peer);
    if (!stream.write({ cluster: this.cluster, messages, incarnation: this.incarnation, ...(knownIncarnations ? { knownIncarnations } : {}) })) {
      peer.full = true;
      stream.once('drain', () => (peer.full = false));
    }
  }

  private open(peer: Peer): grpc.ClientWritableStream<MessageBatch> {
    const stream = peer.client.stepStream(() => {
      // The stream ended (peer restarted, connection lost): the next send opens a new one.
      if (peer.stream === stream) {
        peer.stream = undefined;
        peer.full = false;
      }
    });
    peer.stream = stream;
    return stream;
  }
}
