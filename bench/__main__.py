"""``python -m bench [--only training,course,grading,scaling] [--quick]``: run the benchmarks
and write bench/RESULTS.md (and bench/scaling.png)."""

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

from bench import machine
from bench.results import document

BENCHMARKS = ("training", "course", "grading", "scaling")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help="comma-separated subset of " + ", ".join(BENCHMARKS))
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions and smaller samples, for smoke testing")
    parser.add_argument("--out", default=str(RESULTS), help="markdown file to write")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    facts = machine.describe()  # before anything runs: the load average at start
    if facts["PyTorch"].startswith("not installed"):
        print("PyTorch is not installed: the training benchmark skips the PyTorch comparison "
              "(pip install -r bench/requirements.txt)", file=sys.stderr)
    started = time.perf_counter()
    sections, summary = [], []
    for name in BENCHMARKS:
        if name not in chosen:
            continue
        print(f"== {name}", file=sys.stderr)
        begun, load = time.perf_counter(), machine.load_average()
        try:
            markdown, targets = importlib.import_module(f"bench.{name}").run(quick=args.quick)
            summary += [[name, *row] for row in targets]
        except Exception:  # one broken benchmark must not cost the others' results
            markdown = (f"## {name}\n\n**The benchmark failed:**\n\n```\n"
                        f"{traceback.format_exc()[-3000:]}```")
            summary.append([name, "the benchmark failed (see its section)", "", "", "-"])
        seconds = time.perf_counter() - begun
        sections.append(markdown + f"\n\n_{name}: {seconds / 60:.1f} min; 1-minute load "
                        f"average {load:.2f} at its start, {machine.load_average():.2f} at its "
                        "end._")
        print(f"   {seconds:.0f} s", file=sys.stderr)
    facts["BLAS threads used by the NumPy benchmarks"] = (
        f"{len(os.sched_getaffinity(0))} (set at run time); PyTorch: "
        "torch.set_num_threads of the same number; the notebooks and graders keep their own")
    command = "python -m bench" + (f" --only {args.only}" if args.only != ",".join(BENCHMARKS)
                                   else "") + (" --quick" if args.quick else "")
    text = document("Backprop Lab benchmarks", facts, sections, summary=summary, command=command,
                    seconds=time.perf_counter() - started, quick=args.quick)
    Path(args.out).write_text(text)
    print(f"wrote {args.out} in {(time.perf_counter() - started) / 60:.1f} min", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
