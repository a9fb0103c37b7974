import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { engineKinds, engineRunsInPod, isEngineKind } from '@slm-fleet/engines';
import { defaultGpuProfiles, parseGpuProfiles, type GpuProfile } from '@slm-fleet/placement';
import type { SpecialistNetworkPolicySettings, WorkloadSettings } from '@slm-fleet/workloads';
import type { V1NetworkPolicyPeer } from '@kubernetes/client-node';

/** The operator's configuration file (rendered from Helm values in a cluster). */
export interface OperatorConfig {
  workloads: WorkloadSettings;
  /** Namespaces to watch; empty means all. */
  namespaces: string[];
  leaderElection: { enabled: boolean; namespace: string; leaseName: string };
  /** Every cached object is reconciled again this often, to heal drift nobody reported. */
  resyncSeconds: number;
  autoscaler: AutoscalerConfig;
}

/** The loop that sizes Specialists in `scaling.mode: managed` (leader only). */
export interface AutoscalerConfig {
  enabled: boolean;
  /** Seconds between two decisions (the control interval). */
  intervalSeconds: number;
  /** The routers' metrics endpoints (arrival rate and service time per Specialist). */
  routerMetricsUrls: string[];
  /** The routers' headless Service: one URL per ready router from its EndpointSlices. */
  routerService?: { namespace: string; name: string; port: string | number } | undefined;
  /**
   * Share the GPUs free on the nodes by task priority. False where a cluster autoscaler adds
   * GPU nodes on demand: pods are then asked for and wait for their nodes.
   */
  countFreeGpus: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringField(raw: Raw, field: string, path: string, fallback: string): string {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'string' || value === '') throw new Error(`${path}.${field} must be a non-empty string`);
  return value;
}

function booleanField(raw: Raw, field: string, path: string, fallback: boolean): boolean {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'boolean') throw new Error(`${path}.${field} must be true or false`);
  return value;
}

/** Builds the configuration from a parsed file; every error names the field. */
export function parseOperatorConfig(input: unknown): OperatorConfig {
  const raw = input ?? {};
  if (!isObject(raw)) throw new Error('operator config must be a mapping');
  const gpuProfiles: GpuProfile[] =
    raw['gpuProfiles'] === undefined ? defaultGpuProfiles : parseGpuProfiles(raw['gpuProfiles']);
  const defaults = raw['defaultGpuProfiles'] ?? [gpuProfiles[0]?.name].filter(Boolean);
  if (!Array.isArray(defaults) || defaults.some((n) => !gpuProfiles.some((p) => p.name === n))) {
    throw new Error(
      `defaultGpuProfiles must list names from gpuProfiles (${gpuProfiles.map((p) => p.name).join(', ')})`,
    );
  }
  const worker = isObject(raw['worker']) ? raw['worker'] : {};
  const redisSecret = isObject(worker['redisSecret']) ? worker['redisSecret'] : {};
  const namespaces = raw['namespaces'] ?? [];
  if (!Array.isArray(namespaces) || namespaces.some((n) => typeof n !== 'string' || !DNS_LABEL.test(n))) {
    throw new Error('namespaces must be a list of namespace names');
  }
  const election = isObject(raw['leaderElection']) ? raw['leaderElection'] : {};
  const resyncSeconds = raw['resyncSeconds'] ?? 300;
  if (typeof resyncSeconds !== 'number' || !Number.isInteger(resyncSeconds) || resyncSeconds < 1) {
    throw new Error('resyncSeconds must be a whole number of seconds, at least 1');
  }
  return {
    autoscaler: parseAutoscaler(raw['autoscaler']),
    workloads: {
      engineImages: parseEngineImages(raw['engineImages']),
      networkPolicy: parseSpecialistNetworkPolicy(raw['specialistNetworkPolicy']),
      gpuProfiles,
      defaultGpuProfiles: defaults as string[],
      worker: {
        image: stringField(worker, 'image', 'worker', 'slm-fleet:0.1.0'),
        redisSecret: {
          name: stringField(redisSecret, 'name', 'worker.redisSecret', 'slm-fleet-redis'),
          key: stringField(redisSecret, 'key', 'worker.redisSecret', 'url'),
        },
      },
    },
    namespaces: namespaces as string[],
    leaderElection: {
      enabled: election['enabled'] !== false,
      namespace: stringField(election, 'namespace', 'leaderElection', 'default'),
      leaseName: stringField(election, 'leaseName', 'leaderElection', 'slm-fleet-operator'),
    },
    resyncSeconds,
  };
}

