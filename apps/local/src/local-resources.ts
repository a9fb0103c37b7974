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

/** Every local resource lives in this namespace: the router serves one. */
export const LOCAL_NAMESPACE = 'local';

export interface LocalResourceSet {
  specialists: Specialist[];
  agentTasks: AgentTask[];
}

/** Reads every *.yaml / *.yml file of a directory; throws one error listing every problem, each with its file. */
export function loadLocalResources(dir: string): LocalResourceSet {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch (error) {
    throw new Error(`cannot read --resources ${dir}: ${(error as Error).message}`);
  }
  const set: LocalResourceSet = { specialists: [], agentTasks: [] };
  const problems: string[] = [];
  for (const file of files) {
    const path = join(dir, file);
    parseResources(readFileSync(path, 'utf8'), path, set, problems);
  }
  if (set.specialists.length === 0) problems.push(`${dir}: no Specialist found in its YAML files`);
  if (problems.length > 0) throw new Error(`local resources are not valid:\n  ${problems.join('\n  ')}`);
  return set;
}

/** Adds the resources of one file's text to `set`; what is wrong goes to `problems`. */
export function parseResources(text: string, path: string, set: LocalResourceSet, problems: string[]): void {
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
      else set.specialists.push({ apiVersion: API_VERSION, kind: 'Specialist', metadata: meta, spec });
    } else if (raw['kind'] === 'AgentTask') {
      const { spec, errors } = validateAgentTaskSpec(raw['spec']);
      if (errors) problems.push(...errors.map((e) => `${where}: AgentTask ${name}: ${e}`));
      else set.agentTasks.push({ apiVersion: API_VERSION, kind: 'AgentTask', metadata: meta, spec });
    } else {
      problems.push(`${where}: ${name}: kind must be Specialist or AgentTask, got ${String(raw['kind'])}`);
    }
  }
}
