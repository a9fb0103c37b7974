import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION, type Specialist } from '@slm-fleet/api';

/** The annotation keeping the autoscaler's memory (scale-down window, idle clock) across restarts. */
export const AUTOSCALER_STATE_ANNOTATION = `${GROUP}/autoscaler-state`;

const FIELD_MANAGER = 'slm-fleet-autoscaler';
const asMergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The autoscaler's writes: replicas through the scale subresource, its state as an annotation. */
export class SpecialistScaleWriter {
  private readonly api: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig) {
    this.api = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** As `kubectl scale` and HPA do: spec.replicas through /scale, nothing else of the Specialist. */
  async scale(specialist: Specialist, replicas: number): Promise<void> {
    await this.api.patchNamespacedCustomObjectScale(
      { ...this.target(specialist), body: { spec: { replicas } }, fieldManager: FIELD_MANAGER },
      asMergePatch,
    );
  }

  async saveState(specialist: Specialist, state: string): Promise<void> {
    await this.api.patchNamespacedCustomObject(
      {
        ...this.target(specialist),
        body: { metadata: { annotations: { [AUTOSCALER_STATE_ANNOTATION]: state } } },
        fieldManager: FIELD_MANAGER,
      },
      asMergePatch,
    );
  }

  private target(specialist: Specialist) {
    const { name, namespace } = specialist.metadata;
    return { group: GROUP, version: VERSION, plural: 'specialists', namespace, name };
  }
}
