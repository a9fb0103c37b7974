import type { AgentTaskSpec } from '@slm-fleet/api';
import type { Tool } from '@slm-fleet/proto';
import type { LocalResources } from '@slm-fleet/router';
import type { DemoTraffic } from './demo-workload.js';
import { isLargeModel } from './large-model.js';

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

/**
 * The tasks the demo calls: every task local mode serves but those only a large model serves.
 * The demo reaches the large model as its tasks' fallback, which is what it shows; steady
 * traffic of its own would hide that, and with --llm-url every such call is billed.
 */
export function demoTaskNames({ specialists, agentTasks }: LocalResources): string[] {
  const servedBy = new Map<string, string[]>();
  const add = (task: string, specialist: string) => servedBy.set(task, [...(servedBy.get(task) ?? []), specialist]);
  // An AgentTask names its Specialists; a task without one goes to the Specialists listing it.
  for (const task of agentTasks) for (const s of task.spec.specialists) add(task.metadata.name, s.name);
  const declared = new Set(agentTasks.map((t) => t.metadata.name));
  for (const s of specialists) for (const task of s.spec.tasks) if (!declared.has(task)) add(task, s.metadata.name);
  const large = new Set(specialists.filter(isLargeModel).map((s) => s.metadata.name));
  return [...servedBy]
    .filter(([, names]) => !names.every((name) => large.has(name)))
    .map(([task]) => task)
    .sort();
}
