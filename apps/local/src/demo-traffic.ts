import type { AgentTaskSpec } from '@slm-fleet/api';
import type { Tool } from '@slm-fleet/proto';
import type { DemoTraffic } from './demo-workload.js';

/** A task the demo calls; a task with tools gets an agent's tool loop instead of single calls. */
export interface DemoTask {
  name: string;
  priority: number;
  tools?: Tool[];
}

/**
 * The demo's traffic over the tasks local mode serves, highest priority first: the first
 * task runs steadily with a hard burst now and then (replicas jump, then come back after
 * the scale-down delay); the second comes only in bursts (its Specialist may scale from and
 * to zero); the rest stay steady.
 */
export function demoTrafficFor(tasks: readonly DemoTask[]): DemoTraffic[] {
  const ordered = [...tasks].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  return ordered.map(({ name, tools }, index) => ({
    task: name,
    prompt: tools?.[0]
      ? `Customer: where is my order INV-${100 + index}? Please ${tools[0].name.replaceAll('_', ' ')}.`
      : `A demo call of ${name}: Invoice INV-${100 + index}, 120.50 EUR, due 2026-12-01.`,
    ...(tools?.length ? { tools } : {}),
    baseRatePerSecond: index === 0 ? 2 : index === 1 ? 0 : 1,
    // The first bursts come early, so a newcomer sees replicas added within half a minute.
    ...(index === 0 ? { burst: { ratePerSecond: 14, seconds: 20, everySeconds: 90, firstAtSeconds: 15 } } : {}),
    ...(index === 1 ? { burst: { ratePerSecond: 8, seconds: 15, everySeconds: 60, firstAtSeconds: 30 } } : {}),
  }));
}

/** The demo's view of a task: its priority, and its tool set (as gRPC tools) when it has one. */
export function demoTaskOf(name: string, spec: AgentTaskSpec | undefined): DemoTask {
  const tools = spec?.tools?.map((t) => ({
    name: t.name,
    description: t.description ?? '',
    parameters: t.parameters ? JSON.stringify(t.parameters) : '',
    ...(t.strict === undefined ? {} : { strict: t.strict }),
  }));
  return { name, priority: spec?.priority ?? 0, ...(tools?.length ? { tools } : {}) };
}
