// Down only after the delay, and only to the highest recommendation within the window, so a
// brief lull does not throw away replicas the next burst needs. Samples are 10 s apart.
import { describe, expect, it } from 'vitest';
import { replicasOf, run, specWith } from './signals.fixture.js';

const delay30 = specWith({ scaleDownDelaySeconds: 30, minReplicas: 1 });

describe('scale-down delay and window', () => {
  it('holds, then steps down to the highest recommendation still in the window', () => {
    // Recommendations 10, 6, 2, 2, 2: the 10 leaves the window at 30 s, the 6 at 40 s.
    const decisions = run(delay30, [{ waiting: 40 }, { waiting: 24 }, { waiting: 8 }, { waiting: 8 }, { waiting: 8 }]);
    expect(replicasOf(decisions)).toEqual([10, 10, 10, 6, 2]);
  });

  it('explains a delayed and a partial scale-down', () => {
    const decisions = run(delay30, [{ waiting: 40 }, { waiting: 24 }, { waiting: 8 }, { waiting: 8 }]);
    expect(decisions[1]!.reason).toBe('scale-down delayed: highest in last 30 s is 10');
    expect(decisions[3]!.reason).toBe('scaling down to 6, the highest in last 30 s');
  });

  it('scales down at once with no delay', () => {
    const decisions = run(specWith({ scaleDownDelaySeconds: 0, minReplicas: 1 }), [{ waiting: 40 }, { waiting: 8 }]);
    expect(replicasOf(decisions)).toEqual([10, 2]);
  });

  it('scales up at once inside the window', () => {
    const decisions = run(delay30, [{ waiting: 40 }, { waiting: 4 }, { waiting: 60 }]);
    expect(replicasOf(decisions)).toEqual([10, 10, 15]);
  });

  it('does not scale down on a fresh state before watching a whole window', () => {
    // A restart that lost its state sees 10 replicas and little load: it waits one window.
    const decisions = run(delay30, [{ waiting: 4 }, { waiting: 4 }, { waiting: 4 }, { waiting: 4 }], {
      currentReplicas: 10,
    });
    expect(replicasOf(decisions)).toEqual([10, 10, 10, 1]);
  });
});
