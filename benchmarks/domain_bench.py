"""Domain figures: synthetic generation rate, normalisation, validation, duplicate scoring.

Usage: .venv/bin/python benchmarks/domain_bench.py [--records 200000]
Prints one line per figure: best of 3 runs, CPU time of this process (time.process_time),
so other jobs on a shared box do not distort the figures; single-threaded.
"""

from __future__ import annotations

import argparse
import time

from fundclient.domain.arabic import normalise_name
from fundclient.domain.duplicates import find_duplicates, profile, score_pair
from fundclient.domain.synthetic import (DEFAULT_TODAY, NEAR_DUPLICATE_NOTE, generate,
                                         iter_generate)
from fundclient.domain.validation import make_context, validate_beneficiary, validate_field


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    n = parser.parse_args().records

    t = best_of(lambda: sum(1 for _ in iter_generate(n, seed=1)))
    print(f"synthetic, streamed, with dependants : {n / t:>10,.0f} records/s")
    t = best_of(lambda: sum(1 for _ in iter_generate(n, seed=1, dependants=False)))
    print(f"synthetic, streamed, no dependants   : {n / t:>10,.0f} records/s")

    people = generate(20_000, seed=2, near_duplicate_rate=0.05)
    names = [p.name.full() for p in people]
    t = best_of(lambda: [normalise_name(x) for x in names])
    print(f"normalise_name (4-part name)         : {t / len(names) * 1e6:>10.2f} µs/call")

    sample = people[:5_000]
    t = best_of(lambda: [validate_beneficiary(p, today=DEFAULT_TODAY) for p in sample])
    print(f"validate_beneficiary (~2 dependants) : {t / len(sample) * 1e6:>10.1f} µs/record")
    ctx = make_context(today=DEFAULT_TODAY, sex="M", date_of_birth="1955-03-01")
    t = best_of(lambda: [validate_field("name.first", p.name.first, ctx) for p in sample])
    print(f"validate_field (name.first)          : {t / len(sample) * 1e6:>10.2f} µs/call")

    profiles = [profile(p) for p in people]
    mine = profiles[0]
    [score_pair(mine, o) for o in profiles]  # warm part caches, as in a running app
    t = best_of(lambda: [score_pair(mine, o) for o in profiles])
    print(f"score_pair (warm)                    : {t / len(profiles) * 1e6:>10.2f} µs/pair")
    t = best_of(lambda: find_duplicates(people[1], people), repeat=3)
    print(f"find_duplicates per existing record  : {t / len(people) * 1e6:>10.2f} µs")

    quality()


def quality() -> None:
    """Recall on synthetic near-duplicates; false alarms among distinct synthetic people."""
    people = generate(5_000, seed=21, near_duplicate_rate=0.1, dependants=False)
    near = [p for p in people if p.notes.startswith(NEAR_DUPLICATE_NOTE)]
    found = sum(any(m.existing.record_id == p.notes.removeprefix(NEAR_DUPLICATE_NOTE)
                    for m in find_duplicates(p, people)) for p in near)
    originals = [p for p in people if not p.notes]
    probes = originals[:1_000]
    alarms = sum(len(find_duplicates(p, originals)) for p in probes)
    print(f"near-duplicates found (recall)        : {found}/{len(near)} = {found / len(near):.1%}")
    print(f"false alarms, distinct people         : {alarms} in "
          f"{len(probes) * len(originals):,} pairs")
    # 30 % share father, grandfather and family with an earlier record (brothers, sisters).
    families = generate(5_000, seed=22, sibling_rate=0.3, dependants=False)
    pairs = flagged = 0
    for i, p in enumerate(families[:1_000]):
        others = families[:i] + families[i + 1:]
        pairs += len(others)
        flagged += len(find_duplicates(p, others))
    print(f"false alarms, with 30 % siblings      : {flagged} in {pairs:,} pairs")


if __name__ == "__main__":
    main()
