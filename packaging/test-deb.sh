#!/usr/bin/env bash
# CTest "packaging": builds the Debian package with cpack in BUILD, unpacks it into a temporary
# root with dpkg -x and checks what a user gets: the dependencies, every file in its place, the
# desktop entry and AppStream metadata valid, and both programs running from the unpacked tree
# with their data found next to them (not in the source tree).
#   packaging/test-deb.sh BUILD
set -euo pipefail
build="$(cd "$1" && pwd)"
work="$(mktemp -d)"
mkdir -m 700 "$work/runtime"
export XDG_RUNTIME_DIR="$work/runtime"
trap 'rm -rf "$work"' EXIT
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log" >&2; fail "cpack -G DEB"; }
deb="$(ls "$work"/out/archscope_*.deb 2>/dev/null | head -n1)"
[[ -n "$deb" ]] || fail "no archscope_*.deb in $work/out"
echo "test-deb: built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

depends="$(dpkg-deb -f "$deb" Depends)"
recommends="$(dpkg-deb -f "$deb" Recommends)"
echo "test-deb: Depends: $depends"
for lib in libc6 libstdc++6 libsqlite3-0; do [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib"; done
[[ "$recommends" == *mesa-vulkan-drivers* ]] || fail "Recommends lacks mesa-vulkan-drivers"
[[ "$(dpkg-deb -f "$deb" Package)" == archscope ]] || fail "package name"
dpkg-deb -f "$deb" Description | grep -q ';' && fail "Description has list separators"
# As root, dpkg itself checks that the package installs here (dependencies met) without installing it.
if [[ $(id -u) -eq 0 ]]; then dpkg --no-act -i "$deb" >/dev/null || fail "dpkg --no-act -i"; fi

root="$work/root"
dpkg -x "$deb" "$root"
need=(usr/bin/archscope usr/share/archscope/presets/deepseek-v3.json usr/share/archscope/presets/hardware/h100-sxm.json
      usr/share/archscope/explain/attention-heads.md usr/share/archscope/models/stdlib-moe-6m/config.json
      usr/share/archscope/models/stdlib-moe-6m/model.safetensors usr/share/archscope/models/stdlib-moe-6m/tokenizer.json
      usr/share/archscope/models/stdlib-moe-6m/README.md)
studio=0
if [[ -e "$root/usr/bin/archscope-studio" ]]; then
  studio=1
  for lib in libqt6widgets6 libvulkan1; do [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib"; done
  need+=(usr/share/applications/io.github.archscope.Studio.desktop usr/share/metainfo/io.github.archscope.Studio.metainfo.xml
         usr/share/icons/hicolor/scalable/apps/io.github.archscope.Studio.svg)
fi
for f in "${need[@]}"; do [[ -f "$root/$f" ]] || fail "missing $f"; done
n_presets=$(ls "$build"/../presets/*.json 2>/dev/null | wc -l || true)
n_installed=$(ls "$root"/usr/share/archscope/presets/*.json | wc -l)
n_explain=$(ls "$root"/usr/share/archscope/explain/*.md | wc -l)
[[ "$n_explain" -ge 16 ]] || fail "only $n_explain explain texts"
echo "test-deb: $n_installed presets, $n_explain explain texts installed"

# The unpacked CLI reads the presets next to it: a preset only the package tree has is listed.
sed 's/"name": "qwen3-8b"/"name": "only-in-package"/' "$root/usr/share/archscope/presets/qwen3-8b.json" \
  > "$root/usr/share/archscope/presets/only-in-package.json"
env -u ARCHSCOPE_PRESET_DIR "$root/usr/bin/archscope" presets | grep -q only-in-package || fail "CLI does not read its installed presets"
env -u ARCHSCOPE_PRESET_DIR "$root/usr/bin/archscope" analyze --preset only-in-package --json | grep -q '"model": "only-in-package"' \
  || fail "CLI cannot analyze an installed preset"

if [[ $studio -eq 1 ]]; then
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$root/usr/share/applications/io.github.archscope.Studio.desktop" || fail "desktop entry invalid"
  fi
  if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.archscope.Studio.metainfo.xml" >/dev/null || fail "AppStream metadata invalid"
  fi
  paths="$(env -u ARCHSCOPE_PRESET_DIR -u ARCHSCOPE_ASSET_DIR QT_QPA_PLATFORM=offscreen HOME="$work" XDG_CONFIG_HOME="$work/config" \
           "$root/usr/bin/archscope-studio" --paths)"
  echo "$paths" | grep -q "explain texts: $root/usr/share/archscope/explain" || fail "studio does not use its installed explain texts: $paths"
  echo "$paths" | grep -q "^presets: $root/usr/share/archscope/presets" || fail "studio does not use its installed presets: $paths"
  echo "$paths" | grep -q "^trained models: $root/usr/share/archscope/models" || fail "studio does not use its installed models: $paths"
  env -u ARCHSCOPE_PRESET_DIR -u ARCHSCOPE_ASSET_DIR HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
    "$root/usr/bin/archscope-studio" --screenshot "$work/shots" --preset only-in-package --view diagram >/dev/null 2>"$work/studio.log" \
    || { cat "$work/studio.log" >&2; fail "studio --screenshot from the package"; }
  [[ -s "$work/shots/diagram.png" ]] || fail "no screenshot from the packaged studio"
fi
echo "test-deb: OK"
