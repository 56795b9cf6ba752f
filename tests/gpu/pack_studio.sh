#!/usr/bin/env bash
# Packs archscope-studio for the GPU machine's frame-time benchmark (docs/studio.md, "Live frame
# time on a GPU"); that machine has no Qt, Highway, ICU or fonts. Packed: the stripped binary,
# every shared library of its ldd closure and of Qt's offscreen platform plugin except glibc's,
# libstdc++ and libgcc_s (the GPU machine's are newer), the CUDA/driver libraries and libsqlite3
# (it has its own), a qt.conf, one font with a fontconfig file, ICU's data cut to English
# (trim_icu_data.sh), the presets and explain texts, the benchmark model and the device runner.
# Writes DEST/studio/ and DEST/studio.tar.xz (xz), and a copy of the runner as
# DEST/studio_frame_time.sh, so a checkout that does not have tests/gpu/studio_frame_time.sh yet
# can still run it.
#   tests/gpu/pack_studio.sh [BUILD_DIR] [DEST]      (DEST defaults to <repo>/.devcarry)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
dest="${2:-$root/.devcarry}"
pack="$dest/studio"
exe="$build/bin/archscope-studio"
[ -x "$exe" ] || { echo "pack_studio: no $exe (build the archscope-studio target first)" >&2; exit 2; }
qt_plugins="$(dirname "$(readlink -f /usr/lib/x86_64-linux-gnu/libQt6Core.so.6)")/qt6/plugins"
[ -d "$qt_plugins" ] || qt_plugins=/usr/lib/x86_64-linux-gnu/qt6/plugins
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf  # the ImGui font (imgui_layer.cpp)

rm -rf "$pack"
mkdir -p "$pack/bin" "$pack/lib" "$pack/plugins/platforms" "$pack/fonts" "$pack/share"
cp "$exe" "$pack/bin/"
strip "$pack/bin/archscope-studio"
cp "$qt_plugins/platforms/libqoffscreen.so" "$pack/plugins/platforms/"
strip "$pack/plugins/platforms/libqoffscreen.so"
# Qt's plugins from the pack only, never from the compiled-in /usr/lib/.../qt6/plugins (absent on
# the GPU machine), so a test here loads what the GPU machine will.
printf '[Paths]\nPrefix=..\nPlugins=plugins\n' > "$pack/bin/qt.conf"

# Libraries the GPU machine provides itself, or must provide (its driver and CUDA match its GPU).
provided='^(linux-vdso|ld-linux-x86-64|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|libstdc\+\+|libgcc_s|libcuda|libcudart|libcublas|libcublasLt|libcupti|libnvidia-.*|libnccl|libsqlite3)\.so'
closure() {
  ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3} $2 == "=>" && $3 == "not" {print $1, "MISSING"}'
}
missing=0
while read -r name path; do
  if [ "$path" = MISSING ]; then
    echo "pack_studio: $name not found here" >&2
    missing=1
    continue
  fi
  if [[ "$name" =~ $provided ]]; then continue; fi
  cp -L "$path" "$pack/lib/$name"
done < <(closure "$pack/bin/archscope-studio" "$pack/plugins/platforms/libqoffscreen.so" | sort -u)
[ "$missing" = 0 ] || exit 1
# ICU's data, English and root only (30 MB -> 4 MB): see trim_icu_data.sh.
"$root/tests/gpu/trim_icu_data.sh" "$pack/lib/libicudata.so.72"
strip --strip-unneeded "$pack"/lib/*.so* 2>/dev/null || true

cp "$font" "$pack/fonts/"
cat > "$pack/fonts/fonts.conf" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<!-- The pack's one font, for Qt's widgets; relative <dir> is relative to this file. -->
<fontconfig>
  <dir prefix="relative">.</dir>
  <cachedir>/tmp/archscope-studio-fontcache</cachedir>
</fontconfig>
EOF
cp -r "$root/presets" "$pack/share/presets"
mkdir -p "$pack/share/assets"
cp -r "$root/assets/explain" "$pack/share/assets/explain"
mkdir -p "$pack/share/assets/models"  # the trained model (13 MB) is not needed to measure frames
cp "$root/tools/studio/moe-94x128.json" "$pack/share/"
cp "$root/tests/gpu/studio_frame_time.sh" "$pack/"
git -C "$root" rev-parse HEAD > "$pack/commit" 2>/dev/null || true

tar -C "$dest" -cf - studio | xz -9e -T2 > "$dest/studio.tar.xz.tmp"
mv "$dest/studio.tar.xz.tmp" "$dest/studio.tar.xz"
cp "$root/tests/gpu/studio_frame_time.sh" "$dest/studio_frame_time.sh"
du -sh "$pack" "$dest/studio.tar.xz"
