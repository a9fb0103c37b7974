// Local mode's Specialists and AgentTasks: the same YAML a cluster takes, read from files and
// checked against the CRDs' schema (defaults filled in), so a file that works here works with
// `kubectl apply`, and the other way round.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  API_VERSION,
  validateAgentTaskSpec,
  validateSpecialistSpec,
  type AgentTask,
  type Specialist,
} from '@slm-fleet/api';
import type { LocalResources } from '@slm-fleet/router';

/** Every local resource lives in this namespace: the router serves one. */
export const LOCAL_NAMESPACE = 'local';

/** Reads every *.yaml / *.yml file of a directory; throws one error listing every problem, each with its file. */
export function loadLocalResources(dir: string): LocalResources {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch (error) {
    throw new Error(`cannot read --resources ${dir}: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  const resources = files.flatMap((file) => {
    const path = join(dir, file);
    return parseResources(readFileSync(path, 'utf8'), path, problems);
  });
  const specialists = resources.filter((r): r is Specialist => r.kind === 'Specialist');
  const agentTasks = resources.filter((r): r is AgentTask => r.kind === 'AgentTask');
  if (specialists.length === 0) problems.push(`${dir}: no Specialist found in its YAML files`);
  if (problems.length > 0) throw new Error(`local resources are not valid:\n  ${problems.join('\n  ')}`);
  return { specialists, agentTasks };
}

/** The resources of one file's text; what is wrong goes to `problems`. */
function parseResources(text: string, path: string, problems: string[]): (Specialist | AgentTask)[] {
  const found: (Specialist | AgentTask)[] = [];
  for (const [index, document] of parseAllDocuments(text).entries()) {
    const where = `${path} (document ${index + 1})`;
    if (document.errors.length > 0) {
      problems.push(`${where}: ${document.errors[0]?.message ?? 'not YAML'}`);
      continue;
    }
    const raw = document.toJS() as Record<string, unknown> | null;
    if (raw === null) continue;
    const metadata = (raw['metadata'] ?? {}) as { name?: unknown; annotations?: Record<string, string> };
    const name =
      typeof metadata.name === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(metadata.name)
        ? metadata.name
        : undefined;
    if (!name) {
      problems.push(`${where}: metadata.name must be a DNS label (lower-case letters, digits, '-')`);
      continue;
    }
    const meta = {
      name,
      namespace: LOCAL_NAMESPACE,
      ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
    };
    if (raw['apiVersion'] !== API_VERSION) {
      problems.push(`${where}: ${name}: apiVersion must be ${API_VERSION}`);
    } else if (raw['kind'] === 'Specialist') {
      const { spec, errors } = validateSpecialistSpec(raw['spec']);
      if (errors) problems.push(...errors.map((e) => `${where}: Specialist ${name}: ${e}`));
      else found.push({ apiVersion: API_VERSION, kind: 'Specialist', metadata: meta, spec });
    } else if (raw['kind'] === 'AgentTask') {
      const { spec, errors } = validateAgentTaskSpec(raw['spec']);
      if (errors) problems.push(...errors.map((e) => `${where}: AgentTask ${name}: ${e}`));
      else found.push({ apiVersion: API_VERSION, kind: 'AgentTask', metadata: meta, spec });
    } else {
      problems.push(`${where}: ${name}: kind must be Specialist or AgentTask, got ${String(raw['kind'])}`);
    }
  }
  return found;
}
