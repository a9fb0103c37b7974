import { isDeepStrictEqual } from 'node:util';

/**
 * Whether a computed status equals the stored one, compared in JSON form (as the API server
 * keeps it): Dates become strings and undefined fields vanish, so no write is sent for nothing.
 */
export function sameAsStored(stored: unknown, computed: unknown): boolean {
  const json = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  return isDeepStrictEqual(json(stored), json(computed));
}
