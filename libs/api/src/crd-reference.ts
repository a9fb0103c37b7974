// The CRD reference page (docs/crd-reference.md), rendered from the same schemas as the CRDs.
import { API_VERSION, type ResourceDefinition } from './crd.js';
import { EMBEDDED_TYPE_KEY } from './kubernetes-affinity.js';

interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  properties?: Record<string, Node>;
  items?: Node;
  required?: string[];
  'x-kubernetes-validations'?: { rule: string; message: string }[];
  'x-kubernetes-int-or-string'?: boolean;
  [EMBEDDED_TYPE_KEY]?: string;
}

const typeOf = (node: Node): string => {
  if (node[EMBEDDED_TYPE_KEY]) return node[EMBEDDED_TYPE_KEY];
  if (node['x-kubernetes-int-or-string']) return 'quantity';
  if (node.type === 'array') return `[]${node.items ? typeOf(node.items) : 'any'}`;
  return node.type ?? 'any';
};

const constraints = (node: Node): string => {
  const parts: string[] = [];
  if (node.enum) parts.push(`one of ${node.enum.map((v) => `\`${v}\``).join(', ')}`);
  if (node.minimum !== undefined || node.maximum !== undefined) {
    parts.push(`${node.minimum ?? '…'} to ${node.maximum ?? '…'}`);
  }
  if (node.default !== undefined) parts.push(`default \`${JSON.stringify(node.default)}\``);
  return parts.join('; ');
};

const cell = (text: string | undefined): string => (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

function rows(node: Node, path: string, required: boolean, out: string[], rules: string[]): void {
  for (const rule of node['x-kubernetes-validations'] ?? []) rules.push(`- \`${path}\`: ${rule.message}`);
  if (path) {
    const req = required && node.default === undefined ? 'yes' : '';
    out.push(`| \`${path}\` | ${typeOf(node)} | ${req} | ${cell(constraints(node))} | ${cell(node.description)} |`);
  }
  // An upstream Kubernetes type: `kubectl explain` has its fields, the Kubernetes docs too.
  if (node[EMBEDDED_TYPE_KEY]) return;
  const child = node.type === 'array' ? node.items : node;
  const prefix = node.type === 'array' ? `${path}[]` : path;
  for (const [name, sub] of Object.entries(child?.properties ?? {})) {
    rows(sub, prefix ? `${prefix}.${name}` : name, (child?.required ?? []).includes(name), out, rules);
  }
  if (node.type === 'array' && node.items) {
    for (const rule of node.items['x-kubernetes-validations'] ?? []) rules.push(`- \`${prefix}\`: ${rule.message}`);
  }
}

function section(def: ResourceDefinition): string {
  const table: string[] = ['| Field | Type | Required | Values | Description |', '| --- | --- | --- | --- | --- |'];
  const rules: string[] = (def.rules ?? []).map(
    (rule) => `- \`${rule.fieldPath?.slice(1) ?? '(object)'}\`: ${rule.message}`,
  );
  const spec = JSON.parse(JSON.stringify(def.spec)) as Node;
  const status = JSON.parse(JSON.stringify(def.status)) as Node;
  rows(spec, 'spec', true, table, rules);
  const statusTable: string[] = ['| Field | Type | Description |', '| --- | --- | --- |'];
  for (const [name, sub] of Object.entries(status.properties ?? {})) {
    statusTable.push(`| \`status.${name}\` | ${typeOf(sub)} | ${cell(sub.description)} |`);
  }
  return [
    `## ${def.kind}`,
    '',
    def.description,
    '',
    `\`apiVersion: ${API_VERSION}\`, \`kind: ${def.kind}\`, short names: ${def.shortNames.map((n) => `\`${n}\``).join(', ')}, category \`slm-fleet\`${def.scale ? ', subresources: status and scale' : ', subresource: status'}.`,
    '',
    '### Spec',
    '',
    ...table,
    '',
    '### Rules checked by the API server',
    '',
    ...(rules.length > 0 ? rules : ['- (none beyond the field constraints)']),
    '',
    '### Status',
    '',
    ...statusTable,
    '',
  ].join('\n');
}

export function renderCrdReference(defs: ResourceDefinition[]): string {
  return [
    '# CRD reference',
    '',
    '<!-- Generated from libs/api by `npm run generate`. Do not edit by hand. -->',
    '',
    'Every field is also documented in the cluster: `kubectl explain specialist.spec.scaling`.',
    '',
    ...defs.map(section),
  ].join('\n');
}
