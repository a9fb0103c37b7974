// Renders crds/*.yaml and docs/crd-reference.md from the definitions. `npm run generate`
// writes them; a unit test fails when the committed files differ from what this renders.
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
    path: `crds/${GROUP}_${def.plural}.yaml`,
    content: HEADER + stringify(buildCrd(def), { lineWidth: 0 }),
  }));
  return [...crds, { path: 'docs/crd-reference.md', content: renderCrdReference(resourceDefinitions) }];
}
