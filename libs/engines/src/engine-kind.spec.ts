import { describe, expect, it } from 'vitest';
import { engineKinds, engineRunsInPod, isEngineKind } from './engine-kind.js';
import { engineProfile } from './profiles.js';

describe('engine kinds', () => {
  it('runs every engine in the pod except an external OpenAI URL', () => {
    expect(engineKinds.filter((kind) => !engineRunsInPod(kind))).toEqual(['openai']);
  });

  it('recognises only the known kinds', () => {
    expect(isEngineKind('vllm')).toBe(true);
    expect(isEngineKind('triton')).toBe(false);
    expect(isEngineKind(undefined)).toBe(false);
  });

  it('has a profile with a distinct health path and port for every pod engine', () => {
    for (const kind of engineKinds.filter(engineRunsInPod)) {
      const profile = engineProfile(kind);
      expect(profile.kind).toBe(kind);
      expect(profile.healthPath.startsWith('/')).toBe(true);
      expect(profile.port).toBeGreaterThan(1024);
      // The worker sidecar listens on 8082 in the same network namespace.
      expect(profile.port).not.toBe(8082);
    }
  });
});
