import type { PodEngineKind } from '../engine-kind.js';
import type { Launcher } from './engine-launch.js';
import { launchLlamacpp } from './llamacpp.js';
import { launchNim } from './nim.js';
import { launchOllama } from './ollama.js';
import { launchSglang } from './sglang.js';
import { launchTgi } from './tgi.js';
import { launchVllm } from './vllm.js';

export const launchers: Readonly<Record<PodEngineKind, Launcher>> = {
  vllm: launchVllm,
  sglang: launchSglang,
  llamacpp: launchLlamacpp,
  ollama: launchOllama,
  tgi: launchTgi,
  nim: launchNim,
};
