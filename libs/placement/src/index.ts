export { defaultGpuProfiles, type GpuProfile } from './gpu-profile.js';
export { parseGpuProfiles } from './parse-gpu-profiles.js';
export { maxProfilesPerPlacement, placementFor, preferenceWeights, type Placement } from './placement-for.js';
