// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface MemberStatus {
  /**
   * storage, writer, reader or gateway.
   */
  'role'?: (string);
  'id'?: (string);
  'address'?: (string);
  'pid'?: (number);
  'zone'?: (string);
  /**
   * Storage members: whether this member is the raft leader.
   */
  'leader'?: (boolean);
  'term'?: (number | string | Long);
  'commitIndex'?: (number | string | Long);
  'appliedIndex'?: (number | string | Long);
  'healthy'?: (boolean);
  /**
   * Why a member is not healthy, when it is not.
   */
  'error'?: (string);
  /**
   * Storage members: a hash of the applied state at hash_revision (equal data, equal hash).
   */
  'hash'?: (string);
  'hashRevision'?: (number | string | Long);
  /**
   * Storage members: the store revision applied. Reader nodes: the revision followed.
   */
  'revision'?: (number | string | Long);
  /**
   * Reader nodes: how far behind the log they are, in revisions and in milliseconds.
   */
  'lagRevisions'?: (number | string | Long);
  'lagMs'?: (number | string | Long);
  /**
   * Storage members: the first index still in the raft log, and the latest snapshot's index.
   */
  'firstIndex'?: (number | string | Long);
  'snapshotIndex'?: (number | string | Long);
  /**
   * Where the process serves /metrics (HOST:PORT; a wildcard host means the host of `address`).
   */
  'metricsAddress'?: (string);
  /**
   * The quorumkv version the process runs (package.json's).
   */
  'version'?: (string);
  /**
   * Storage members: bytes in the data directory (LevelDB's files: raft log, state, snapshots).
   */
  'dbSizeBytes'?: (number | string | Long);
  /**
   * Storage members: whether this member is a learner (receives the log, does not vote).
   */
  'learner'?: (boolean);
}

export interface MemberStatus__Output {
  /**
   * storage, writer, reader or gateway.
   */
  'role': (string);
  'id': (string);
  'address': (string);
  'pid': (number);
  'zone': (string);
  /**
   * Storage members: whether this member is the raft leader.
   */
  'leader': (boolean);
  'term': (number);
  'commitIndex': (number);
  'appliedIndex': (number);
  'healthy': (boolean);
  /**
   * Why a member is not healthy, when it is not.
   */
  'error': (string);
  /**
   * Storage members: a hash of the applied state at hash_revision (equal data, equal hash).
   */
  'hash': (string);
  'hashRevision': (number);
  /**
   * Storage members: the store revision applied. Reader nodes: the revision followed.
   */
  'revision': (number);
  /**
   * Reader nodes: how far behind the log they are, in revisions and in milliseconds.
   */
  'lagRevisions': (number);
  'lagMs': (number);
  /**
   * Storage members: the first index still in the raft log, and the latest snapshot's index.
   */
  'firstIndex': (number);
  'snapshotIndex': (number);
  /**
   * Where the process serves /metrics (HOST:PORT; a wildcard host means the host of `address`).
   */
  'metricsAddress': (string);
  /**
   * The quorumkv version the process runs (package.json's).
   */
  'version': (string);
  /**
   * Storage members: bytes in the data directory (LevelDB's files: raft log, state, snapshots).
   */
  'dbSizeBytes': (number);
  /**
   * Storage members: whether this member is a learner (receives the log, does not vote).
   */
  'learner': (boolean);
}
