import type { CoreV1Api } from '@kubernetes/client-node';
import { servedModelName, type Specialist } from '@slm-fleet/api';
import { classifyProbe, type EndpointHealth, type ProbeOutcome } from '@slm-fleet/workloads';
import { readApiKey } from './api-key.js';
import { probeModels } from './probe-models.js';

/**
 * Reads an openai Specialist's key (when it names one), probes its endpoint's GET /models with
 * it, and says what that means for the Specialist. The key lives in this call only.
 */
export function endpointCheck(
  core: CoreV1Api,
  probe: typeof probeModels = probeModels,
): (specialist: Specialist) => Promise<EndpointHealth> {
  return async (specialist) => {
    const { engine } = specialist.spec;
    const secret = engine.secretRef;
    const endpoint = {
      url: engine.url ?? '',
      model: servedModelName(specialist),
      ...(secret ? { secret } : {}),
    };
    let outcome: ProbeOutcome;
    const read = secret ? await readApiKey(core, specialist.metadata.namespace, secret) : undefined;
    if (read && 'error' in read) outcome = { kind: 'no-key', error: read.error };
    else outcome = await probe(endpoint.url, read?.apiKey);
    return classifyProbe(outcome, endpoint);
  };
}
