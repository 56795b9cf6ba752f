#!/usr/bin/env bash
# Installs dependencies, builds archscope and runs the main job. With no arguments: the analytic
# report of DeepSeek-V3 on an H100 at 32k context. Any arguments are passed to the CLI instead,
# e.g. ./packaging/run.sh analyze --preset gemma3-27b --context 131072.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ARCHSCOPE_BUILD:-$root/build}"
"$root/packaging/build.sh" "$build" >&2
if [[ $# -eq 0 ]]; then
  set -- analyze --preset deepseek-v3 --hardware h100-sxm --context 32768
fi
exec "$build/bin/archscope" "$@"
