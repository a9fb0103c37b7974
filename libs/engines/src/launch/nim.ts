import type { V1EnvVar } from '@kubernetes/client-node';
import type { CheckedInput } from '../check-input.js';
import type { ModelSource } from '../model-source.js';
import type { PodVolumes } from '../pod-volumes.js';
import type { Launcher } from './engine-launch.js';

/** NIM 2.x reads vLLM arguments from this variable where a command line is not available. */
const passthroughArgs = 'NIM_PASSTHROUGH_ARGS';

/**
 * A NIM image runs its own entrypoint and reads NIM_* variables (docs.nvidia.com/nim/large-language-
 * models, "Environment Variables" and "Model-Free NIM"): NIM_MODEL_PATH takes ngc://, hf://, s3://
 * or an absolute path; the health endpoints share NIM_SERVER_PORT. NIM sizes its batch from the
 * selected profile, so maxConcurrency is enforced by the worker alone.
 */
export const launchNim: Launcher = (checked, volumes) => {
  const { input, profile, model } = checked;
  return {
    args: [],
    env: [
      { name: 'NIM_MODEL_PATH', value: modelPath(model, volumes) },
      { name: 'NIM_SERVED_MODEL_NAME', value: input.model.servedName },
      { name: 'NIM_SERVER_PORT', value: String(profile.port) },
      ...toolCallEnv(checked),
    ],
    ...(absorbsPassthrough(checked) ? { absorbedEnv: [passthroughArgs] } : {}),
    modelNames: { base: input.model.servedName, adapters: {} },
  };
};

/**
 * NIM 2.x ("Tool Calling and MCP Integration") takes vLLM's two tool-call arguments through
 * NIM_PASSTHROUGH_ARGS on Kubernetes; the NIM_ENABLE_AUTO_TOOL_CHOICE and NIM_TOOL_CALL_PARSER
 * variables of NIM 1.x are gone from 2.x, which the NIM_MODEL_PATH used here requires. The
 * user's own NIM_PASSTHROUGH_ARGS follows ours, so a repeated argument of theirs wins.
 */
function toolCallEnv({ input, toolCalling }: CheckedInput): V1EnvVar[] {
  if (toolCalling.parser === undefined) return [];
  const own = `--enable-auto-tool-choice --tool-call-parser ${toolCalling.parser}`;
  const user = input.env?.find(({ name }) => name === passthroughArgs);
  return [{ name: passthroughArgs, value: user ? `${own} ${user.value}` : own }];
}

function absorbsPassthrough({ input, toolCalling }: CheckedInput): boolean {
  return toolCalling.parser !== undefined && (input.env?.some(({ name }) => name === passthroughArgs) ?? false);
}

function modelPath(model: ModelSource, volumes: PodVolumes): string {
  switch (model.scheme) {
    case 'hf':
      // NIM's own hf:// form, where a tag is a revision.
      return `hf://${model.repo}${model.tag === undefined ? '' : `:${model.tag}`}`;
    case 'pvc':
      return volumes.pvcPath(model.claim, model.path);
    case 's3':
    case 'ngc':
      return model.uri;
    case 'ollama':
      throw new Error('model.uri: nim cannot load ollama:// models.');
  }
}
