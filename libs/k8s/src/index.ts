export { loadKubeConfig } from './kube-config.js';
export { KubeModule } from './kube.module.js';
