// Original file: proto/quorumkv/internal/v1/storage.proto


export interface MembershipChange {
  /**
   * add-learner, promote-learner or remove-node.
   */
  'type'?: (string);
  'id'?: (string);
  'address'?: (string);
}

export interface MembershipChange__Output {
  /**
   * add-learner, promote-learner or remove-node.
   */
  'type': (string);
  'id': (string);
  'address': (string);
}
