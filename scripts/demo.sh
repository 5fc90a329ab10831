#!/usr/bin/env bash
# The product's main job on its embedded defaults: set up, then run the on-device demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/edge-assistant demo "$@"
