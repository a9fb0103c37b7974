# syntax=docker/dockerfile:1
# The slm-fleet image: one image for every subcommand of the `slm-fleet` CLI (operator, router,
# worker, engine-sim). The Helm chart runs its operator and router from it, and the operator
# runs its worker subcommand beside every Specialist's engine.
#
#   docker build -t slm-fleet:0.1.0 .
#   docker run --rm slm-fleet:0.1.0 --help
#
# test/image builds this file with podman and runs it as the chart does. test/chart/dockerfile.test.ts
# checks what reading it can: every path copied exists after `npm run build`, nothing imported
# at run time is pruned, and the entrypoint is the CLI whose parser takes the chart's and the
# operator's container arguments.

# Node.js 24 LTS. Pin a digest as well (node:24.20.0-bookworm-slim@sha256:...) where builds
# must be reproducible; override with --build-arg NODE_IMAGE=...
ARG NODE_IMAGE=node:24.20.0-bookworm-slim

# ---- build: install with the lockfile, compile, then drop what only the build needs ----------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# The whole (dockerignored) source: npm ci runs the root `prepare` script, which compiles every
# workspace package (tsc -b tsconfig.build.json), so the sources must be there.
COPY . .
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
RUN npm run build
# Production dependencies only: what the lockfile does not mark dev (the test checks that every
# package the compiled code imports is among them).
RUN --mount=type=cache,target=/root/.npm \
    npm prune --omit=dev --no-audit --no-fund
# Of each workspace package keep its manifest, its compiled dist/, the CLI's bin/ and its own
# node_modules/ (npm nests a dependency there when its version differs from the root's):
# sources, build info and source maps stay behind.
# The image's package list (/app/packages.txt, name@version a line): what the pruned
# node_modules holds, nested copies included. `npm sbom` was tried: it leaves out most
# dependencies of workspace packages (bullmq, ioredis, grpc-js), so it is not used.
RUN npm ls --omit=dev --all --parseable --long | sed -e 's/^[^:]*://' -e 's/:.*$//' | sort -u > /src/packages.txt
RUN find apps libs -mindepth 2 -maxdepth 2 \
      ! -name dist ! -name bin ! -name node_modules ! -name package.json -exec rm -rf {} + \
 && find apps/*/dist libs/*/dist -type f \( -name '*.tsbuildinfo' -o -name '*.map' \) -delete

# ---- runtime root: Node.js and the C libraries it loads, nothing else -----------------------
# No shell, no package manager, no coreutils: what runs in the image is node. The libraries are
# the ones the node binary links (ldd; glibc's resolver, files and dns included since 2.34).
# /etc holds a passwd and group naming uid/gid 65532, so os.userInfo() works.
FROM ${NODE_IMAGE} AS runtime-root
RUN mkdir -p /rootfs/usr/local/bin /rootfs/etc /rootfs/tmp \
 && cp /usr/local/bin/node /rootfs/usr/local/bin/node \
 && ldd /usr/local/bin/node | grep -o '/[^ ]*' | sort -u | xargs -I{} cp --parents -L {} /rootfs \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > /rootfs/etc/passwd \
 && printf 'root:x:0:\nnonroot:x:65532:\n' > /rootfs/etc/group \
 && printf 'hosts: files dns\n' > /rootfs/etc/nsswitch.conf \
 && chmod 1777 /rootfs/tmp

# ---- runtime ------------------------------------------------------------------------------
FROM scratch
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="slm-fleet" \
      org.opencontainers.image.description="Serve fleets of small language model specialists on Kubernetes: operator, router, worker, engine simulator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=runtime-root /rootfs/ /
ENV NODE_ENV=production PATH=/usr/local/bin
WORKDIR /app
# Owned by root and read-only to the service user. node_modules/@slm-fleet/* are symlinks into
# apps/ and libs/, so the layout is kept as it is in the repository.
COPY --from=build /src/package.json /src/packages.txt ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/apps ./apps
COPY --from=build /src/libs ./libs
# Not root: uid/gid 65532, as the chart's runAsUser says.
USER 65532:65532
EXPOSE 8080 8081 8082 50051
ENTRYPOINT ["node", "/app/apps/cli/bin/slm-fleet.js"]
CMD ["--help"]
