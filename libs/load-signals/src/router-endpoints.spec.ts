import { describe, expect, it } from 'vitest';
import { routerMetricsUrls } from './router-endpoints.js';

const slice = (addresses: string[][], extra: Record<string, unknown> = {}) => ({
  addressType: 'IPv4',
  ports: [
    { name: 'http', port: 8080 },
    { name: 'grpc', port: 50051 },
  ],
  endpoints: addresses.map((a) => ({ addresses: a, conditions: { ready: true } })),
  ...extra,
});

describe('routerMetricsUrls', () => {
  it('gives one URL per ready router, by the named port', () => {
    expect(routerMetricsUrls([slice([['10.0.0.2'], ['10.0.0.1']])], 'http')).toEqual([
      'http://10.0.0.1:8080/metrics',
      'http://10.0.0.2:8080/metrics',
    ]);
  });

  it('leaves out routers not ready or terminating, and FQDN slices', () => {
    const mixed = {
      ...slice([]),
      endpoints: [
        { addresses: ['10.0.0.1'], conditions: { ready: false } },
        { addresses: ['10.0.0.2'], conditions: { ready: true, terminating: true } },
        { addresses: ['10.0.0.3'], conditions: {} },
      ],
    };
    expect(routerMetricsUrls([mixed, slice([['x.example']], { addressType: 'FQDN' })], 'http')).toEqual([
      'http://10.0.0.3:8080/metrics',
    ]);
  });

  it('takes a port number, brackets IPv6, and gives nothing for an unknown port name', () => {
    expect(routerMetricsUrls([slice([['fd00::1']], { addressType: 'IPv6' })], 9090)).toEqual([
      'http://[fd00::1]:9090/metrics',
    ]);
    expect(routerMetricsUrls([slice([['10.0.0.1']])], 'metrics')).toEqual([]);
  });
});
