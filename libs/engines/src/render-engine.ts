import type { V1Container, V1Volume } from '@kubernetes/client-node';
import { checkInput } from './check-input.js';
import { engineResources, engineSecurityContext, mergeEnv } from './container-parts.js';
import { credentialEnv } from './credentials.js';
import type { EngineContainerInput } from './engine-input.js';
import type { ModelNames } from './launch/engine-launch.js';
import { launchers } from './launch/launchers.js';
import { PodVolumes } from './pod-volumes.js';
import { engineProbes } from './probes.js';

/** The engine container of a Specialist pod, and what the worker beside it needs to call it. */
export interface EngineWorkload {
  container: V1Container;
  /** Pod volumes the container mounts: model PVCs, /dev/shm, the weights cache. */
  volumes: V1Volume[];
  port: number;
  healthPath: string;
  /** http://127.0.0.1:<port>/v1: the worker shares the pod's network namespace. */
  openaiBaseUrl: string;
  /** The OpenAI `model` value for the base model and for each adapter, by adapter name. */
  modelNames: ModelNames;
}

export const engineContainerName = 'engine';

/** Renders the engine container; throws an Error naming the offending field for impossible input. */
export function renderEngine(input: EngineContainerInput): EngineWorkload {
  const checked = checkInput(input);
  const { profile } = checked;
  const volumes = new PodVolumes();
  const launch = launchers[input.kind](checked, volumes);
  const env = mergeEnv([...launch.env, ...credentialEnv(checked)], input.env, launch.absorbedEnv);
  if (profile.sharedMemory === 'always' || (profile.sharedMemory === 'when-sharded' && input.gpuCount > 1)) {
    volumes.addSharedMemory();
  }
  volumes.addModelCache(profile.cachePath);
  const args = [...launch.args, ...(input.extraArgs ?? [])];

  const container: V1Container = {
    name: engineContainerName,
    image: checked.image,
    ...(launch.command ? { command: launch.command } : {}),
    ...(args.length > 0 ? { args } : {}),
    env,
    ports: [{ name: 'http', containerPort: profile.port, protocol: 'TCP' }],
    ...engineProbes(profile),
    resources: engineResources(input, checked.accelerator),
    securityContext: engineSecurityContext(),
    volumeMounts: volumes.mounts,
  };
  return {
    container,
    volumes: volumes.volumes,
    port: profile.port,
    healthPath: profile.healthPath,
    openaiBaseUrl: `http://127.0.0.1:${profile.port}${profile.openaiBasePath}`,
    modelNames: launch.modelNames,
  };
}
