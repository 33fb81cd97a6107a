// Original file: proto/quorumkv/internal/v1/storage.proto

import type { NodeInfo as _quorumkv_internal_v1_NodeInfo, NodeInfo__Output as _quorumkv_internal_v1_NodeInfo__Output } from '../../../quorumkv/internal/v1/NodeInfo.js';

export interface NodeList {
  'nodes'?: (_quorumkv_internal_v1_NodeInfo)[];
}

export interface NodeList__Output {
  'nodes': (_quorumkv_internal_v1_NodeInfo__Output)[];
}
