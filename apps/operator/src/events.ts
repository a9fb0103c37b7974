import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { LoggerService } from '@nestjs/common';

export interface EventSubject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid?: string };
}

/**
 * Records Kubernetes Events on a Specialist or AgentTask for what the operator did, so
 * `kubectl describe` tells the story. Best effort: a failed event never fails a reconcile.
 */
export class EventRecorder {
  private readonly core: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly logger: LoggerService,
    private readonly instance: string,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async record(subject: EventSubject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const now = new Date();
    const { name, namespace, uid } = subject.metadata;
    try {
      await this.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { generateName: `${name}.`, namespace },
          involvedObject: {
            apiVersion: subject.apiVersion,
            kind: subject.kind,
            name,
            namespace,
            ...(uid ? { uid } : {}),
          },
          type,
          reason,
          message,
          source: { component: 'slm-fleet-operator' },
          reportingComponent: 'slm-fleet-operator',
          reportingInstance: this.instance,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (error) {
      this.logger.warn?.({
        msg: 'could not record event',
        reason,
        object: `${namespace}/${name}`,
        error: String(error),
      });
    }
  }
}
