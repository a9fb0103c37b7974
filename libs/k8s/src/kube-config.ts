import { KubeConfig } from '@kubernetes/client-node';

/**
 * The cluster to talk to: the given kubeconfig file, else $KUBECONFIG, ~/.kube/config or
 * the in-cluster service account (client-node's default order).
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    if (path) kubeConfig.loadFromFile(path);
    else kubeConfig.loadFromDefault();
  } catch (error) {
    const source = path ? `--kubeconfig ${path}` : `KUBECONFIG ${process.env['KUBECONFIG'] ?? ''}`.trim();
    throw new Error(`cannot load ${source}: ${(error as Error).message}`);
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new Error(
      path
        ? `--kubeconfig ${path} names no current cluster; set its current-context.`
        : 'no Kubernetes cluster configured: pass --kubeconfig, set KUBECONFIG, or run in a cluster.',
    );
  }
  return kubeConfig;
}
