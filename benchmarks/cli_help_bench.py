#!/usr/bin/env python3
"""`fundclient --version` and `--help` in each language, as whole processes (#16 item 1, #11 item 5):
wall and CPU time of each (median, min–max), interleaved runs, `python -c pass` as the baseline.
Help is translated when shown; `--version` answers before the parser is built (goal < 0.3 s).

    FUNDCLIENT_DATA_DIR=/tmp/empty .venv/bin/python benchmarks/cli_help_bench.py --runs 7
        # an empty data dir: `--help` with no --lang prints Arabic, then English
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    py = sys.executable
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "fundclient --version": [py, "-m", "fundclient", "--version"],
        "fundclient --help": [py, "-m", "fundclient", "--help"],
        "fundclient --lang ar sync --help": [py, "-m", "fundclient", "--lang", "ar", "sync", "--help"],
        "fundclient --lang fr sync --help": [py, "-m", "fundclient", "--lang", "fr", "sync", "--help"],
    }
    results: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in commands}
    for _ in range(args.runs):  # interleaved, so load changes hit every command alike
        for name, argv in commands.items():
            before, began = os.times(), time.perf_counter()
            subprocess.run(argv, capture_output=True, check=True)
            wall, after = time.perf_counter() - began, os.times()
            results[name][0].append(wall)
            results[name][1].append(after.children_user - before.children_user
                                    + after.children_system - before.children_system)
    print(f"{args.runs} runs each, interleaved; {os.cpu_count()} CPUs")
    print("| command | wall, median (min–max) | CPU, median |")
    print("|---|---|---|")
    for name, (walls, cpus) in results.items():
        print(f"| {name} | {statistics.median(walls):.3f} s ({min(walls):.3f}–{max(walls):.3f}) |"
              f" {statistics.median(cpus):.3f} s |")
    print("load average (1, 5, 15 min) at the end:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
