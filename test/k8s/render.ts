import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OVERLAYS = ['dev', 'production'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** A rendered Kubernetes object, as YAML gives it. */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };

/** How to run kustomize here: `kubectl kustomize DIR` or `kustomize build DIR`; undefined when neither is installed. */
export function findKustomize(): string[] | undefined {
  for (const candidate of [['kubectl', 'kustomize'], ['kustomize', 'build']]) {
    const probe = spawnSync(candidate[0], candidate[0] === 'kubectl' ? ['version', '--client'] : ['version'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export const KUSTOMIZE = findKustomize();
export const NO_KUSTOMIZE_MESSAGE =
  'k8s manifest tests skipped: neither `kubectl` nor `kustomize` is on PATH. Install kubectl (it bundles kustomize) to run them.';

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
