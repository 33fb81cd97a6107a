import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI_ENTRY } from '../../src/proto/root.js';
import { REPO_ROOT } from './render.js';

// The Secrets the manifests mount, made the documented way: k8s/make-certs.sh with this
// checkout's quorumkv. Each Secret is a folder of its keys (tls.crt, tls.key, ca.crt).

export const MAKE_CERTS = join(REPO_ROOT, 'k8s', 'make-certs.sh');

/** Runs k8s/make-certs.sh into `dir`; returns the folder that holds one folder per Secret. */
export function makeCerts(dir: string, namespace = 'quorumkv'): string {
  execFileSync('sh', [MAKE_CERTS, dir, namespace], { env: { ...process.env, QUORUMKV: `${process.execPath} ${CLI_ENTRY}` }, stdio: 'pipe', timeout: 60_000 });
  return dir;
}

/** A container's Secret mounts: mount path → the Secret's name. */
export function secretMounts(spec: any, container: any): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const mount of container.volumeMounts ?? []) {
    const volume = (spec.volumes ?? []).find((v: any) => v.name === mount.name);
    if (volume?.secret) mounts.set(mount.mountPath, volume.secret.secretName);
  }
  return mounts;
}

/** `args` with paths under a mount replaced by the same path under `dirs[mountPath]`. */
export function underMounts(args: string[], dirs: Map<string, string>): string[] {
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    const [prefix, value] = eq >= 0 ? [arg.slice(0, eq + 1), arg.slice(eq + 1)] : ['', arg];
    const mount = [...dirs.keys()].sort((a, b) => b.length - a.length).find((m) => value === m || value.startsWith(`${m}/`));
    return mount ? `${prefix}${dirs.get(mount)}${value.slice(mount.length)}` : arg;
  });
}

/** What each server process must be given, whatever its role: TLS from files, never plaintext. */
export const TLS_FILE_FLAGS = ['cert-file', 'key-file', 'trusted-ca-file'] as const;
