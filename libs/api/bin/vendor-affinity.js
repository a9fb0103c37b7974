#!/usr/bin/env node
// Vendors the upstream schema of core/v1 Affinity (and the types it references) from a Kubernetes
// API server's OpenAPI v3 document into libs/api/src/kubernetes-affinity.openapi.ts, which
// kubernetes-affinity.ts turns into the CRD's structural schema of placement.affinity.
// Run against a cluster of the Kubernetes version to follow (the platform's, by default):
//   kubectl get --raw /openapi/v3/api/v1 | node libs/api/bin/vendor-affinity.js v1.36.3
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT_TYPE = 'io.k8s.api.core.v1.Affinity';
const version = process.argv[2] ?? 'unknown';
const document = JSON.parse(readFileSync(0, 'utf8'));
const schemas = document.components?.schemas ?? {};

const picked = {};
const visit = (node) => {
  if (!node || typeof node !== 'object') return;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.split('/').pop();
    if (!(name in picked)) {
      if (!schemas[name]) throw new Error(`${name} is not in the document`);
      picked[name] = schemas[name];
      visit(schemas[name]);
    }
  }
  for (const value of Object.values(node)) visit(value);
};
visit({ $ref: `#/components/schemas/${ROOT_TYPE}` });

const sorted = Object.fromEntries(
  Object.keys(picked)
    .sort()
    .map((name) => [name, picked[name]]),
);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kubernetes-affinity.openapi.ts');
writeFileSync(
  out,
  `// Vendored from the OpenAPI v3 document of Kubernetes ${version} (/openapi/v3/api/v1) by
// libs/api/bin/vendor-affinity.js: ${ROOT_TYPE} and the types it references, unchanged.
// Do not edit by hand; run the script again to follow a newer Kubernetes.
export const AFFINITY_ROOT = '${ROOT_TYPE}';

export const affinityComponents: Record<string, unknown> = ${JSON.stringify(sorted, null, 2)};
`,
);
console.log(`wrote ${out} (${Object.keys(sorted).length} types)`);
