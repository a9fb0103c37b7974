// The edge of the endpoint probe: one GET {engine.url}/models with the API key. It hands back
// the status code and the model ids only (libs/workloads classifyProbe makes the condition):
// never the body or headers, which may echo the key.
import type { ProbeOutcome } from '@slm-fleet/workloads';

/** How long the probe waits for an answer. */
export const PROBE_TIMEOUT_MS = 5_000;
/** A model list larger than this is not read (the endpoint still counts as answering). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function probeModels(
  baseUrl: string,
  apiKey: string | undefined,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeOutcome> {
  const url = `${baseUrl.replace(/\/+$/, '')}/models`;
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      // A redirect is reported, not followed: the key goes to engine.url's host only.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { kind: 'answered', status: response.status };
    }
    const modelIds = await modelIdsOf(response);
    return { kind: 'answered', status: response.status, ...(modelIds ? { modelIds } : {}) };
  } catch (error) {
    return { kind: 'failed', error: scrub(describeFailure(error, timeoutMs), apiKey) };
  }
}

/** `data[].id` of an OpenAI model list; undefined for any other body. */
async function modelIdsOf(response: Response): Promise<string[] | undefined> {
  if (Number(response.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
    await response.body?.cancel();
    return undefined;
  }
  try {
    const body = JSON.parse(await response.text()) as { data?: unknown };
    if (!Array.isArray(body.data)) return undefined;
    return body.data.flatMap((model: unknown) => {
      const id = (model as { id?: unknown } | null)?.id;
      return typeof id === 'string' ? [id] : [];
    });
  } catch {
    return undefined;
  }
}

/** Why no answer came, in words: the cause's code (ECONNREFUSED, ENOTFOUND, ...) or the timeout. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = err.cause;
  if (cause?.code) return `${cause.message ?? cause.code} (${cause.code})`;
  return cause?.message ?? err.message ?? String(error);
}

/** Belt and braces: whatever a library put in an error message, the key is not shown. */
function scrub(text: string, apiKey: string | undefined): string {
  return apiKey ? text.replaceAll(apiKey, '***') : text;
}
