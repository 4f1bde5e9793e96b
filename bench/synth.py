"""Benchmark the scenario generator: wall time, peak memory (RSS) and output size per scale.

Usage::

    python3 bench/synth.py                      # tiny, demo and bench
    python3 bench/synth.py --scales tiny demo   # skip the 1,000,000-person run
    python3 bench/synth.py --check              # also validate each output (bench: streaming check)

Each scale runs in its own child process so peak RSS (``ru_maxrss``) is per scale.
Figures are written to ``bench/results/synth.md`` (a snippet for docs/benchmarks.md)
and ``bench/results/synth.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _child(scale: str, out: str, seed: int, check: bool) -> None:
    import resource
    import time

    sys.path.insert(0, str(ROOT))
    from kg.synth import generate

    t0 = time.perf_counter()
    summary = generate(scale, seed, out, progress=False)
    secs = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    size = sum(p.stat().st_size for p in pathlib.Path(out).rglob("*") if p.is_file())
    rows = summary["rows"]
    validation = "not run"
    if check:
        from kg.synth.validate import validate_output

        full = scale != "bench"  # bench: streaming check of hashes, rows and identifiers only
        errors = validate_output(out, full=full)
        validation = f"{'full' if full else 'quick'}: " + ("ok" if not errors else f"{len(errors)} errors")
    print(
        json.dumps(
            {
                "scale": scale,
                "seed": seed,
                "seconds": round(secs, 2),
                "peak_rss_mb": round(peak_mb, 1),
                "output_mb": round(size / 2**20, 1),
                "record_rows": sum(v for k, v in rows.items() if k.startswith("records/")),
                "identities": rows["ground_truth/identities.jsonl"],
                "rings": summary["rings_total"],
                "hard_negatives": summary["hard_negatives"],
                "documents": summary["documents"],
                "broken": summary["broken"],
                "transfers": rows["records/bank_transfers.csv"],
                "validation": validation,
            }
        )
    )


def main() -> int:
    """Run the requested scales and write the results snippet."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", nargs="+", default=["tiny", "demo", "bench"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None, help="parent dir for outputs (default: a temp dir, removed)")
    ap.add_argument("--check", action="store_true", help="validate each output against its ground truth")
    ap.add_argument("--child", nargs=4, metavar=("SCALE", "OUT", "SEED", "CHECK"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], int(args.child[2]), args.child[3] == "1")
        return 0
    parent = pathlib.Path(args.out or tempfile.mkdtemp(prefix="kg-synth-bench-"))
    results = []
    for scale in args.scales:
        out = parent / scale
        proc = subprocess.run(
            [sys.executable, __file__, "--child", scale, str(out), str(args.seed), "1" if args.check else "0"],
            capture_output=True,
            text=True,
            check=True,
        )
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(res)
        print(json.dumps(res, ensure_ascii=False))
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    lines = [
        "### Scenario generator (`kg synth`)",
        "",
        f"Command: `python3 bench/synth.py --scales {' '.join(args.scales)}{' --check' if args.check else ''}` "
        f"(seed {args.seed}); "
        f"machine: {machine}; single process; peak memory is the child's max RSS.",
        "",
        "| scale | wall time (s) | peak RSS (MB) | output (MB) | record rows | transfers | identities "
        "| rings | hard negatives | documents | broken rows | validation |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['scale']} | {r['seconds']} | {r['peak_rss_mb']} | {r['output_mb']} | "
            f"{r['record_rows']:,} | {r['transfers']:,} | {r['identities']:,} | {r['rings']} | "
            f"{r['hard_negatives']} | {r['documents']} | {r['broken']:,} | {r['validation']} |"
        )
    lines += [
        "",
        "Targets: bench < 10 min and < 4 GB peak memory. Wall time and peak RSS cover generation only "
        "(validation runs after the clock stops). Validation `full` resolves every identity, ring and "
        "hard-negative member against the records; `quick` (bench) streams the files and checks hashes, "
        "row counts and every identifier against python-stdnum and broken.jsonl.",
        "",
    ]
    (RESULTS / "synth.md").write_text("\n".join(lines), encoding="utf-8")
    (RESULTS / "synth.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
