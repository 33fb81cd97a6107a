import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Entry as _quorumkv_internal_v1_Entry, Entry__Output as _quorumkv_internal_v1_Entry__Output } from './quorumkv/internal/v1/Entry.js';
import type { InstallSnapshotResponse as _quorumkv_internal_v1_InstallSnapshotResponse, InstallSnapshotResponse__Output as _quorumkv_internal_v1_InstallSnapshotResponse__Output } from './quorumkv/internal/v1/InstallSnapshotResponse.js';
import type { KeyValuePair as _quorumkv_internal_v1_KeyValuePair, KeyValuePair__Output as _quorumkv_internal_v1_KeyValuePair__Output } from './quorumkv/internal/v1/KeyValuePair.js';
import type { Message as _quorumkv_internal_v1_Message, Message__Output as _quorumkv_internal_v1_Message__Output } from './quorumkv/internal/v1/Message.js';
import type { MessageBatch as _quorumkv_internal_v1_MessageBatch, MessageBatch__Output as _quorumkv_internal_v1_MessageBatch__Output } from './quorumkv/internal/v1/MessageBatch.js';
import type { RaftClient as _quorumkv_internal_v1_RaftClient, RaftDefinition as _quorumkv_internal_v1_RaftDefinition } from './quorumkv/internal/v1/Raft.js';
import type { SnapshotChunk as _quorumkv_internal_v1_SnapshotChunk, SnapshotChunk__Output as _quorumkv_internal_v1_SnapshotChunk__Output } from './quorumkv/internal/v1/SnapshotChunk.js';
import type { StepResponse as _quorumkv_internal_v1_StepResponse, StepResponse__Output as _quorumkv_internal_v1_StepResponse__Output } from './quorumkv/internal/v1/StepResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  quorumkv: {
    internal: {
      v1: {
        Entry: MessageTypeDefinition<_quorumkv_internal_v1_Entry, _quorumkv_internal_v1_Entry__Output>
        InstallSnapshotResponse: MessageTypeDefinition<_quorumkv_internal_v1_InstallSnapshotResponse, _quorumkv_internal_v1_InstallSnapshotResponse__Output>
        KeyValuePair: MessageTypeDefinition<_quorumkv_internal_v1_KeyValuePair, _quorumkv_internal_v1_KeyValuePair__Output>
        Message: MessageTypeDefinition<_quorumkv_internal_v1_Message, _quorumkv_internal_v1_Message__Output>
        MessageBatch: MessageTypeDefinition<_quorumkv_internal_v1_MessageBatch, _quorumkv_internal_v1_MessageBatch__Output>
        Raft: SubtypeConstructor<typeof grpc.Client, _quorumkv_internal_v1_RaftClient> & { service: _quorumkv_internal_v1_RaftDefinition }
        SnapshotChunk: MessageTypeDefinition<_quorumkv_internal_v1_SnapshotChunk, _quorumkv_internal_v1_SnapshotChunk__Output>
        StepResponse: MessageTypeDefinition<_quorumkv_internal_v1_StepResponse, _quorumkv_internal_v1_StepResponse__Output>
      }
    }
  }
}

