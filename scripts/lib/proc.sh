# Process supervision by PID file: start detached, check alive, stop with TERM then KILL.

pid_file() { echo "$RUN_DIR/pids/$1.pid"; }

# Alive and not a zombie: a killed process can linger unreaped when nothing waits for it.
is_running() { # name
  local f pid state; f=$(pid_file "$1")
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Starts a command in its own session so it outlives this script, logging to LOG_DIR/name.log.
start_proc() { # name command...
  local name=$1; shift
  mkdir -p "$RUN_DIR/pids" "$LOG_DIR"
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$(pid_file "$name")"
}

stop_proc() { # name
  local f pid i; f=$(pid_file "$1")
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if is_running "$1"; then
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 50); do is_running "$1" || break; sleep 0.1; done
    is_running "$1" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$f"
}

# Polls a check command until it succeeds; on timeout names the step and its log.
wait_for() { # name seconds check-command...
  local name=$1 secs=$2 i; shift 2
  for i in $(seq 1 $((secs * 5))); do
    # Bounded: a check against a port held by something else may never get an answer.
    timeout 5 "$@" >/dev/null 2>&1 && return 0
    is_running "$name" || die "$name exited during start-up; see $LOG_DIR/$name.log"
    sleep 0.2
  done
  die "$name not ready after ${secs}s; see $LOG_DIR/$name.log"
}

# The port recorded for a component at its first start, so restarts keep their addresses.
port_of() { # name
  local f="$RUN_DIR/ports/$1"
  if [ ! -f "$f" ]; then mkdir -p "$RUN_DIR/ports"; free_port >"$f"; fi
  cat "$f"
}

port_is_listening() { # port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
