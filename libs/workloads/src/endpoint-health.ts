// What the operator's probe of an openai Specialist's endpoint (GET {engine.url}/models with its
// API key) says about it, as a condition. Pure: the HTTP request is made at the edge
// (apps/operator), which hands over only the status code and the model ids, never the body or
// the key, so no message can carry the key (a 401 body often echoes part of it).

/** What the probe saw. */
export type ProbeOutcome =
  /** The endpoint answered; `modelIds` when the body was an OpenAI model list. */
  | { kind: 'answered'; status: number; modelIds?: readonly string[] }
  /** No answer: refused, reset, DNS, TLS, or no answer within the timeout (`error` says which). */
  | { kind: 'failed'; error: string }
  /** The key could not be read: the Secret or its key is missing, or the operator may not read it. */
  | { kind: 'no-key'; error: string };

export type EndpointReason = 'EndpointReady' | 'EndpointUnreachable' | 'Unauthorized' | 'ModelNotFound';

export interface EndpointHealth {
  ready: boolean;
  reason: EndpointReason;
  message: string;
}

export interface ProbedEndpoint {
  /** engine.url as written; messages show it without credentials or query. */
  url: string;
  /** The model the workers ask for (servedModelName). */
  model: string;
  /** engine.secretRef, for messages; absent when the endpoint takes no key. */
  secret?: { name: string; key: string };
}

const LISTED = 5;

/** The probe's outcome as the Specialist's endpoint condition. */
export function classifyProbe(outcome: ProbeOutcome, endpoint: ProbedEndpoint): EndpointHealth {
  const models = `${shownUrl(endpoint.url)}/models`;
  const secret = endpoint.secret ? `Secret ${endpoint.secret.name}, key ${endpoint.secret.key}` : undefined;
  if (outcome.kind === 'no-key') {
    return { ready: false, reason: 'Unauthorized', message: `no API key to call ${models}: ${outcome.error}` };
  }
  if (outcome.kind === 'failed') {
    return { ready: false, reason: 'EndpointUnreachable', message: `GET ${models} failed: ${outcome.error}` };
  }
  const { status, modelIds } = outcome;
  if (status === 401 || status === 403) {
    const key = secret ? `the API key in ${secret}` : 'no API key (set engine.secretRef)';
    return { ready: false, reason: 'Unauthorized', message: `GET ${models} answered ${status}: it refuses ${key}` };
  }
  // The endpoint's own rate limit: it got past authentication (providers check the key first),
  // and calling it Degraded now would take it out of routing exactly under load.
  if (status === 429) {
    return {
      ready: true,
      reason: 'EndpointReady',
      message: `GET ${models} answered 429 (rate limited): the key is accepted; calls wait for its Retry-After`,
    };
  }
  if (status === 404) {
    return {
      ready: false,
      reason: 'EndpointUnreachable',
      message: `GET ${models} answered 404: engine.url must be the API's base URL, usually ending in /v1`,
    };
  }
  if (status < 200 || status > 299) {
    return { ready: false, reason: 'EndpointUnreachable', message: `GET ${models} answered ${status}` };
  }
  if (modelIds === undefined) {
    return {
      ready: true,
      reason: 'EndpointReady',
      message: `${shownUrl(endpoint.url)} answers; its model list could not be read, so ${endpoint.model} is not checked`,
    };
  }
  if (!modelIds.includes(endpoint.model)) {
    const some = modelIds.slice(0, LISTED).join(', ');
    const more = modelIds.length > LISTED ? ` and ${modelIds.length - LISTED} more` : '';
    const lists = modelIds.length > 0 ? `it lists ${some}${more}` : 'it lists none';
    return {
      ready: false,
      reason: 'ModelNotFound',
      message: `${shownUrl(endpoint.url)} does not serve ${endpoint.model} (${lists}): set model.uri or model.servedName to a model it lists`,
    };
  }
  return { ready: true, reason: 'EndpointReady', message: `${shownUrl(endpoint.url)} serves ${endpoint.model}` };
}

/**
 * engine.url without user info, query or fragment (a key pasted into the URL must not reach a
 * condition or an Event), and without a trailing slash.
 */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`.replace(/\/+$/, '');
  } catch {
    return '(engine.url)';
  }
}
