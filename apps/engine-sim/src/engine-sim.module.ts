import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule } from '@slm-fleet/service';
import { ApiMount } from './api-mount.js';
import { ENGINE_SIM_OPTIONS, type EngineSimOptions } from './engine-sim-options.js';
import { SimulatedEngine } from './simulated-engine.js';

/** The engine simulator: an OpenAI-compatible stand-in for GPU engines in tests and benchmarks. */
@Module({})
export class EngineSimModule {
  static forRoot(options: EngineSimOptions): DynamicModule {
    return {
      module: EngineSimModule,
      imports: [HealthModule],
      providers: [{ provide: ENGINE_SIM_OPTIONS, useValue: options }, SimulatedEngine, ApiMount],
    };
  }
}
