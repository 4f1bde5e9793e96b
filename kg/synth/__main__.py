"""``python -m kg.synth --scale tiny --seed 1 --out DIR``."""

from __future__ import annotations

import argparse
import json
import sys

from kg.synth import SCALES, generate


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate, print the summary as JSON."""
    ap = argparse.ArgumentParser(prog="python -m kg.synth", description="Generate a synthetic scenario.")
    ap.add_argument("--scale", choices=sorted(SCALES), default="tiny")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--progress", action="store_true", help="show a progress bar")
    args = ap.parse_args(argv)
    summary = generate(args.scale, args.seed, args.out, progress=args.progress)
    json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
