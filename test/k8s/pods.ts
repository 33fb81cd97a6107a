import type { K8sObject } from './render.js';

// The pods that the rendered workloads would create, with sample values for what only a running
// cluster knows (pod names, pod IPs), and their command lines with $(VAR) expanded as the kubelet
// expands them.

export const SAMPLE_POD_IP = '10.244.1.17';
export const WORKLOAD_KINDS = new Set(['StatefulSet', 'Deployment']);

export interface SamplePod {
  workload: K8sObject;
  name: string;
  labels: Record<string, string>;
  spec: any;
}

/** One sample pod per StatefulSet ordinal, and one per Deployment. */
export function samplePods(objects: K8sObject[]): SamplePod[] {
  const pods: SamplePod[] = [];
  for (const w of objects.filter((o) => WORKLOAD_KINDS.has(o.kind))) {
    const template = w.spec.template;
    const names = w.kind === 'StatefulSet'
      ? Array.from({ length: w.spec.replicas ?? 1 }, (_, i) => `${w.metadata.name}-${i}`)
      : [`${w.metadata.name}-6d4cf56db6-x7k2p`];
    for (const name of names) pods.push({ workload: w, name, labels: template.metadata?.labels ?? {}, spec: template.spec });
  }
  return pods;
}

/** A container's environment as the kubelet would give it (fieldRef, configMapKeyRef, value). */
export function containerEnv(pod: SamplePod, container: any, objects: K8sObject[], podIp = SAMPLE_POD_IP): Map<string, string> {
  const env = new Map<string, string>();
  for (const item of container.env ?? []) {
    env.set(item.name, item.value !== undefined ? expand(item.value, env, `env ${item.name}`) : resolveSource(item, pod, objects, podIp));
  }
  return env;
}

function resolveSource(item: any, pod: SamplePod, objects: K8sObject[], podIp: string): string {
  const field = item.valueFrom?.fieldRef?.fieldPath as string | undefined;
  if (field === 'metadata.name') return pod.name;
  if (field === 'metadata.namespace') return pod.workload.metadata.namespace ?? 'default';
  if (field === 'status.podIP') return podIp;
  const label = field && /^metadata\.labels\['(.+)'\]$/.exec(field);
  if (label) return pod.labels[label[1]] ?? '';
  const configMap = item.valueFrom?.configMapKeyRef;
  if (configMap) {
    const found = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === configMap.name);
    if (!found) throw new Error(`env ${item.name}: ConfigMap ${configMap.name} is not in the rendered objects`);
    const value = found.data?.[configMap.key];
    if (value === undefined) throw new Error(`env ${item.name}: ConfigMap ${configMap.name} has no key ${configMap.key}`);
    return value;
  }
  throw new Error(`env ${item.name}: the tests do not know how to resolve ${JSON.stringify(item.valueFrom)}`);
}

/**
 * Kubernetes' $(VAR) expansion: $(NAME) becomes the variable's value, $$ becomes $. A reference to
 * an undefined variable is left as is by Kubernetes, which is never what a manifest means: here it
 * is an error.
 */
export function expand(text: string, env: Map<string, string>, where: string): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    const value = env.get(name!);
    if (value === undefined) throw new Error(`${where}: $(${name}) is not defined in the container's env`);
    return value;
  });
}

/** The container's command line (image entrypoint when `command` is unset), expanded. */
export function commandLine(container: any, env: Map<string, string>, entrypoint: string[]): { command: string[]; args: string[] } {
  const where = `container ${container.name}`;
  const command = ((container.command as string[] | undefined) ?? entrypoint).map((c) => expand(c, env, where));
  const args = ((container.args as string[] | undefined) ?? []).map((a) => expand(a, env, where));
  return { command, args };
}

/** The value of `--flag=value` or `--flag value` in a command line. */
export function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}

export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
export function labelSelectorMatches(selector: any, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector?.matchExpressions ?? []).every((e: any) => {
    if (e.operator === 'In') return e.values.includes(labels[e.key]);
    if (e.operator === 'NotIn') return !e.values.includes(labels[e.key]);
    if (e.operator === 'Exists') return e.key in labels;
    if (e.operator === 'DoesNotExist') return !(e.key in labels);
    throw new Error(`unknown operator ${e.operator}`);
  });
  return byLabels && byExpressions;
}
