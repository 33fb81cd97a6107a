import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/parse.js';
import { makeCerts, secretMounts, TLS_FILE_FLAGS, underMounts } from './certs.js';
import { entrypoint, loadDockerfile } from './dockerfile.js';
import { commandLine, containerEnv, flag, labelSelectorMatches, samplePods, selects, WORKLOAD_KINDS, type SamplePod } from './pods.js';
import { KUSTOMIZE, NO_KUSTOMIZE_MESSAGE, OVERLAYS, ref, renderOverlay, type K8sObject, type Overlay } from './render.js';
import { validateObject } from './schema.js';

if (!KUSTOMIZE) console.warn(NO_KUSTOMIZE_MESSAGE);

const ENTRYPOINT = entrypoint(loadDockerfile());
const quorum = (voters: number) => Math.floor(voters / 2) + 1;
const containers = (pod: SamplePod): any[] => pod.spec.containers;
const isStorage = (o: K8sObject) => o.kind === 'StatefulSet' && o.spec.template.metadata.labels['app.kubernetes.io/component'] === 'storage';

// The Secrets the pods mount, made by k8s/make-certs.sh, so that the parser can check the
// certificate files each command line names as it checks them at start-up.
let certsDir: string;
beforeAll(() => {
  certsDir = makeCerts(mkdtempSync(join(tmpdir(), 'quorumkv-k8s-certs-')));
});
afterAll(() => rmSync(certsDir, { recursive: true, force: true }));
const withSecrets = (pod: SamplePod, container: any, args: string[]) =>
  underMounts(args, new Map([...secretMounts(pod.spec, container)].map(([mount, secret]) => [mount, join(certsDir, secret)])));

