#!/usr/bin/env bash
# Installs dependencies, builds archscope and opens the desktop app, archscope-studio, on
# DeepSeek-V3 (an H100 at 32k context is the default what-if). Without a display (no DISPLAY or
# WAYLAND_DISPLAY) it says so and prints the CLI's analytic report of the same model instead.
# Any arguments are passed to the CLI, e.g. ./packaging/run.sh analyze --preset gemma3-27b --context 131072.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ARCHSCOPE_BUILD:-$root/build}"
"$root/packaging/build.sh" "$build" >&2
if [[ $# -gt 0 ]]; then
  exec "$build/bin/archscope" "$@"
fi
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "run.sh: no display (DISPLAY and WAYLAND_DISPLAY are unset), so archscope-studio cannot open a window." >&2
  echo "run.sh: here is the CLI's report instead; in a desktop session this opens $build/bin/archscope-studio." >&2
  exec "$build/bin/archscope" analyze --preset deepseek-v3 --hardware h100-sxm --context 32768
fi
if [[ ! -x "$build/bin/archscope-studio" ]]; then
  echo "run.sh: archscope-studio was not built (Qt 6, Vulkan or Dear ImGui missing: see the cmake output above)." >&2
  exec "$build/bin/archscope" analyze --preset deepseek-v3 --hardware h100-sxm --context 32768
fi
exec "$build/bin/archscope-studio" --preset deepseek-v3 --hardware h100-sxm --context 32768
