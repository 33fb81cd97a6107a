import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import { makeCerts } from './certs.js';
import { entrypoint, loadDockerfile } from './dockerfile.js';
import { hostsIn, LocalPods, planLocalPods, serviceEndpoints, type LocalPod, type StopResult } from './local-pods.js';
import { KUSTOMIZE, NO_KUSTOMIZE_MESSAGE, renderOverlay, type K8sObject } from './render.js';

// The dev overlay's pods as local processes: their rendered command, args and env, with pod DNS
// names mapped to one loopback address per pod (see local-pods.ts), and their Secrets made by
// k8s/make-certs.sh: mutual TLS between every pair of processes, client certificates at the endpoints. The cluster must form through
// the manifests' own wiring (peer list, ports, env), every pod must pass its own readiness probe,
// and the gateway's two Services must serve a write and reads.

if (!KUSTOMIZE) console.warn(NO_KUSTOMIZE_MESSAGE);

const READY_TIMEOUT_MS = 40_000;
// 127.A.B.0/24 with A.B random: two runs on one machine (two clones, two sessions) do not collide.
const SUBNET = `127.${16 + Math.floor(Math.random() * 200)}.${1 + Math.floor(Math.random() * 250)}`;

describe.skipIf(!KUSTOMIZE)('the dev overlay runs as local processes', () => {
  let root: string;
  let secrets: string;
  let objects: K8sObject[];
  let pods: LocalPod[];
  let cluster: LocalPods | undefined;
  let stopped: StopResult[] | undefined;
  const clients: QuorumkvClient[] = [];
  const service = (name: string) => {
    const found = objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
    if (!found) throw new Error(`no Service ${name} in the dev overlay`);
    return found;
  };
  const component = (pod: LocalPod) => pod.labels['app.kubernetes.io/component'];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'quorumkv-k8s-dev-'));
    objects = renderOverlay('dev');
    secrets = makeCerts(join(root, 'certs'));
    pods = planLocalPods(objects, { subnet: SUBNET, root, entrypoint: entrypoint(loadDockerfile()), maxDeploymentReplicas: 2, secretsDir: secrets });
    cluster = new LocalPods(pods, root);
    cluster.start();
    try {
      await cluster.waitReady(READY_TIMEOUT_MS);
    } catch (error) {
      stopped = await cluster.stop();
      throw error;
    }
  }, READY_TIMEOUT_MS + 20_000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    if (cluster && !stopped) await cluster.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 30_000);

  it('runs every storage replica and the Deployments, each pod on its own address with its manifest ports', () => {
    const storage = objects.find((o) => o.kind === 'StatefulSet')!;
    expect(pods.filter((p) => component(p) === 'storage').map((p) => p.name)).toEqual(
      Array.from({ length: storage.spec.replicas }, (_, i) => `${storage.metadata.name}-${i}`),
    );
    for (const name of ['writer', 'reader', 'gateway']) expect(pods.some((p) => component(p) === name), name).toBe(true);
    expect(new Set(pods.map((p) => p.ip)).size).toBe(pods.length);
    for (const pod of pods) {
      // The kubelet's identity, not a sample: POD_NAME and POD_IP are this pod's.
      expect(pod.env.POD_NAME).toBe(pod.name);
      if ('POD_IP' in pod.env) expect(pod.env.POD_IP).toBe(pod.ip);
      // Every address the process is given is a mapped pod address; none is a DNS name.
      for (const arg of pod.args) for (const host of hostsIn(arg)) expect(host, `${pod.name}: ${arg}`).toMatch(new RegExp(`^${SUBNET.replace(/\./g, '\\.')}\\.\\d+$`));
      // The ports it listens on are the ones its container declares.
      const declared = (pod.container.ports ?? []).map((p: any) => p.containerPort);
      for (const arg of pod.args.filter((a) => /^--[a-z-]*listen=/.test(a))) {
        expect(arg, pod.name).toContain(`${pod.ip}:`);
        expect(declared, `${pod.name}: ${arg}`).toContain(Number(arg.split(':').pop()));
      }
    }
    // Every path a process is given is in one of its own volumes, as a mount would make it.
    for (const pod of pods) {
      for (const arg of pod.args) {
        const value = arg.slice(arg.indexOf('=') + 1);
        if (value.startsWith('/')) expect(Object.values(pod.mounts).some((dir) => value === dir || value.startsWith(`${dir}/`)), `${pod.name}: ${arg}`).toBe(true);
      }
    }
    const dataDirs = pods.filter((p) => component(p) === 'storage').map((p) => p.args.find((a) => a.startsWith('--data-dir='))!);
    expect(dataDirs.map((d) => d.split('/').pop())).toEqual(dataDirs.map(() => 'data'));
    expect(new Set(dataDirs).size).toBe(dataDirs.length);
    // The storage members found each other through the headless Service names in the ConfigMap.
    const peers = pods.find((p) => component(p) === 'storage')!.args.find((a) => a.startsWith('--peers='))!;
    for (const pod of pods.filter((p) => component(p) === 'storage')) expect(peers).toContain(`${pod.name}=${pod.ip}:7100`);
  });

  it('every process passes its own readinessProbe and its /readyz', async () => {
    expect(await cluster!.notReady(2_000)).toEqual([]);
  });

  it('the cluster endpoint Service serves a put and a get; the reader endpoint Service serves the read', async () => {
    // The root user's certificate from the same CA, as an operator's client would hold it.
    const user = join(secrets, 'quorumkv-client-root-tls');
    const tls = { trustedCaFile: join(user, 'ca.crt'), certFile: join(user, 'tls.crt'), keyFile: join(user, 'tls.key') };
    const writes = connect({ endpoints: serviceEndpoints(service('quorumkv'), pods), timeoutMs: 15_000, tls });
    const reads = connect({ endpoints: serviceEndpoints(service('quorumkv-reader'), pods), timeoutMs: 15_000, tls });
    // Without a client certificate the endpoints refuse the call.
    const anonymous = connect({ endpoints: serviceEndpoints(service('quorumkv'), pods), timeoutMs: 3_000, tls: { trustedCaFile: tls.trustedCaFile } });
    clients.push(anonymous);
    await expect(anonymous.get('k8s/dev/run')).rejects.toThrow();
    clients.push(writes, reads);
    const value = `from the dev overlay at ${Date.now()}`;
    const { header } = await writes.put('k8s/dev/run', value);
    expect((await writes.get('k8s/dev/run'))?.value.toString()).toBe(value);
    const read = await reads.get('k8s/dev/run', { consistency: 'read-your-writes', minRevision: header!.revision });
    expect(read?.value.toString()).toBe(value);
    await expect(reads.put('k8s/dev/run', 'no')).rejects.toThrow(/reads only/);
  }, 30_000);

  it('every process drains on SIGTERM within its terminationGracePeriodSeconds', async () => {
    stopped = await cluster!.stop();
    const late = stopped.filter((s) => s.killed).map((s) => s.name);
    expect(late, cluster!.logs()).toEqual([]);
    const failed = stopped.filter((s) => s.code !== 0 && s.signal !== 'SIGTERM').map((s) => `${s.name}: exit ${s.code ?? s.signal}`);
    expect(failed, cluster!.logs()).toEqual([]);
  }, 30_000);
});
