// Original file: proto/etcd/etcdserverpb/rpc.proto


export interface DefragmentRequest {
}

export interface DefragmentRequest__Output {
}
