#!/usr/bin/env bash
# The product's main job on its embedded defaults: set up, then run a scripted conversation on a
# fresh demo bank with the on-device models. The first run converts the specialists' base model from
# its package (the `export` extra carries the converter); later runs start at once.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh export
exec .venv/bin/edge-assistant demo "$@"
