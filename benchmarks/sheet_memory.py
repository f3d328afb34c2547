"""The import helper's reading of a large XLSX file alone: its memory (max RSS) and CPU, the
sheet read in one pass and held (`sheet_reader._held_rows`) against read as a stream (the held
reading left out) — each in a process of its own, every row handed out as the helper hands it.

    .venv/bin/python benchmarks/sheet_memory.py                 # 100,000 rows (import_bench's file)
    .venv/bin/python benchmarks/sheet_memory.py --rows 20000

The file is written in a temp dir that is deleted at the end.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(path: Path, how: str) -> None:
    from fundclient.storage import sheet_reader

    if how == "streamed":
        sheet_reader._held_rows = lambda book, sheet: None
    started, cpu = time.perf_counter(), time.process_time()
    header_number, header, total, exact, rest, merged = sheet_reader.file_rows(path)
    handed = sum(1 for _ in rest)
    print(f"{how}: {handed:,} rows (exact from the start: {exact}), {time.process_time() - cpu:.1f} s CPU, "
          f"{time.perf_counter() - started:.1f} s wall, max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--child", nargs=2, metavar=("PATH", "HOW"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1])
        return
    sys.path.insert(0, str(HERE))
    import import_bench

    folder = Path(tempfile.mkdtemp(prefix="sheet-memory-"))
    try:
        path = folder / "legacy.xlsx"
        import_bench.write_file(path, args.rows, args.seed)
        print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
        for how in ("held", "streamed"):
            subprocess.run([sys.executable, __file__, "--child", str(path), how], check=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
