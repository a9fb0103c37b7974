# Redis from Debian's redis-server: one instance (AOF on, noeviction) and, on request,
# a three-master Redis Cluster. All on loopback.

ensure_redis_installed() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  say "installing Debian's redis-server (apt-get; log: $LOG_DIR/apt.log)"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
  { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends redis-server redis-tools; } \
    >"$LOG_DIR/apt.log" 2>&1 || die "installing redis-server failed; see $LOG_DIR/apt.log"
  # Debian may start its own service on 6379; we use our own instances on free ports.
  { $sudo systemctl disable --now redis-server || $sudo service redis-server stop; } >/dev/null 2>&1 || true
}

start_redis_instance() { # name port [extra redis-server args...]
  local name=$1 port=$2; shift 2
  is_running "$name" && return 0
  mkdir -p "$RUN_DIR/$name"
  start_proc "$name" redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
    --dir "$RUN_DIR/$name" --appendonly yes --appendfsync everysec --save '' \
    --maxmemory-policy noeviction --daemonize no "$@"
  wait_for "$name" 20 redis-cli -p "$port" ping
}

redis_up() {
  ensure_redis_installed
  start_redis_instance redis "$(port_of redis)"
}

redis_cluster_up() {
  local i ports=()
  for i in 0 1 2; do
    ports+=("$(port_of "redis-cluster-$i")")
    # The bus port must be set: the default (port + 10000) may be taken or above 65535.
    start_redis_instance "redis-cluster-$i" "${ports[$i]}" --cluster-enabled yes \
      --cluster-port "$(port_of "redis-cluster-$i-bus")" --cluster-config-file nodes.conf --cluster-node-timeout 3000
  done
  if ! redis-cli -p "${ports[0]}" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; then
    if [ "$(redis-cli -p "${ports[0]}" cluster info | sed -n 's/cluster_known_nodes:\([0-9]*\).*/\1/p')" = 1 ]; then
      redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes \
        >>"$LOG_DIR/redis-cluster-create.log" 2>&1 || die "redis cluster create failed; see $LOG_DIR/redis-cluster-create.log"
    fi
    wait_for redis-cluster-0 30 sh -c "redis-cli -p ${ports[0]} cluster info | grep -q cluster_state:ok"
  fi
  echo "${ports[*]/#/127.0.0.1:}" | tr ' ' ',' >"$RUN_DIR/redis-cluster-nodes"
}

redis_cluster_requested() { [ -f "$RUN_DIR/redis-cluster-nodes" ]; }
