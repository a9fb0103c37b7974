import { describe, expect, it } from 'vitest';
import { ApplyTracker } from './apply-tracker.js';

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'extractor', namespace: 'team-a' },
  spec: { replicas },
});
const live = (generation: number | undefined, resourceVersion = '10') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'extractor', namespace: 'team-a', resourceVersion, ...(generation ? { generation } : {}) },
});

describe('ApplyTracker', () => {
  it('applies what it has never applied, or what does not exist', () => {
    const tracker = new ApplyTracker();
    expect(tracker.needsApply(deployment(1), live(1))).toBe(true);
    tracker.recordApplied(deployment(1), live(1));
    expect(tracker.needsApply(deployment(1), undefined)).toBe(true);
  });

  it('skips the same desired object while the live generation is the one it left', () => {
    const tracker = new ApplyTracker();
    tracker.recordApplied(deployment(1), live(4, '10'));
    // a status update by a controller: new resourceVersion, same generation
    expect(tracker.needsApply(deployment(1), live(4, '11'))).toBe(false);
  });

  it('applies again when the desired object changes or someone edits the spec', () => {
    const tracker = new ApplyTracker();
    tracker.recordApplied(deployment(1), live(4));
    expect(tracker.needsApply(deployment(2), live(4))).toBe(true);
    expect(tracker.needsApply(deployment(1), live(5))).toBe(true);
  });

  it('uses resourceVersion for kinds without a generation (Services)', () => {
    const tracker = new ApplyTracker();
    tracker.recordApplied(deployment(1), live(undefined, '10'));
    expect(tracker.needsApply(deployment(1), live(undefined, '10'))).toBe(false);
    expect(tracker.needsApply(deployment(1), live(undefined, '12'))).toBe(true);
  });

  it('forgets the children of an owner, so the next reconcile applies everything', () => {
    const tracker = new ApplyTracker();
    tracker.recordApplied(deployment(1), live(4));
    tracker.forgetOwner('team-a', 'extractor');
    expect(tracker.size).toBe(0);
    expect(tracker.needsApply(deployment(1), live(4))).toBe(true);
  });
});
