#!/usr/bin/env bash
# Writes OUT_SO, a libicudata.so.72 with English and root data only, for the studio's GPU pack
# (tests/gpu/pack_studio.sh): Debian's is 30 MB (7.5 MB xz) and the device call carries at most
# 64 MiB with the repository. Qt reads ICU for collation, locale names, time-zone names and text
# boundaries; the studio's English UI needs root and en*, the break rules and the core tables. Kept:
# every non-locale item (break rules, normalisation, time zones, units), root, en, en_US,
# en_US_POSIX, en_001 in each tree. Dropped: other locales, charset converters (*.cnv; Qt converts
# UTF-8/16 itself), transliteration, number spell-out, and the CJK/Thai/Lao/Khmer/Burmese word
# dictionaries (brkitr/root.res is rebuilt without them, so those scripts break by rules alone).
# Needs icu-devtools (icupkg, derb, genrb) and gcc.
#   tests/gpu/trim_icu_data.sh OUT_SO
set -euo pipefail
out="$1"
lib=/lib/x86_64-linux-gnu/libicudata.so.72
for t in icupkg derb genrb gcc readelf nm; do
  command -v "$t" >/dev/null || { echo "trim_icu_data: needs $t (apt-get install icu-devtools)" >&2; exit 2; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The common data is the symbol icudt72_dat in .rodata; its file offset from the section table.
read -r addr size < <(nm -D -S "$lib" | awk '$4 == "icudt72_dat" {print $1, $2}')
read -r sec_addr sec_off < <(readelf -SW "$lib" | awk '$2 == ".rodata" {print $4, $5}')
offset=$((0x$addr - 0x$sec_addr + 0x$sec_off))
mkdir -p "$tmp/full" "$tmp/kept" "$tmp/trimmed" "$tmp/new/brkitr" "$tmp/old"
dd if="$lib" of="$tmp/full/icudt72l.dat" iflag=skip_bytes,count_bytes skip="$offset" \
  count=$((0x$size)) status=none
icupkg -l "$tmp/full/icudt72l.dat" > "$tmp/items.txt"
python3 - "$tmp" <<'EOF'
import re, sys
tmp = sys.argv[1]
items = [l.strip() for l in open(f"{tmp}/items.txt") if l.strip()]
keep = re.compile(r"^(.*/)?(root|en|en_US|en_US_POSIX|en_001|res_index|pool)\.res$")
locale = re.compile(r"^(.*/)?[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")
drop = [i for i in items
        if i.endswith(".cnv") or i.startswith(("translit/", "rbnf/"))
        or (locale.match(i) and not keep.match(i))]
open(f"{tmp}/drop.txt", "w").write("\n".join(drop) + "\n")
open(f"{tmp}/dicts.txt", "w").write("\n".join(i for i in items if i.endswith(".dict")) + "\n")
EOF
icupkg -r "$tmp/drop.txt" "$tmp/full/icudt72l.dat" "$tmp/kept/icudt72l.dat"
icupkg -x brkitr/root.res -d "$tmp/old" "$tmp/full/icudt72l.dat"
(cd "$tmp/old/brkitr" && derb -i . root.res)
python3 - "$tmp" <<'EOF'
import re, sys
tmp = sys.argv[1]
s = open(f"{tmp}/old/brkitr/root.txt", encoding="utf-8").read()
s = re.sub(r'\n\s*"[a-z]+\.dict",', "", s)
s, n = re.subn(r"\n    dictionaries\{.*?\n    \}", "", s, flags=re.S)
if n != 1 or ".dict" in s:
    sys.exit("trim_icu_data: brkitr/root.res no longer looks as expected")
open(f"{tmp}/new/brkitr/root.txt", "w", encoding="utf-8").write(s)
EOF
genrb -q -d "$tmp/new/brkitr" "$tmp/new/brkitr/root.txt"
echo brkitr/root.res > "$tmp/add.txt"
icupkg -r "$tmp/dicts.txt" -a "$tmp/add.txt" -s "$tmp/new" "$tmp/kept/icudt72l.dat" \
  "$tmp/trimmed/icudt72l.dat"
cat > "$tmp/data.S" <<EOF
  .section .rodata
  .globl icudt72_dat
  .type icudt72_dat, @object
  .balign 16
icudt72_dat:
  .incbin "$tmp/trimmed/icudt72l.dat"
  .size icudt72_dat, . - icudt72_dat
  .section .note.GNU-stack,"",@progbits
EOF
gcc -shared -nostdlib -Wl,-soname,libicudata.so.72 -o "$out" "$tmp/data.S"
echo "trim_icu_data: $(icupkg -l "$tmp/trimmed/icudt72l.dat" | wc -l) of $(wc -l < "$tmp/items.txt") items, $(stat -c %s "$out") bytes"
