#!/usr/bin/env python3
"""Write the held-out test text of the demo model assets/models/stdlib-moe-6m as one file, the
way tools/train_demo_moe.py scored it: each held-out standard-library file (the list in
training-report.json) read as UTF-8, followed by <|endoftext|>, in the listed order. Then

    archscope perplexity --model assets/models/stdlib-moe-6m --text-file OUT --context 512 --stride 256

scores the text transformers scored (held-out perplexity 6.448 over 38,794 tokens) when STDLIB is
the standard library of CPython 3.12.3, the version the model was trained on (Ubuntu 24.04's
/usr/lib/python3.12). Another version gives a slightly different text; the script says so.

    python3 tools/demo_heldout_text.py OUT [--stdlib DIR]
"""

import argparse
import json
import os
import sys
import sysconfig

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "..", "assets", "models", "stdlib-moe-6m", "training-report.json")
EOS = "<|endoftext|>"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--stdlib", default=sysconfig.get_paths()["stdlib"],
                    help="standard library folder (default: this Python's)")
    a = ap.parse_args()
    with open(REPORT, encoding="utf-8") as f:
        report = json.load(f)
    trained_on = report["versions"]["python"]
    parts = []
    for rel in report["data"]["held_out_files"]:
        path = os.path.join(a.stdlib, rel)
        if not os.path.isfile(path):
            sys.exit(f"demo_heldout_text.py: {path}: no such file (is --stdlib a CPython {trained_on} "
                     "standard library?)")
        with open(path, "rb") as f:
            parts.append(f.read().decode("utf-8") + EOS)
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        f.write("".join(parts))
    print(f"{a.out}: {len(parts)} files from {a.stdlib}")
    here = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    if a.stdlib == sysconfig.get_paths()["stdlib"] and here != trained_on:
        print(f"note: this is CPython {here}'s standard library; the model was scored on "
              f"{trained_on}'s, so the text (and its perplexity) can differ slightly")


if __name__ == "__main__":
    main()
