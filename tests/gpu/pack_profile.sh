#!/usr/bin/env bash
# Packs what tests/gpu/profile_overhead.sh needs into one tarball (default .devcarry/profile.tar.xz,
# ignored by git): archscope and test_prof_cuda (stripped), the shared libraries a bare GPU machine
# may lack (Highway, Boost.Test, SQLite, PCRE2, ICU, and this toolkit's libcupti, whose record
# layouts the build was compiled against), and the checkout path the binaries look for presets in.
#   tests/gpu/pack_profile.sh [BUILD_DIR] [TARBALL]
# On the GPU machine, in a checkout (its presets are used): tar xJf TARBALL -C DIR &&
# DIR/p/run.sh [PROMPT] [NEW] [ORDER] (runs the packed copy of profile_overhead.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
tarball="${2:-$root/.devcarry/profile.tar.xz}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/p/bin" "$stage/p/lib" "$(dirname "$tarball")"
for b in archscope test_prof_cuda; do
  cp "$build/bin/$b" "$stage/p/bin/" && strip "$stage/p/bin/$b"
done
for l in libhwy.so.1 libboost_unit_test_framework.so.1.74.0 libsqlite3.so.0 libpcre2-8.so.0 \
         libicuuc.so.72 libicudata.so.72; do
  cp -L "/lib/x86_64-linux-gnu/$l" "$stage/p/lib/"
done
cp -L /usr/local/cuda/lib64/libcupti.so.13 "$stage/p/lib/"
echo "$root" > "$stage/p/source_dir"
# The device receives the session's checkout, which may be another branch: the script travels too.
cp "$root/tests/gpu/profile_overhead.sh" "$stage/p/"
cat > "$stage/p/run.sh" <<'RUN'
#!/usr/bin/env bash
# Links the recorded source path to this checkout (presets), then runs the overhead script.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cat "$here/source_dir")"
checkout="${CHECKOUT:-$PWD}"
if [ "$src" != "$checkout" ] && [ ! -e "$src" ]; then mkdir -p "$(dirname "$src")" && ln -s "$checkout" "$src"; fi
export LD_LIBRARY_PATH="$here/lib:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"
export ARCHSCOPE_PRESET_DIR="$checkout/presets"
exec "$here/profile_overhead.sh" "$here/bin" "$@"
RUN
chmod +x "$stage/p/run.sh"
tar cf - -C "$stage" p | xz -9 -T2 > "$tarball"
du -h "$tarball"
