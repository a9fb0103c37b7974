// What the autoscaling suite reads off the cluster: replica counts, the scale events the
// operator records, and Specialist conditions; and the manifests it applies.
import type { SuiteEnv } from '@slm-fleet/testing';

const SERVED_MODEL = 'sim-model';

/** A Specialist on the suite's GPU profile, one call at a time per replica (maxConcurrency 1). */
export function specialistYaml(
  name: string,
  tasks: string[],
  scaling: { min: number; max: number; perReplica: number; delaySeconds: number; profile: string },
): string {
  return `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}}
spec:
  model: {uri: hf://sim/${name}, servedName: ${SERVED_MODEL}}
  engine: {kind: vllm, maxConcurrency: 1}
  resources: {gpu: {count: 1, profiles: [${scaling.profile}]}}
  tasks: [${tasks.join(', ')}]
  replicas: ${scaling.min}
  scaling:
    mode: managed
    minReplicas: ${scaling.min}
    maxReplicas: ${scaling.max}
    targetQueuePerReplica: ${scaling.perReplica}
    scaleDownDelaySeconds: ${scaling.delaySeconds}
`;
}

export const agentTaskYaml = (name: string, specialist: string, priority: number): string => `
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: ${name}}
spec:
  specialists: [{name: ${specialist}}]
  priority: ${priority}
`;

export async function specReplicas(env: SuiteEnv, name: string): Promise<number> {
  return Number(await env.kubectl('get', 'specialist', name, '-o', 'jsonpath={.spec.replicas}'));
}

export async function condition(
  env: SuiteEnv,
  name: string,
  type: string,
): Promise<{ status?: string; reason?: string; message?: string }> {
  const out = await env.kubectl('get', 'specialist', name, '-o', `jsonpath={.status.conditions[?(@.type=="${type}")]}`);
  return out ? (JSON.parse(out) as { status?: string; reason?: string; message?: string }) : {};
}

/** The replica counts the operator scaled a Specialist through, from its Scaled events, oldest first. */
export async function scaledThrough(env: SuiteEnv, name: string): Promise<{ from: number; to: number }[]> {
  const out = await env.kubectl(
    'get',
    'events',
    '--field-selector',
    `involvedObject.kind=Specialist,involvedObject.name=${name},reason=Scaled`,
    '-o',
    'json',
  );
  const events = (JSON.parse(out) as { items: { message: string; metadata: { resourceVersion: string } }[] }).items;
  // Creation order: resource versions grow with every write (timestamps have whole seconds).
  return events
    .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .flatMap((event) => {
      const match = /^scaled from (\d+) to (\d+):/.exec(event.message);
      return match ? [{ from: Number(match[1]), to: Number(match[2]) }] : [];
    });
}

/** A counter's value in a Prometheus exposition (0 when absent). */
export function sampleOf(exposition: string, sample: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}