describe.skipIf(!KUSTOMIZE).each(OVERLAYS)('k8s overlay %s', (overlay: Overlay) => {
  let objects: K8sObject[];
  let pods: SamplePod[];
  beforeAll(() => {
    objects = renderOverlay(overlay);
    pods = samplePods(objects);
  });
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);

  it('renders the expected kinds of objects', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Namespace', 'ConfigMap', 'Service', 'StatefulSet', 'Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy']) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('every object is valid for the Kubernetes API, with no unknown field', async () => {
    const errors = (await Promise.all(objects.map(validateObject))).flat();
    expect(errors).toEqual([]);
  });

  it("every container's command line is accepted by the real quorumkv parser", () => {
    const failures: string[] = [];
    for (const pod of pods) {
      for (const container of containers(pod)) {
        try {
          const { command, args } = commandLine(container, containerEnv(pod, container, objects), ENTRYPOINT);
          expect(command, `${pod.name}: runs the image's quorumkv entry point`).toEqual(ENTRYPOINT);
          parseCommandLine(withSecrets(pod, container, args));
        } catch (error) {
          failures.push(`${pod.name}/${container.name}: ${(error as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('no process runs in plaintext: TLS files from its role\'s Secret, client certificates required at the endpoints', () => {
    const failures: string[] = [];
    for (const pod of pods) {
      for (const c of containers(pod)) {
        const { args } = commandLine(c, containerEnv(pod, c, objects), ENTRYPOINT);
        const where = `${pod.name}/${c.name}`;
        if (args.some((a) => a === '--insecure' || a.startsWith('--insecure='))) failures.push(`${where}: --insecure`);
        const role = args[0] === 'node' ? flag(args, 'mode') : args[0];
        const mounts = secretMounts(pod.spec, c);
        for (const name of TLS_FILE_FLAGS) {
          const file = flag(args, name);
          const mount = file && [...mounts.keys()].find((m) => file.startsWith(`${m}/`));
          if (!mount) failures.push(`${where}: --${name} ${file ?? '(none)'} is not in a mounted Secret`);
          else if (mounts.get(mount) !== `quorumkv-${role}-tls`) failures.push(`${where}: --${name} is in Secret ${mounts.get(mount)}, not quorumkv-${role}-tls`);
        }
        if (role !== 'storage' && !args.includes('--client-cert-auth')) failures.push(`${where}: --client-cert-auth`);
        for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
          if (c[kind]?.grpc) failures.push(`${where} ${kind}: the kubelet's gRPC probe cannot speak TLS; probe the metrics listener`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('every probe targets a port the container declares', () => {
    const failures: string[] = [];
    for (const pod of pods) {
      for (const c of containers(pod)) {
        const ports = (c.ports ?? []) as Array<{ name?: string; containerPort: number }>;
        for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
          const probe = c[kind];
          if (!probe) continue;
          const port = probe.grpc?.port ?? probe.httpGet?.port ?? probe.tcpSocket?.port;
          const declared = ports.some((p) => p.containerPort === port || (p.name !== undefined && p.name === port));
          if (!declared) failures.push(`${pod.name}/${c.name} ${kind}: port ${port} is not a container port`);
        }
        if (!c.readinessProbe || !c.livenessProbe) failures.push(`${pod.name}/${c.name}: needs readiness and liveness probes`);
        // Liveness must not depend on the cluster's health (no restart loops when quorum is lost).
        if (c.livenessProbe?.grpc && c.livenessProbe.grpc.service !== 'liveness') failures.push(`${pod.name}/${c.name}: gRPC liveness must ask for service "liveness"`);
        if (c.readinessProbe?.grpc && c.readinessProbe.grpc.service !== 'readiness') failures.push(`${pod.name}/${c.name}: gRPC readiness must ask for service "readiness"`);
        // The gRPC probes must hit the port the process really listens on.
        const { args } = commandLine(c, containerEnv(pod, c, objects), ENTRYPOINT);
        const listenPort = Number(flag(args, 'listen')?.split(':').pop());
        if (c.readinessProbe?.grpc && c.readinessProbe.grpc.port !== listenPort) failures.push(`${pod.name}/${c.name}: readiness probes port ${c.readinessProbe.grpc.port}, --listen is ${listenPort}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('every Service selects pods that exist, on ports they declare', () => {
    const failures: string[] = [];
    for (const service of byKind('Service')) {
      const selected = pods.filter((p) => selects(service.spec.selector, p.labels));
      if (selected.length === 0) failures.push(`${ref(service)} selects no pod`);
      for (const port of service.spec.ports) {
        const target = port.targetPort ?? port.port;
        for (const pod of selected) {
          const ok = containers(pod).some((c: any) => (c.ports ?? []).some((p: any) => p.name === target || p.containerPort === target));
          if (!ok) failures.push(`${ref(service)} port ${port.name}: ${pod.name} has no container port ${target}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('PodDisruptionBudgets select pods, and the storage budget never breaks quorum', () => {
    const voters = byKind('StatefulSet').filter(isStorage).reduce((n, s) => n + s.spec.replicas, 0);
    const failures: string[] = [];
    for (const pdb of byKind('PodDisruptionBudget')) {
      const selected = pods.filter((p) => labelSelectorMatches(pdb.spec.selector, p.labels));
      if (selected.length === 0) failures.push(`${ref(pdb)} selects no pod`);
      if (!selected.some((p) => p.workload.kind === 'StatefulSet')) continue;
      if (selected.length !== voters) failures.push(`${ref(pdb)} covers ${selected.length} of ${voters} storage members`);
      const { maxUnavailable, minAvailable } = pdb.spec;
      if (typeof maxUnavailable === 'string' || typeof minAvailable === 'string') failures.push(`${ref(pdb)}: use a count, not a percentage`);
      const mayStop = maxUnavailable !== undefined ? maxUnavailable : voters - minAvailable;
      if (voters - mayStop < quorum(voters)) failures.push(`${ref(pdb)} lets ${mayStop} of ${voters} go: below quorum ${quorum(voters)}`);
    }
    expect(failures).toEqual([]);
  });

  it('the storage list names exactly the StatefulSet pods, at their DNS names through a headless Service', () => {
    const storage = byKind('StatefulSet').filter(isStorage);
    const expected = new Map<string, string>();
    for (const set of storage) {
      const service = byKind('Service').find((s) => s.metadata.name === set.spec.serviceName);
      expect(service, `${ref(set)}: serviceName ${set.spec.serviceName}`).toBeDefined();
      expect(service!.spec.clusterIP, `${ref(service!)} is headless`).toBe('None');
      expect(service!.spec.publishNotReadyAddresses, `${ref(service!)} publishes not-ready members`).toBe(true);
      expect(selects(service!.spec.selector, set.spec.template.metadata.labels), `${ref(service!)} selects ${ref(set)}`).toBe(true);
      expect(set.spec.podManagementPolicy).toBe('Parallel');
      expect(set.spec.volumeClaimTemplates?.length).toBeGreaterThan(0);
      const peerPort = set.spec.template.spec.containers[0].ports.find((p: any) => p.name === 'peer').containerPort;
      for (let i = 0; i < set.spec.replicas; i++) expected.set(`${set.metadata.name}-${i}`, `${set.metadata.name}-${i}.${set.spec.serviceName}:${peerPort}`);
    }
    for (const pod of pods) {
      for (const c of containers(pod)) {
        const { args } = commandLine(c, containerEnv(pod, c, objects), ENTRYPOINT);
        const list = flag(args, 'peers') ?? flag(args, 'storage');
        expect(list, `${pod.name}/${c.name} names the storage members`).toBeDefined();
        expect(new Map(list!.split(',').map((item) => item.split('=') as [string, string])), `${pod.name}/${c.name}`).toEqual(expected);
      }
    }
  });

  it('every pod runs non-root, read-only, with no capabilities, RuntimeDefault seccomp and bounded resources', () => {
    const failures: string[] = [];
    for (const pod of pods) {
      const podSecurity = pod.spec.securityContext ?? {};
      if (podSecurity.runAsNonRoot !== true) failures.push(`${pod.name}: runAsNonRoot`);
      if (podSecurity.seccompProfile?.type !== 'RuntimeDefault') failures.push(`${pod.name}: seccompProfile RuntimeDefault`);
      if (pod.spec.automountServiceAccountToken !== false) failures.push(`${pod.name}: automountServiceAccountToken false (no API access needed)`);
      for (const c of containers(pod)) {
        const s = c.securityContext ?? {};
        if (s.readOnlyRootFilesystem !== true) failures.push(`${pod.name}/${c.name}: readOnlyRootFilesystem`);
        if (s.allowPrivilegeEscalation !== false) failures.push(`${pod.name}/${c.name}: allowPrivilegeEscalation false`);
        if (JSON.stringify(s.capabilities?.drop) !== '["ALL"]') failures.push(`${pod.name}/${c.name}: capabilities drop ALL`);
        for (const r of ['cpu', 'memory']) {
          if (!c.resources?.requests?.[r] || !c.resources?.limits?.[r]) failures.push(`${pod.name}/${c.name}: ${r} request and limit`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('termination grace covers each role\'s SIGTERM drain', () => {
    // Drains (src/node/run-node.ts, src/storage/run-storage.ts, src/gateway/run-gateway.ts):
    // nodes 1.5 s notice + 5 s in flight; storage and gateway 5 s in flight; plus any preStop sleep.
    const drainSeconds: Record<string, number> = { node: 6.5, storage: 5, gateway: 5 };
    const failures: string[] = [];
    for (const pod of pods) {
      for (const c of containers(pod)) {
        const role = commandLine(c, containerEnv(pod, c, objects), ENTRYPOINT).args[0];
        const needed = drainSeconds[role] + (c.lifecycle?.preStop?.sleep?.seconds ?? 0) + 2;
        if ((pod.spec.terminationGracePeriodSeconds ?? 30) < needed) failures.push(`${pod.name}: terminationGracePeriodSeconds < ${needed}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('one image and one tag everywhere', () => {
    const images = new Set(pods.flatMap((p) => containers(p).map((c: any) => c.image as string)));
    expect(images.size).toBe(1);
    const [image] = images;
    expect(image).toMatch(/^[^:]+:[0-9][\w.-]*$/);
  });

  it('Prometheus annotations point at the metrics port the process serves', () => {
    for (const pod of pods) {
      const annotations = pod.workload.spec.template.metadata.annotations ?? {};
      expect(annotations['prometheus.io/scrape'], pod.name).toBe('true');
      const c = containers(pod)[0];
      const { args } = commandLine(c, containerEnv(pod, c, objects), ENTRYPOINT);
      const metricsPort = flag(args, 'metrics-listen')?.split(':').pop();
      expect(annotations['prometheus.io/port'], pod.name).toBe(metricsPort);
      expect(c.ports.find((p: any) => p.name === 'metrics')?.containerPort, pod.name).toBe(Number(metricsPort));
    }
  });

  it('NetworkPolicies cover every pod and let only peers reach peer ports', () => {
    const policies = byKind('NetworkPolicy');
    const roleOf = (p: SamplePod) => p.labels['app.kubernetes.io/component'];
    const sample = (role: string) => pods.find((p) => roleOf(p) === role)!;
    // May pod `from` open a connection to `port` (a name) on pod `to`?
    const allowed = (from: SamplePod, to: SamplePod, portName: string) => {
      const c = containers(to)[0];
      const number = c.ports.find((p: any) => p.name === portName)?.containerPort;
      return policies
        .filter((np) => labelSelectorMatches(np.spec.podSelector, to.labels))
        .some((np) => (np.spec.ingress ?? []).some((rule: any) => {
          const portOk = !rule.ports || rule.ports.some((p: any) => p.port === portName || p.port === number);
          const fromOk = !rule.from || rule.from.some((peer: any) => peer.podSelector && !peer.namespaceSelector && labelSelectorMatches(peer.podSelector, from.labels));
          return portOk && fromOk;
        }));
    };
    for (const pod of pods) expect(policies.some((np) => labelSelectorMatches(np.spec.podSelector, pod.labels)), `${pod.name} is under a policy`).toBe(true);
    for (const role of ['storage', 'writer', 'reader', 'gateway']) expect(allowed(sample(role), sample('storage'), 'peer'), `${role} → storage`).toBe(true);
    for (const role of ['writer', 'reader']) {
      expect(allowed(sample('gateway'), sample(role), 'grpc'), `gateway → ${role}`).toBe(true);
      expect(allowed(sample('storage'), sample(role), 'grpc'), `storage → ${role}`).toBe(false);
    }
    const stranger: SamplePod = { ...sample('gateway'), name: 'stranger', labels: { app: 'other' } };
    expect(allowed(stranger, sample('storage'), 'peer'), 'another app → storage').toBe(false);
    expect(allowed(stranger, sample('writer'), 'grpc'), 'another app → writer').toBe(false);
  });

  it('the gateway has at least 2 replicas and both endpoints; readers scale with an HPA', () => {
    const gateway = byKind('Deployment').find((d) => d.metadata.name === 'quorumkv-gateway')!;
    expect(gateway.spec.replicas).toBeGreaterThanOrEqual(2);
    const servicePorts = byKind('Service').filter((s) => selects(s.spec.selector, gateway.spec.template.metadata.labels)).map((s) => s.spec.ports[0].targetPort);
    expect(servicePorts.sort()).toEqual(['cluster', 'reader']);
    const hpa = byKind('HorizontalPodAutoscaler')[0];
    const target = byKind('Deployment').find((d) => d.metadata.name === hpa.spec.scaleTargetRef.name);
    expect(target?.spec.template.metadata.labels['app.kubernetes.io/component']).toBe('reader');
    expect(target?.spec.replicas, 'the HPA owns replicas').toBeUndefined();
    expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(15);
  });

  const productionStorage = () => {
    const storage = byKind('StatefulSet').filter(isStorage);
    const perZone = new Map<string, number>();
    for (const set of storage) {
      const zone = set.spec.template.spec.nodeSelector?.['topology.kubernetes.io/zone'];
      expect(zone, `${ref(set)} is pinned to a zone`).toBeTruthy();
      expect(set.spec.template.metadata.labels['quorumkv.io/zone'], `${ref(set)} reports the zone it runs in`).toBe(zone);
      perZone.set(zone, (perZone.get(zone) ?? 0) + set.spec.replicas);
    }
    const voters = [...perZone.values()].reduce((a, b) => a + b, 0);
    expect(voters).toBe(6);
    expect(perZone.size).toBeGreaterThanOrEqual(3);
    // Losing any one whole zone keeps a write quorum.
    for (const [zone, n] of perZone) expect(voters - n, `without ${zone}`).toBeGreaterThanOrEqual(quorum(voters));
    for (const pod of pods.filter((p) => p.workload.kind === 'StatefulSet')) {
      const c = containers(pod)[0];
      expect(flag(commandLine(c, containerEnv(pod, c, objects), ENTRYPOINT).args, 'zone'), pod.name).toBe(pod.labels['quorumkv.io/zone']);
    }
  };
  const devStorage = () => {
    const storage = byKind('StatefulSet').filter(isStorage);
    expect(storage.reduce((n, s) => n + s.spec.replicas, 0)).toBe(3);
    for (const set of storage) {
      const hostSpread = set.spec.template.spec.topologySpreadConstraints.find((t: any) => t.topologyKey === 'kubernetes.io/hostname');
      expect(hostSpread?.whenUnsatisfiable).toBe('DoNotSchedule');
    }
  };
  const storageLayouts: Record<Overlay, [string, () => void]> = {
    production: ['production storage: 6 voters, 2 per zone over 3 zones, each pinned to the zone it reports', productionStorage],
    dev: ['dev storage: 3 voters spread over nodes', devStorage],
  };
  it(...storageLayouts[overlay]);
});

describe.skipIf(!KUSTOMIZE)('k8s overlays together', () => {
  it('use the same image tag', () => {
    const images = new Set(OVERLAYS.flatMap((o) => renderOverlay(o).filter((x) => WORKLOAD_KINDS.has(x.kind)).flatMap((w) => w.spec.template.spec.containers.map((c: any) => c.image))));
    expect([...images]).toHaveLength(1);
  });
});
