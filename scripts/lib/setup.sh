# Set-up shared by scripts/test and scripts/start: prerequisites and Node dependencies.

require_tools() {
  local missing=()
  # cmake and c++ build llama-server for the engine tests (scripts/lib/llamacpp.sh).
  for tool in node npm go python3 openssl curl cmake c++; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] || die "missing prerequisites: ${missing[*]} (see README: Prerequisites)"
  require_node
  go version | grep -Eq 'go1\.(2[6-9]|[3-9][0-9])' || die "Go >= 1.26 is required to build the platform, found: $(go version)"
}

# Local mode needs only Node (and Redis, installed on demand); tests need the rest too.
require_node() {
  command -v node >/dev/null && command -v npm >/dev/null || die "Node.js >= 20.19 with npm is required (see README: Prerequisites)"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    die "Node >= 20.19 is required, found $(node --version)"
}

# npm ci when node_modules does not match the lockfile (always in CI). npm ci also builds
# (the root package's `prepare` script), so the slm-fleet executable is ready afterwards.
ensure_node_deps() {
  local stamp="$REPO_DIR/node_modules/.slm-fleet-lock.sha"
  local want; want=$(sha256sum "$REPO_DIR/package-lock.json" | cut -d' ' -f1)
  if [ "${CI:-}" = true ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "npm ci"
    (cd "$REPO_DIR" && npm ci --no-audit --no-fund) || die "npm ci failed"
    echo "$want" >"$stamp"
  else
    (cd "$REPO_DIR" && npm run --silent build) || die "build failed (npm run build)"
  fi
}

# Times each phase so the README's cold/warm figures can be read off a run.
phase() { # name command...
  local name=$1 started=$SECONDS; shift
  say "== $name"
  "$@" || die "$name failed"
  say "== $name done in $((SECONDS - started))s"
}
