# The Python clients agents are written with (the openai package, LangChain), in a venv of
# their own, pinned by tools/python-clients/requirements.txt and cached by its content in
# $CACHE_DIR. test/frameworks/python-clients.test.ts runs them. Sourced by scripts/platform.

python_clients_dir() {
  local sum; sum=$(sha256sum "$REPO_DIR/tools/python-clients/requirements.txt" | cut -c1-12)
  echo "$CACHE_DIR/python-clients-$sum"
}

build_python_clients() {
  local venv; venv=$(python_clients_dir)
  [ -f "$venv/.complete" ] && return 0
  local log="$CACHE_DIR/logs/build-python-clients.log" started=$SECONDS
  say "creating a Python venv with the openai and LangChain clients (log: $log)"
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" &&
    "$venv/bin/python" -m pip install --quiet -r "$REPO_DIR/tools/python-clients/requirements.txt"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "installing the Python clients failed (Debian needs python3-venv); see $log"
  fi
  touch "$venv/.complete"
  say "installed the Python clients in $((SECONDS - started))s"
}

python_clients_env() { echo "export SLM_PYTHON_CLIENTS=$(python_clients_dir)/bin/python"; }
