import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';

/** Where pvc:// claims are mounted: /models/<claim>/<path> is what the engine is told to load. */
export const modelsRoot = '/models';

/** Collects the engine container's volumes and mounts, each claim mounted once however often it is named. */
export class PodVolumes {
  readonly volumes: V1Volume[] = [];
  readonly mounts: V1VolumeMount[] = [];
  private readonly claimMounts = new Map<string, string>();

  /** Mounts the claim read-only (weights are never written by the engine) and returns the local path. */
  pvcPath(claim: string, path: string): string {
    let mountPath = this.claimMounts.get(claim);
    if (mountPath === undefined) {
      mountPath = `${modelsRoot}/${claim}`;
      const name = `model-pvc-${this.claimMounts.size}`;
      this.claimMounts.set(claim, mountPath);
      this.volumes.push({ name, persistentVolumeClaim: { claimName: claim, readOnly: true } });
      this.mounts.push({ name, mountPath, readOnly: true });
    }
    return path === '' ? mountPath : `${mountPath}/${path}`;
  }

  /**
   * Memory-backed /dev/shm: the container runtime's default is 64 MiB, too small for the tensors
   * engine processes exchange. Without a sizeLimit it may grow to the pod's memory limit, and what
   * it holds counts against that limit.
   */
  addSharedMemory(): void {
    this.volumes.push({ name: 'dshm', emptyDir: { medium: 'Memory' } });
    this.mounts.push({ name: 'dshm', mountPath: '/dev/shm' });
  }

  /** Downloaded weights live on the node's disk for the pod's lifetime and survive container restarts. */
  addModelCache(mountPath: string): void {
    this.volumes.push({ name: 'model-cache', emptyDir: {} });
    this.mounts.push({ name: 'model-cache', mountPath });
  }
}
