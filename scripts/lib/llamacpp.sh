# llama.cpp's llama-server and a tiny generated model: the real engine test/engines runs the
# worker against. llama.cpp comes from the sources the llama-cpp-python sdist vendors (PyPI is
# reachable where GitHub and Hugging Face may not be); the model is written by
# tools/tiny-gguf with the gguf package. Like the platform's Go binaries, everything is cached
# by version in $CACHE_DIR and built only when missing. Sourced by scripts/platform.

LLAMACPP_PY_VERSION=0.3.36 # llama-cpp-python, whose sdist carries vendor/llama.cpp
GGUF_PY_VERSION=0.19.0
NUMPY_VERSION=2.2.6

llamacpp_dir() { echo "$CACHE_DIR/llamacpp-$LLAMACPP_PY_VERSION"; }
llama_server_bin() { echo "$(llamacpp_dir)/bin/llama-server"; }
gguf_venv_dir() { echo "$(llamacpp_dir)/venv-gguf-$GGUF_PY_VERSION"; }

# Keyed by the generator's content, so an edited generator makes a new model, never a stale one.
tiny_gguf_path() {
  local sum; sum=$(sha256sum "$REPO_DIR/tools/tiny-gguf/make_tiny_model.py" | cut -c1-12)
  echo "$(llamacpp_dir)/models/tiny-$sum.gguf"
}

build_llama_server() {
  local out bin; out=$(llamacpp_dir); bin=$(llama_server_bin)
  [ -x "$bin" ] && return 0
  { command -v cmake && command -v c++; } >/dev/null ||
    die "building llama-server needs cmake and a C++ compiler (apt-get install cmake g++)"
  local log="$CACHE_DIR/logs/build-llamacpp.log" tmp="$out.tmp" v=$LLAMACPP_PY_VERSION
  local src="$out.tmp/llama_cpp_python-$v/vendor/llama.cpp"
  say "building llama-server from llama-cpp-python $v (cold builds take minutes; log: $log)"
  rm -rf "$tmp" && mkdir -p "$tmp" "$out/bin"
  local started=$SECONDS
  # GGML_NATIVE=OFF: a cached binary must run on any CI runner, not only the CPU that built it
  # (x86_64 then needs AVX2, as every runner since 2013 has). No UI (its assets would come from
  # Hugging Face), no HTTPS: the tests load a local file.
  if ! {
    python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$tmp" "llama-cpp-python==$v" &&
      tar -xzf "$tmp/llama_cpp_python-$v.tar.gz" -C "$tmp" &&
      cmake -S "$src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF \
        -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_UI=OFF \
        -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DGGML_CCACHE=OFF &&
      cmake --build "$tmp/build" --target llama-server -j "$(nproc)" &&
      install -m 755 "$tmp/build/bin/llama-server" "$bin.tmp" && mv "$bin.tmp" "$bin"
  } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "building llama-server (llama-cpp-python $v) failed; see $log"
  fi
  rm -rf "$tmp"
  say "built llama-server $v in $((SECONDS - started))s ($(du -h "$bin" | cut -f1))"
}

# A venv of its own: the system Python stays untouched and the gguf version stays pinned.
ensure_gguf_venv() {
  local venv; venv=$(gguf_venv_dir)
  [ -f "$venv/.complete" ] && return 0
  local log="$CACHE_DIR/logs/build-gguf-venv.log"
  say "creating a Python venv with gguf $GGUF_PY_VERSION (log: $log)"
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" &&
    "$venv/bin/python" -m pip install --quiet "gguf==$GGUF_PY_VERSION" "numpy==$NUMPY_VERSION"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "creating the gguf venv failed (Debian needs python3-venv); see $log"
  fi
  touch "$venv/.complete"
}

ensure_tiny_gguf() {
  local model; model=$(tiny_gguf_path)
  [ -f "$model" ] && return 0
  mkdir -p "$(dirname "$model")"
  "$(gguf_venv_dir)/bin/python" "$REPO_DIR/tools/tiny-gguf/make_tiny_model.py" "$model.tmp" >&2 ||
    die "generating the tiny model failed (tools/tiny-gguf/make_tiny_model.py)"
  mv "$model.tmp" "$model"
  say "generated $model ($(du -h "$model" | cut -f1))"
}

build_llamacpp() {
  mkdir -p "$CACHE_DIR/logs"
  build_llama_server
  ensure_gguf_venv
  ensure_tiny_gguf
}

# Where tests find the engine and its model (libs/testing/src/llama-server.ts reads these).
llamacpp_env() {
  echo "export SLM_LLAMA_SERVER=$(llama_server_bin)"
  echo "export SLM_TINY_GGUF=$(tiny_gguf_path)"
}
