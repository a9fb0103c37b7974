# Shared settings and helpers for scripts/platform. Everything binds to 127.0.0.1.

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TOOLS_DIR="$REPO_DIR/tools/platform"
# Binaries are cached by version outside the repo, shared by every clone on the machine.
CACHE_DIR=${SLM_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/slm-fleet}
# Runtime state (data, certs, pids, logs) of one platform instance.
RUN_DIR=${SLM_FLEET_RUN_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/slm-fleet/platform}
LOG_DIR="$RUN_DIR/logs"

say() { printf '[%s] %s\n' "${LOG_TAG:-platform}" "$*" >&2; }
die() { printf '[%s] error: %s\n' "${LOG_TAG:-platform}" "$*" >&2; exit 1; }

# A free TCP port on loopback, chosen by the kernel.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
