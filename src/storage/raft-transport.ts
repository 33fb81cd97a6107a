import * as grpc from '@grpc/grpc-js';
import type { Message, NodeId, Transport } from '../consensus/types.js';
import type { Message as WireMessage, Message__Output } from '../gen/quorumkv/internal/v1/Message.js';
import { Raft, type RaftClient } from '../proto/services.js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';

// Sends consensus messages to peers over gRPC: one Step call per peer per batch. Delivery is
// best-effort, as Raft expects; a peer with too many calls in flight gets the batch dropped
// instead of queued, so a dead or slow peer cannot make this member buffer without bound.

const MAX_IN_FLIGHT_BATCHES_PER_PEER = 64;
const STEP_DEADLINE_MS = 5_000;

export function toWire(message: Message): WireMessage {
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

export function fromWire(message: Message__Output): Message {
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

interface Peer {
  client: RaftClient;
  inFlight: number;
}

export class GrpcRaftTransport implements Transport {
  private readonly peers = new Map<NodeId, Peer>();
  dropped = 0;

  constructor(
    private readonly cluster: string,
    addresses: ReadonlyMap<NodeId, string>,
  ) {
    for (const [id, address] of addresses) {
      this.peers.set(id, { client: new Raft(address, grpc.credentials.createInsecure(), CLIENT_OPTIONS), inFlight: 0 });
    }
  }

  send(messages: Message[]): void {
    const byPeer = new Map<NodeId, WireMessage[]>();
    for (const message of messages) {
      const list = byPeer.get(message.to) ?? [];
      list.push(toWire(message));
      byPeer.set(message.to, list);
    }
    for (const [to, batch] of byPeer) this.sendBatch(to, batch);
  }

  private sendBatch(to: NodeId, messages: WireMessage[]): void {
    const peer = this.peers.get(to);
    if (!peer || peer.inFlight >= MAX_IN_FLIGHT_BATCHES_PER_PEER) {
      this.dropped += messages.length;
      return;
    }
    peer.inFlight++;
    peer.client.step({ cluster: this.cluster, messages }, { deadline: Date.now() + STEP_DEADLINE_MS }, () => {
      peer.inFlight--;
    });
  }

  close(): void {
    for (const peer of this.peers.values()) peer.client.close();
  }
}
