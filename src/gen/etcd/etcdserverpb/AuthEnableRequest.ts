// Original file: proto/etcd/etcdserverpb/rpc.proto


export interface AuthEnableRequest {
}

export interface AuthEnableRequest__Output {
}
