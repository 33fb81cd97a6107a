// Original file: proto/etcd/etcdserverpb/rpc.proto


export interface AuthUserListRequest {
}

export interface AuthUserListRequest__Output {
}
