#!/usr/bin/env bash
# Writes the benchmark text of docs/tokenizers.md to $1 (1.23 MB on Debian 12): English prose (the
# licence texts every Debian system has), Python code (CPython 3.11 standard-library modules) and
# tools/tokenizers/corpus/multilingual.txt. Prints its sha256 so a run can name its input.
set -euo pipefail
out="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
lic=/usr/share/common-licenses
py=/usr/lib/python3.11
{
  cat "$lic/GPL-3" "$lic/LGPL-3" "$lic/Apache-2.0" "$lic/MPL-2.0" "$lic/Artistic" "$lic/GFDL-1.3"
  for m in argparse textwrap json/decoder csv heapq string typing dataclasses functools inspect pathlib \
           subprocess tarfile enum collections/__init__ configparser logging/__init__ \
           unittest/case email/message; do
    cat "$py/$m.py"
  done
  cat "$root/tools/tokenizers/corpus/multilingual.txt"
} > "$out"
wc -c "$out"
sha256sum "$out"
