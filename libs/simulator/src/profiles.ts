/**
 * What the simulator stands in for. `default`: a GPU engine serving a small specialist, as
 * fast as the flags say. `large-model`: a large model behind an OpenAI-compatible endpoint
 * (the fallback tier): slower, and always right, so it never answers off schema or with low
 * confidence, whatever the switches say.
 */
export type SimulatorProfile = 'default' | 'large-model';

export const SIMULATOR_PROFILES = ['default', 'large-model'] as const satisfies readonly SimulatorProfile[];

export interface ProfileLatency {
  /** Time to first token, ms. */
  ttft: number;
  /** Time per output token, ms. */
  tpot: number;
}

/**
 * The latency of a profile when the flags name none: a hosted large model's first token takes
 * a few hundred ms and its tokens come at about 65 a second.
 */
export function profileLatency(profile: SimulatorProfile): ProfileLatency {
  return profile === 'large-model' ? { ttft: 400, tpot: 15 } : { ttft: 0, tpot: 0 };
}

export function isSimulatorProfile(value: unknown): value is SimulatorProfile {
  return SIMULATOR_PROFILES.includes(value as SimulatorProfile);
}
