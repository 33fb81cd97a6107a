// Original file: proto/etcd/etcdserverpb/rpc.proto


export interface MemberListRequest {
}

export interface MemberListRequest__Output {
}
