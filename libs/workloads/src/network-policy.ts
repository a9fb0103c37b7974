import type { V1NetworkPolicy, V1NetworkPolicyPeer, V1ObjectMeta } from '@kubernetes/client-node';

/** Whether Specialist pods get a NetworkPolicy, and who may still reach them. */
export interface SpecialistNetworkPolicySettings {
  enabled: boolean;
  /**
   * Peers (Prometheus, an OpenTelemetry collector) allowed to the worker's port (8082:
   * /metrics, and /drain with it) and the engine's port (its /metrics, and its API with it).
   * Empty: no pod may connect.
   */
  scrapers: V1NetworkPolicyPeer[];
}

/**
 * Ingress to a Specialist's pods. Nothing in the cluster needs them: the worker pulls its calls
 * from Redis and calls its engine on localhost. What does connect is the kubelet (probes and
 * the preStop GET /drain), and node traffic is always allowed by a NetworkPolicy. So the policy
 * admits only the configured scrapers, and keeps every other pod away from the worker's
 * unauthenticated /drain and from the engine's API, which would bypass queues and priorities.
 * `podPorts`: the worker's, and the engine's when the pods run one (not on engine.kind openai).
 */
export function specialistNetworkPolicy(
  metadata: V1ObjectMeta,
  podLabels: Record<string, string>,
  podPorts: readonly number[],
  settings: SpecialistNetworkPolicySettings,
): V1NetworkPolicy {
  const ports = podPorts.map((port) => ({ protocol: 'TCP', port }));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      podSelector: { matchLabels: podLabels },
      policyTypes: ['Ingress'],
      // `_from`: client-node's model name for `from` (a reserved word). Its serializer, which
      // every apply goes through, writes only model names, so a `from` key would be dropped,
      // and the rule would admit every source.
      ingress: settings.scrapers.length > 0 ? [{ _from: settings.scrapers, ports }] : [],
    },
  };
}
