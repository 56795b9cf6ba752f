#!/usr/bin/env bash
# The live views' frame time on the GPU machine (docs/studio.md, "Live frame time"): run from the
# repository root there, with the pack of tests/gpu/pack_studio.sh carried (.devcarry/studio.tar.xz)
# and the Vulkan loader debs of the device README in .gl. Unpacks the pack under /tmp, points the
# loader at the NVIDIA ICD, and runs `archscope-studio --frame-time` on Qt's offscreen platform at
# 1600x1000 (frames rendered into a VkImage on the GPU and read back, back to back), for the
# expert heatmap per step and cumulative, then for every other live view. Results go to $OUT
# (frame_time.txt: the app's lines; setup.txt: GPU, driver, ICD, loader; stderr.log).
#   tests/gpu/studio_frame_time.sh [PACK]         (PACK defaults to .devcarry/studio.tar.xz)
# Here, to test the pack: VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json OUT=/tmp/o ...
set -uo pipefail
pack="${1:-.devcarry/studio.tar.xz}"
out="${OUT:-/tmp/studio-frame-time}"
mkdir -p "$out"
work="${STUDIO_WORK:-/tmp/archscope-studio-pack}"
rm -rf "$work" && mkdir -p "$work" && tar -C "$work" -xJf "$pack" || {
  echo "studio_frame_time: cannot unpack $pack" >&2
  exit 1
}
s="$work/studio"
setup="$out/setup.txt"
: > "$setup"

# The Vulkan loader: the pack has one (lib/libvulkan.so.1); the README's .gl debs give the
# glvnd libraries too, unpacked into / as the device README says (root only, a bare machine).
if [ -d .gl ] && [ "$(id -u)" = 0 ] && ! ldconfig -p | grep -q 'libGLX.so.0 '; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
icd="${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}"
export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
nv_libs=""
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/local/cuda/lib64; do
  [ -d "$d" ] && nv_libs="$nv_libs:$d"
done
export LD_LIBRARY_PATH="$s/lib$nv_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export QT_PLUGIN_PATH="$s/plugins" QT_QPA_PLATFORM=offscreen
export FONTCONFIG_FILE="$s/fonts/fonts.conf"
export ARCHSCOPE_PRESET_DIR="$s/share/presets" ARCHSCOPE_ASSET_DIR="$s/share/assets"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# The ImGui views read their font from Debian's path (imgui_layer.cpp); without it they fall back
# to ImGui's bitmap font and the frames would not be the app's.
imgui_font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [ ! -e "$imgui_font" ] && [ "$(id -u)" = 0 ]; then
  install -D -m 644 "$s/fonts/DejaVuSans.ttf" "$imgui_font"
fi

{
  echo "pack commit: $(cat "$s/commit" 2>/dev/null)"
  echo "host: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
  command -v nvidia-smi >/dev/null &&
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  echo "VK_DRIVER_FILES=$icd"
  cat "$icd" 2>&1
  echo "loader: $(ldconfig -p | grep -m1 'libvulkan.so.1 ') (the pack's lib/ comes first)"
  echo "missing libraries (ldd, pack's LD_LIBRARY_PATH):"
  ldd "$s/bin/archscope-studio" "$s/plugins/platforms/libqoffscreen.so" | grep 'not found' || echo none
  echo "ImGui font: $(ls "$imgui_font" 2>&1)"
} >> "$setup" 2>&1
cat "$setup"

db="$work/frame-time.db"
model="$s/share/moe-94x128.json"
status=0
run_one() {  # label, then archscope-studio arguments
  local label="$1"
  shift
  local log="$work/$label.txt"
  echo "== $label: archscope-studio --frame-time --size 1600x1000 $*" > "$log"
  timeout 180 "$s/bin/archscope-studio" --frame-time --size 1600x1000 --config "$model" --db "$db" \
    "$@" >> "$log" 2>> "$out/stderr.log"
  local rc=$?
  [ $rc = 0 ] || { echo "(exit $rc)" >> "$log"; status=1; }
  cat "$log" | tee -a "$out/frame_time.txt"
}
run_one experts-per-step --view live-experts --heatmap per-step
run_one experts-cumulative --view live-experts --heatmap cumulative
if [ "${STUDIO_ALL_VIEWS:-1}" = 1 ]; then
  for v in live-layer-time live-timeline live-throughput live-kv live-quant live-roofline \
    live-residual; do
    run_one "$v" --view "$v"
  done
fi
# The device must be the GPU, not a CPU rasteriser.
if grep -q 'device pixels, .*llvmpipe' "$out/frame_time.txt"; then
  echo "studio_frame_time: WARNING: the views rendered on lavapipe (llvmpipe), not the GPU" |
    tee -a "$out/frame_time.txt"
fi
exit $status