function parseEngineImages(input: unknown): Record<string, string> {
  const raw = input ?? {};
  if (!isObject(raw)) throw new Error('engineImages must be a mapping of engine kind to image');
  for (const [kind, image] of Object.entries(raw)) {
    if (!isEngineKind(kind) || !engineRunsInPod(kind)) {
      throw new Error(
        `engineImages.${kind}: not an engine that runs in a pod (${engineKinds.filter(engineRunsInPod).join(', ')})`,
      );
    }
    if (typeof image !== 'string' || !/^\S+$/.test(image)) {
      throw new Error(`engineImages.${kind} must be an image reference without spaces`);
    }
  }
  return raw as Record<string, string>;
}

const PEER_FIELDS = ['podSelector', 'namespaceSelector', 'ipBlock'];

/** On by default: other pods must not reach a worker's /drain or an engine's API. */
function parseSpecialistNetworkPolicy(input: unknown): SpecialistNetworkPolicySettings {
  const raw = input ?? {};
  if (!isObject(raw)) throw new Error('specialistNetworkPolicy must be a mapping of enabled and scrapers');
  const enabled = booleanField(raw, 'enabled', 'specialistNetworkPolicy', true);
  const scrapers = raw['scrapers'] ?? [];
  if (!Array.isArray(scrapers))
    throw new Error('specialistNetworkPolicy.scrapers must be a list of NetworkPolicy peers');
  scrapers.forEach((peer, i) => {
    const fields = isObject(peer) ? Object.keys(peer) : [];
    if (fields.length === 0 || fields.some((f) => !PEER_FIELDS.includes(f))) {
      throw new Error(
        `specialistNetworkPolicy.scrapers[${i}] must be a NetworkPolicy peer: a mapping of ${PEER_FIELDS.join(', ')}`,
      );
    }
  });
  return { enabled, scrapers: scrapers as V1NetworkPolicyPeer[] };
}

function parseAutoscaler(input: unknown): AutoscalerConfig {
  const raw = input ?? {};
  if (!isObject(raw)) throw new Error('autoscaler must be a mapping');
  const enabled = booleanField(raw, 'enabled', 'autoscaler', true);
  const intervalSeconds = raw['intervalSeconds'] ?? 5;
  if (typeof intervalSeconds !== 'number' || !(intervalSeconds >= 1 && intervalSeconds <= 300)) {
    throw new Error('autoscaler.intervalSeconds must be a number of seconds from 1 to 300');
  }
  const urls = raw['routerMetricsUrls'] ?? [];
  if (!Array.isArray(urls) || urls.some((u) => typeof u !== 'string' || !/^https?:\/\/[^/]+/.test(u))) {
    throw new Error("autoscaler.routerMetricsUrls must be a list of http(s) URLs of routers' /metrics");
  }
  const service = raw['routerService'];
  let routerService: AutoscalerConfig['routerService'];
  if (service !== undefined) {
    if (!isObject(service)) throw new Error('autoscaler.routerService must be a mapping of namespace, name and port');
    const port = service['port'] ?? 'http';
    if (!(typeof port === 'string' && port !== '') && !(Number.isInteger(port) && (port as number) > 0)) {
      throw new Error('autoscaler.routerService.port must be a port name or number');
    }
    routerService = {
      namespace: stringField(service, 'namespace', 'autoscaler.routerService', ''),
      name: stringField(service, 'name', 'autoscaler.routerService', ''),
      port: port as string | number,
    };
  }
  const countFreeGpus = booleanField(raw, 'countFreeGpus', 'autoscaler', true);
  return {
    enabled,
    intervalSeconds,
    routerMetricsUrls: urls as string[],
    ...(routerService ? { routerService } : {}),
    countFreeGpus,
  };
}

export function loadOperatorConfig(path: string | undefined): OperatorConfig {
  if (!path) return parseOperatorConfig({});
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read --config ${path}: ${(error as Error).message}`);
  }
  try {
    return parseOperatorConfig(parse(text));
  } catch (error) {
    throw new Error(`--config ${path}: ${(error as Error).message}`);
  }
}
