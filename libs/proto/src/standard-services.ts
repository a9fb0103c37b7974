// The services every slm-fleet gRPC server adds beside its own: grpc.health.v1 (Kubernetes gRPC
// probes, load balancers) and server reflection (grpcurl and other tools need no .proto files).
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { Server } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { FILE_DESCRIPTOR_SET_BASE64 } from './gen/descriptor-set.js';

export { HealthImplementation };

/** The full name of the AgentRouter service, as health checks and reflection name it. */
export const AGENT_ROUTER_SERVICE_NAME = 'slm.v1.AgentRouter';

/** '' is the whole server (what a Kubernetes gRPC probe asks about when it names no service). */
const HEALTH_SERVICES = ['', AGENT_ROUTER_SERVICE_NAME];

/**
 * What reflection describes: slm.v1 with google/protobuf/struct.proto, grpc.health.v1 and
 * grpc.reflection.v1/v1alpha (so `grpcurl list` shows every service the server has).
 *
 * The descriptors are the FileDescriptorSet that `buf build` produced at generation time, embedded
 * in gen/descriptor-set.ts: they travel inside the compiled JavaScript, so neither dist/ nor a
 * container image needs .proto files at run time, and they cannot drift from the generated types.
 */
export function reflectionPackageDefinition(): PackageDefinition {
  const set = Buffer.from(FILE_DESCRIPTOR_SET_BASE64, 'base64');
  const files = fromBinary(FileDescriptorSetSchema, set).file.map((file) =>
    Buffer.from(toBinary(FileDescriptorProtoSchema, file)),
  );
  const definition = loadFileDescriptorSetFromBuffer(set);
  // proto-loader re-encodes descriptors through protobufjs, which breaks map entries and loses
  // imports (grpcurl then fails to resolve google.protobuf.Value); serve buf's bytes instead.
  for (const entry of Object.values(definition)) {
    if ('fileDescriptorProtos' in entry) entry.fileDescriptorProtos = files;
  }
  return definition;
}

/**
 * Registers health checking and server reflection (v1 and v1alpha) on a server, before it binds.
 * Health starts SERVING (or NOT_SERVING when `serving` is false) for '' and slm.v1.AgentRouter.
 */
export function addStandardServices(
  server: Server,
  options: { serving?: boolean } = {},
): { health: HealthImplementation } {
  const health = new HealthImplementation();
  setServing(health, options.serving ?? true);
  health.addToServer(server);
  new ReflectionService(reflectionPackageDefinition()).addToServer(server);
  return { health };
}

/**
 * Sets health for '' and slm.v1.AgentRouter: NOT_SERVING while a router drains, so probes and
 * load balancers stop sending it calls while those in flight finish. Watchers are notified.
 */
export function setServing(health: HealthImplementation, serving: boolean): void {
  for (const service of HEALTH_SERVICES) health.setStatus(service, serving ? 'SERVING' : 'NOT_SERVING');
}
