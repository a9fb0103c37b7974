// Renders crds/*.yaml, the Helm chart's copies of them (charts/slm-fleet/files/crds/, which the
// chart templates) and docs/crd-reference.md from the definitions. `npm run generate` writes
// them; a unit test fails when the committed files differ from what this renders.
import { stringify } from 'yaml';
import { buildCrd, GROUP, resourceDefinitions } from './crd.js';
import { renderCrdReference } from './crd-reference.js';

const HEADER = '# Generated from libs/api by `npm run generate`. Do not edit by hand.\n';

export interface GeneratedFile {
  path: string;
  content: string;
}

export function generatedFiles(): GeneratedFile[] {
  const crds = resourceDefinitions.map((def) => ({
    file: `${GROUP}_${def.plural}.yaml`,
    content: HEADER + stringify(buildCrd(def), { lineWidth: 0 }),
  }));
  return [
    ...crds.map(({ file, content }) => ({ path: `crds/${file}`, content })),
    ...crds.map(({ file, content }) => ({ path: `charts/slm-fleet/files/crds/${file}`, content })),
    { path: 'docs/crd-reference.md', content: renderCrdReference(resourceDefinitions) },
  ];
}
