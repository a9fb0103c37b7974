import { describe, expect, it } from 'vitest';
import { isRedisUnreachable } from './redis-errors.js';

describe('isRedisUnreachable', () => {
  const failure = (message: string, name = 'Error') => Object.assign(new Error(message), { name });

  it.each([
    ['a client that is reconnecting, whatever the error', 'reconnecting', failure('anything')],
    ['a connection closed under a command', 'ready', failure('Connection is closed.')],
    [
      'a fail-fast client while disconnected',
      'ready',
      failure("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ['a refused connection', 'ready', failure('connect ECONNREFUSED 127.0.0.1:6379')],
    ['a restarted Redis still loading its data', 'ready', failure('LOADING Redis is loading the dataset in memory')],
    [
      'a command out of retries',
      'ready',
      failure('Reached the max retries per request limit', 'MaxRetriesPerRequestError'),
    ],
    ['a cluster without a quorum', 'ready', failure('CLUSTERDOWN The cluster is down')],
  ])('true for %s', (_case, status, error) => {
    expect(isRedisUnreachable(error, status)).toBe(true);
  });

  it.each([
    ['Redis out of memory', failure("OOM command not allowed when used memory > 'maxmemory'.")],
    ['a script error', failure('ERR Error running script')],
    ['something not an error', 'a string'],
  ])('false for %s on a connected client', (_case, error) => {
    expect(isRedisUnreachable(error, 'ready')).toBe(false);
  });
});
