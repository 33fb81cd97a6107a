// Original file: proto/etcd/etcdserverpb/rpc.proto


export interface AuthDisableRequest {
}

export interface AuthDisableRequest__Output {
}
