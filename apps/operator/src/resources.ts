import type { ResourceRef } from '@slm-fleet/k8s';
import { GROUP, VERSION } from '@slm-fleet/api';

export const SPECIALISTS: ResourceRef = { group: GROUP, version: VERSION, plural: 'specialists' };
export const AGENT_TASKS: ResourceRef = { group: GROUP, version: VERSION, plural: 'agenttasks' };
export const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments' };
export const SERVICES: ResourceRef = { group: '', version: 'v1', plural: 'services' };
export const PDBS: ResourceRef = { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets' };
export const NETWORK_POLICIES: ResourceRef = {
  group: 'networking.k8s.io',
  version: 'v1',
  plural: 'networkpolicies',
};
export const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods' };
export const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes' };
