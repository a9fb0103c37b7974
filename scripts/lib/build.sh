# Builds the platform binaries from the Go module proxy through the wrapper modules in
# tools/platform/, each into its own versioned cache directory outside the repo, and only
# when that directory is missing. Sourced by scripts/platform.

# component -> "module-dir main-module [packages...]"
platform_components() {
  echo "k8s k8s.io/kubernetes k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl"
  echo "etcd go.etcd.io/etcd/server/v3 go.etcd.io/etcd/server/v3"
  echo "kwok sigs.k8s.io/kwok sigs.k8s.io/kwok/cmd/kwok"
  echo "helm helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm"
  echo "grpcurl github.com/fullstorydev/grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl"
}

# The pinned version of a wrapper's main module, read from its go.mod (the single source).
module_version() { # dir module
  sed -n "s|^[[:space:]]*\(require \)\{0,1\}$2 \(v[^ ]*\).*|\2|p" "$TOOLS_DIR/$1/go.mod" | head -n1
}

component_bin_dir() { # dir
  local mod; mod=$(platform_components | awk -v d="$1" '$1==d {print $2}')
  echo "$CACHE_DIR/$1-$(module_version "$1" "$mod")/bin"
}

go_env_for_build() {
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-trimpath -mod=readonly -buildvcs=false"
}

build_component() { # dir module packages...
  local dir=$1 mod=$2; shift 2
  local version; version=$(module_version "$dir" "$mod")
  [ -n "$version" ] || die "build $dir: no version of $mod in $TOOLS_DIR/$dir/go.mod"
  local out="$CACHE_DIR/$dir-$version"
  [ -d "$out/bin" ] && return 0
  local log="$CACHE_DIR/logs/build-$dir.log" ldflags="-s -w"
  if [ "$dir" = k8s ]; then
    local minor; minor=$(echo "$version" | cut -d. -f2)
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags="$ldflags -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$minor"
      ldflags="$ldflags -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
    done
  fi
  if [ "$dir" = helm ]; then
    ldflags="$ldflags -X helm.sh/helm/v3/internal/version.version=$version"
  fi
  if [ "$dir" = grpcurl ]; then
    ldflags="$ldflags -X main.version=$version"
  fi
  say "building $dir $version (cold builds take minutes; log: $log)"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp/bin"
  local started=$SECONDS
  if ! (cd "$TOOLS_DIR/$dir" && go_env_for_build && {
        go mod download &&
        if [ "$dir" = k8s ]; then
          go build -tags=selinux,notest,grpcnotrace -ldflags "$ldflags" -o "$out.tmp/bin/" "$@"
        elif [ "$dir" = etcd ]; then
          go build -ldflags "$ldflags" -o "$out.tmp/bin/etcd" "$@"
        else
          go build -ldflags "$ldflags" -o "$out.tmp/bin/" "$@"
        fi; }) >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "build $dir $version failed; see $log"
  fi
  if [ "$dir" = kwok ]; then copy_kwok_stages "$version" "$out.tmp"; fi
  mv "$out.tmp" "$out"
  say "built $dir $version in $((SECONDS - started))s"
}

# kwok 0.8 ships no built-in stages; the stage YAMLs come inside its module zip.
copy_kwok_stages() { # version out
  local src; src="$(cd "$TOOLS_DIR/kwok" && go env GOMODCACHE)/sigs.k8s.io/kwok@$1/kustomize/stage"
  local f
  : >"$2/stages.yaml"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    [ -f "$src/$f" ] || die "kwok stage $f missing from $src"
    { cat "$src/$f"; echo '---'; } >>"$2/stages.yaml"
  done
}

build_all() {
  command -v go >/dev/null || die "Go 1.26 is required to build the platform (go not found)"
  mkdir -p "$CACHE_DIR/logs"
  local line
  while read -r line; do
    # shellcheck disable=SC2086
    build_component $line
  done < <(platform_components)
}

platform_path() {
  local dir paths=""
  for dir in $(platform_components | awk '{print $1}'); do paths="$paths:$(component_bin_dir "$dir")"; done
  echo "${paths#:}"
}
