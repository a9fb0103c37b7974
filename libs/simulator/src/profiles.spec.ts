import { describe, expect, it } from 'vitest';
import { isSimulatorProfile, profileLatency } from './profiles.js';

describe('simulator profiles', () => {
  it.each([
    ['default', { ttft: 0, tpot: 0 }],
    ['large-model', { ttft: 400, tpot: 15 }],
  ] as const)('%s answers with latency %j unless the flags say otherwise', (profile, latency) => {
    expect(profileLatency(profile)).toEqual(latency);
  });

  it('knows its profiles', () => {
    expect(isSimulatorProfile('large-model')).toBe(true);
    expect(isSimulatorProfile('huge')).toBe(false);
  });
});
