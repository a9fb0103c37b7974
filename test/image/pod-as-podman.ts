// A container of a Kubernetes pod spec (the chart's Deployments, or the one the operator
// renders for a Specialist) as `podman run` flags: its args and env verbatim, its security
// context, its volumes, the ServiceAccount token where the pod mounts one. kwok runs no
// containers, so the tests play the kubelet with podman for the containers they need.
//
// Two things differ from a cluster, both because the containers share the host's network
// (with parallel suites) where a pod has its own: the pod's fixed ports become free ones
// (`ports`), and 0.0.0.0 becomes 127.0.0.1, in args and env values alike. Anything else the
// translation does not know (a volume type, envFrom, a field reference) is refused by name, so
// a chart change that this would run differently fails here instead of passing unseen.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';

/** What a kubelet would read from the cluster for the pod. */
export interface PodSources {
  secretValue(name: string, key: string): Promise<string>;
  configMapData(name: string): Promise<Record<string, string>>;
  /** A host directory holding token, ca.crt and namespace, for pods that mount the token. */
  serviceAccountDir?: string;
  /** The API server as pods see it (KUBERNETES_SERVICE_HOST and _PORT). */
  apiServer?: { host: string; port: string };
}

export interface PodmanContainer {
  /** `podman run` flags (before the image). */
  flags: string[];
  /** The container's args (after the image): its entrypoint is the image's. */
  args: string[];
  /** Where its pod's ports went: container port to host port. */
  ports: Map<number, number>;
  /** preStop's HTTP call, as the kubelet makes it before SIGTERM. */
  preStop?: { url: string; headers: Record<string, string> };
  graceSeconds: number;
}

const SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Moves the pod's ports and wildcard address to the host's free ports and loopback. */
function relocate(value: string, ports: Map<number, number>): string {
  let out = value === '0.0.0.0' ? '127.0.0.1' : value;
  for (const [from, to] of ports) {
    if (out === String(from)) return String(to);
    out = out.replace(new RegExp(`(127\\.0\\.0\\.1|localhost):${from}\\b`, 'g'), `127.0.0.1:${to}`);
  }
  return out;
}

export async function podmanContainer(
  pod: V1PodSpec,
  containerName: string,
  sources: PodSources,
  ports: Map<number, number>,
  workDir: string,
): Promise<PodmanContainer> {
  const container = pod.containers.find((c) => c.name === containerName);
  if (!container) throw new Error(`the pod has no container "${containerName}"`);
  if (container.command) throw new Error(`${containerName}: command overrides the image's entrypoint`);
  if (container.envFrom) throw new Error(`${containerName}: envFrom is not translated`);
  const flags = [...securityFlags(pod, container), '--network', 'host'];
  for (const variable of container.env ?? []) {
    flags.push('--env', `${variable.name}=${await envValue(variable, sources, ports)}`);
  }
  flags.push(...(await volumeFlags(pod, container, sources, workDir)));
  if (pod.automountServiceAccountToken !== false && sources.serviceAccountDir) {
    flags.push('--volume', `${sources.serviceAccountDir}:${SERVICE_ACCOUNT_PATH}:ro`);
    if (sources.apiServer) {
      flags.push('--env', `KUBERNETES_SERVICE_HOST=${sources.apiServer.host}`);
      flags.push('--env', `KUBERNETES_SERVICE_PORT=${sources.apiServer.port}`);
    }
  }
  const preStop = container.lifecycle?.preStop;
  if (preStop?.exec) throw new Error(`${containerName}: a preStop exec hook needs a shell the image does not have`);
  const hook = preStop?.httpGet;
  return {
    flags,
    args: (container.args ?? []).map((arg) => relocate(arg, ports)),
    ports,
    ...(hook
      ? {
          preStop: {
            url: `http://127.0.0.1:${ports.get(Number(hook.port)) ?? hook.port}${hook.path ?? '/'}`,
            headers: Object.fromEntries((hook.httpHeaders ?? []).map((h) => [h.name, h.value])),
          },
        }
      : {}),
    graceSeconds: pod.terminationGracePeriodSeconds ?? 30,
  };
}

/** The pod's and the container's security contexts, the container's winning, as podman flags. */
function securityFlags(pod: V1PodSpec, container: V1Container): string[] {
  const podContext = pod.securityContext ?? {};
  const own = container.securityContext ?? {};
  const user = own.runAsUser ?? podContext.runAsUser;
  const group = own.runAsGroup ?? podContext.runAsGroup ?? user;
  if ((own.runAsNonRoot ?? podContext.runAsNonRoot) && !user) {
    throw new Error(`${container.name}: runAsNonRoot without a runAsUser depends on the image's USER`);
  }
  const flags = user === undefined ? [] : ['--user', `${user}:${group}`];
  // Only what the pod mounts is writable: no tmpfs podman would add on its own.
  if (own.readOnlyRootFilesystem) flags.push('--read-only', '--read-only-tmpfs=false');
  for (const cap of own.capabilities?.drop ?? []) flags.push('--cap-drop', cap);
  for (const cap of own.capabilities?.add ?? []) flags.push('--cap-add', cap);
  if (own.allowPrivilegeEscalation === false) flags.push('--security-opt', 'no-new-privileges');
  if (own.privileged) throw new Error(`${container.name}: privileged`);
  return flags;
}

async function envValue(
  variable: NonNullable<V1Container['env']>[number],
  sources: PodSources,
  ports: Map<number, number>,
): Promise<string> {
  if (variable.value !== undefined) return relocate(variable.value, ports);
  const secret = variable.valueFrom?.secretKeyRef;
  if (secret) return sources.secretValue(secret.name ?? '', secret.key);
  const configMap = variable.valueFrom?.configMapKeyRef;
  if (configMap) {
    const value = (await sources.configMapData(configMap.name ?? ''))[configMap.key];
    if (value === undefined) throw new Error(`${variable.name}: ConfigMap ${configMap.name} has no ${configMap.key}`);
    return value;
  }
  throw new Error(`${variable.name}: only value, secretKeyRef and configMapKeyRef are translated`);
}

/** ConfigMap volumes written out (0644, as the kubelet's default mode), emptyDirs as tmpfs. */
async function volumeFlags(
  pod: V1PodSpec,
  container: V1Container,
  sources: PodSources,
  workDir: string,
): Promise<string[]> {
  const flags: string[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    if (!volume) throw new Error(`${container.name}: volume ${mount.name} is not in the pod`);
    if (volume.emptyDir) {
      const size = volume.emptyDir.sizeLimit ? `,size=${volume.emptyDir.sizeLimit.replace(/i$/, '')}` : '';
      flags.push('--tmpfs', `${mount.mountPath}:rw,mode=1777${size}`);
    } else if (volume.configMap) {
      const dir = join(workDir, `${container.name}-${mount.name}`);
      await mkdir(dir, { recursive: true });
      for (const [file, text] of Object.entries(await sources.configMapData(volume.configMap.name ?? ''))) {
        await writeFile(join(dir, file), text, { mode: 0o644 });
      }
      await chmod(dir, 0o755);
      flags.push('--volume', `${dir}:${mount.mountPath}:ro`);
    } else {
      throw new Error(`${container.name}: volume ${mount.name} is of a kind not translated`);
    }
  }
  return flags;
}
