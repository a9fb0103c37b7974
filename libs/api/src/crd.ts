// Turns the TypeBox definitions into apiextensions.k8s.io/v1 CustomResourceDefinitions.
import type { TSchema } from '@sinclair/typebox';
import { AgentTaskSpec, AgentTaskStatus } from './agent-task.js';
import { EMBEDDED_TYPE_KEY } from './kubernetes-affinity.js';
import { DNS_LABEL_PATTERN, matchesRule, type CelRule } from './schema-helpers.js';
import { SPECIALIST_ROOT_RULES, SpecialistSpec, SpecialistStatus } from './specialist.js';

export const GROUP = 'slm.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

interface PrinterColumn {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}

export interface ResourceDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  spec: TSchema;
  status: TSchema;
  printerColumns: PrinterColumn[];
  /** CEL rules on the whole object (those that need metadata.name), beside the name rule. */
  rules?: CelRule[];
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string };
}

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
};

/**
 * A property with a default is optional to the user: the API server fills it in before
 * validation. TypeBox lists it as required (so the TypeScript type of a stored object has
 * it); the CRD must not, or `kubectl explain` would call it required.
 */
function relaxDefaulted(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  // kubectl explain does not show defaults; say them in the description it does show.
  const fallback = out['default'];
  if (fallback !== undefined && !isEmptyObject(fallback) && typeof out['description'] === 'string') {
    out['description'] = `${out['description']} Default: ${JSON.stringify(fallback)}.`;
  }
  if (out.properties) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, relaxDefaulted(v)]));
    const required = (out.required ?? []).filter((name) => out.properties?.[name]?.['default'] === undefined);
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  if (out.items) out.items = relaxDefaulted(out.items);
  return out;
}

const isEmptyObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

/**
 * What the API server should say about a string: a `pattern` that a CEL rule of the same node
 * repeats (schema-helpers' `matching`, `quantity`) is left out, so the user reads the rule's
 * message, not the regular expression. Markers only the generator reads go too.
 */
function readableErrors(schema: JsonSchema): JsonSchema {
  const out = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== EMBEDDED_TYPE_KEY)) as JsonSchema;
  const pattern = out['pattern'];
  const rules = (out['x-kubernetes-validations'] as CelRule[] | undefined) ?? [];
  if (typeof pattern === 'string' && rules.some((r) => r.rule.includes(matchesRule(pattern)))) delete out['pattern'];
  if (out.properties) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, readableErrors(v)]));
  }
  if (out.items) out.items = readableErrors(out.items);
  const values = out['additionalProperties'];
  if (values && typeof values === 'object') out['additionalProperties'] = readableErrors(values as JsonSchema);
  return out;
}

const plain = (schema: TSchema): JsonSchema =>
  readableErrors(relaxDefaulted(JSON.parse(JSON.stringify(schema)) as JsonSchema));

const readyReason = '.status.conditions[?(@.type=="Ready")].reason';

export const resourceDefinitions: ResourceDefinition[] = [
  {
    kind: 'Specialist',
    plural: 'specialists',
    singular: 'specialist',
    shortNames: ['slm'],
    description:
      "A Specialist is one small language model served by an engine on GPUs, for the tasks it names. The operator runs it as a Deployment (engine + worker sidecar; for engine.kind openai, an external endpoint, the workers alone), a Service, a PodDisruptionBudget and a NetworkPolicy, and sizes it to its tasks' load.",
    spec: SpecialistSpec,
    status: SpecialistStatus,
    rules: SPECIALIST_ROOT_RULES,
    printerColumns: [
      {
        name: 'Ready',
        type: 'integer',
        jsonPath: '.status.readyReplicas',
        description: 'Replicas whose engine is ready.',
      },
      { name: 'Desired', type: 'integer', jsonPath: '.status.desiredReplicas', description: 'Replicas asked for.' },
      { name: 'GPUs', type: 'integer', jsonPath: '.spec.resources.gpu.count', description: 'GPUs per replica.' },
      { name: 'Engine', type: 'string', jsonPath: '.spec.engine.kind', description: 'Inference engine.' },
      { name: 'Queue', type: 'integer', jsonPath: '.status.queue.waiting', description: 'Jobs waiting.' },
      { name: 'Status', type: 'string', jsonPath: readyReason, description: 'Reason of the Ready condition.' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age.' },
      { name: 'Tasks', type: 'string', jsonPath: '.spec.tasks', description: 'Tasks served.', priority: 1 },
      { name: 'Model', type: 'string', jsonPath: '.spec.model.uri', description: 'Base model.', priority: 1 },
    ],
    scale: {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    },
  },
  {
    kind: 'AgentTask',
    plural: 'agenttasks',
    singular: 'agenttask',
    shortNames: ['atask'],
    description:
      'An AgentTask is one task agents call by name: which Specialists serve it (with weights), its priority, deadline, retries, output schema and fallback.',
    spec: AgentTaskSpec,
    status: AgentTaskStatus,
    printerColumns: [
      {
        name: 'Specialists',
        type: 'string',
        jsonPath: '.status.readySpecialists',
        description: 'Ready over referenced.',
      },
      { name: 'Priority', type: 'integer', jsonPath: '.spec.priority', description: 'Priority.' },
      {
        name: 'Agreement',
        type: 'number',
        jsonPath: '.status.shadow.agreementPercent',
        description: 'Percent of compared calls where the shadow agreed with the live answer.',
      },
      { name: 'Status', type: 'string', jsonPath: readyReason, description: 'Reason of the Ready condition.' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age.' },
    ],
  },
];

export function buildCrd(def: ResourceDefinition): Record<string, unknown> {
  const openAPIV3Schema = {
    type: 'object',
    description: def.description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: `${API_VERSION}` },
      kind: { type: 'string', description: def.kind },
      metadata: { type: 'object' },
      spec: plain(def.spec),
      status: plain(def.status),
    },
    'x-kubernetes-validations': [
      {
        // The name becomes a Service name, label values and a queue name.
        rule: `self.metadata.name.matches('${DNS_LABEL_PATTERN}') && size(self.metadata.name) <= 63`,
        message: `metadata.name must be a DNS label: lowercase letters, digits and '-', at most 63 characters`,
      },
      ...(def.rules ?? []),
    ],
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'slm-fleet' } },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: ['slm-fleet'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema },
          subresources: { status: {}, ...(def.scale ? { scale: def.scale } : {}) },
          additionalPrinterColumns: def.printerColumns,
        },
      ],
    },
  };
}
