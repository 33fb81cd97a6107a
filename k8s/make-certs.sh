#!/bin/sh
# Makes the certificates the manifests mount, with `quorumkv cert`: a cluster CA, one certificate
# per role (storage, writer, reader, gateway: every pod of a role presents the same one, since
# peers are checked by the role in the certificate, not by name) and one for the root user.
# Each is written as a folder named after the Secret that holds it, with the keys the pods read:
#   OUT/quorumkv-ROLE-tls/{tls.crt,tls.key,ca.crt}, OUT/quorumkv-client-root-tls/{tls.crt,tls.key,ca.crt}
# The CA and its key stay in OUT/ca: keep that folder offline, it is needed only to issue more.
#
#   k8s/make-certs.sh OUT [NAMESPACE]        (NAMESPACE: quorumkv by default; only in host names)
#   for dir in OUT/quorumkv-*-tls; do
#     kubectl -n quorumkv create secret generic "$(basename "$dir")" --from-file="$dir"
#   done
#
# deploy/compose.yaml mounts the same folders from deploy/certs: k8s/make-certs.sh deploy/certs.
# QUORUMKV names the command to run (default: npx quorumkv).
set -eu

OUT=${1:?usage: k8s/make-certs.sh OUT_DIR [NAMESPACE]}
NAMESPACE=${2:-quorumkv}
QUORUMKV=${QUORUMKV:-npx quorumkv}
CA="$OUT/ca"

mkdir -p "$CA"
chmod 700 "$CA"
$QUORUMKV cert create-ca --certs-dir "$CA"

# secret NAME CERT KEY: the Secret's folder, from one certificate of the CA folder.
secret() {
  mkdir -p "$OUT/$1"
  cp "$CA/$2" "$OUT/$1/tls.crt"
  cp "$CA/$3" "$OUT/$1/tls.key"
  cp "$CA/ca.crt" "$OUT/$1/ca.crt"
  chmod 600 "$OUT/$1/tls.key"
}

# role_certificate ROLE HOST...: the role's certificate (common name = the role) with these names; writers and
# readers are reached at pod IPs no certificate can list, and every link checks the role, not the name.
role_certificate() {
  role=$1
  shift
  $QUORUMKV cert create-node "$role" "$role" "$@" --certs-dir "$CA"
  secret "quorumkv-$role-tls" "$role.$role.crt" "$role.$role.key"
}

role_certificate storage "*.quorumkv-storage" "*.quorumkv-storage.$NAMESPACE.svc" "*.quorumkv-storage.$NAMESPACE.svc.cluster.local"
role_certificate writer quorumkv-writer
role_certificate reader quorumkv-reader
role_certificate gateway quorumkv "quorumkv.$NAMESPACE.svc" quorumkv-reader "quorumkv-reader.$NAMESPACE.svc" localhost 127.0.0.1
$QUORUMKV cert create-client root --certs-dir "$CA"
secret quorumkv-client-root-tls client.root.crt client.root.key
