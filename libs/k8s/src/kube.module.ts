import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { Readiness } from '@slm-fleet/service';

const API_SERVER_CHECK_TIMEOUT_MS = 2_000;

class ApiServerReadiness implements OnModuleInit {
  constructor(
    @Inject(KubeConfig) private readonly kubeConfig: KubeConfig,
    private readonly readiness: Readiness,
  ) {}

  onModuleInit(): void {
    const version = this.kubeConfig.makeApiClient(VersionApi);
    this.readiness.register({
      name: 'kube-apiserver',
      check: async () => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('kube-apiserver did not answer in time')),
            API_SERVER_CHECK_TIMEOUT_MS,
          );
        });
        try {
          await Promise.race([version.getCode(), timeout]);
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }
}

/** Provides the KubeConfig (inject `KubeConfig`) and a kube-apiserver readiness check. */
@Module({})
export class KubeModule {
  static forRoot(kubeConfig: KubeConfig): DynamicModule {
    return {
      module: KubeModule,
      providers: [{ provide: KubeConfig, useValue: kubeConfig }, ApiServerReadiness],
      exports: [KubeConfig],
    };
  }
}
