"""The offline digest of national numbers (#14 item 3): size, delta size, lookup time, false
"registered elsewhere" answers.

Usage: .venv/bin/python benchmarks/digest_bench.py [--numbers 5000000] [--registrations 2000]

Numbers are valid Libyan national numbers (sex digit, birth year 1925-2024 weighted towards the
retirees' and their dependants' years, a uniform 7-digit serial — uniform serials are the worst
case for compression), owned by the six offices in proportions like the fund's (Sebha the
largest). A daily delta is `--registrations` registrations of 2.5 people each (holder +
dependants, the synthetic data's average). False answers: 1,000,000 valid numbers HQ does not
hold, each looked up; the digest is exact, so any hit would be a bug.
Prints CPU time of this process (time.process_time) and wall time; single-threaded.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from fundclient.domain.number_digest import NumberDigest, encode, number_value

OFFICES = ["SBH", "BRK", "TRG", "QRQ", "GHT", "BWN"]
SHARES = [0.40, 0.16, 0.14, 0.12, 0.10, 0.08]


def numbers(rng: np.random.Generator, count: int) -> np.ndarray:
    years = np.clip(rng.normal(1962, 18, count).astype(np.int64), 1925, 2024)
    sex = rng.integers(1, 3, count)
    serial = rng.integers(0, 10_000_000, count)
    # "1" + the 12 digits, as number_value makes them
    return (10**12 + sex * 10**11 + years * 10**7 + serial).astype(np.uint64)


def timed(fn):
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--numbers", type=int, default=5_000_000)
    parser.add_argument("--registrations", type=int, default=2_000)
    args = parser.parse_args()
    rng = np.random.default_rng(14)
    values = np.unique(numbers(rng, int(args.numbers * 1.01)))[: args.numbers]
    rng.shuffle(values)
    offices = rng.choice(len(OFFICES), size=len(values), p=SHARES).astype(np.uint8)
    n = len(values)

    blob, cpu, wall = timed(lambda: encode((values, offices, OFFICES)))
    print(f"full digest, {n:,} numbers          : {len(blob):>12,} bytes ({len(blob) / 2**20:.2f} MiB, "
          f"{len(blob) * 8 / n:.2f} bits/number)  encode cpu {cpu:.1f} s wall {wall:.1f} s")
    digest, cpu, wall = timed(lambda: NumberDigest.from_blob(blob))
    print(f"decode (office start, once)         : cpu {cpu:.2f} s wall {wall:.2f} s")

    people = int(args.registrations * 2.5)
    new = numbers(rng, people)
    new_offices = rng.choice(len(OFFICES), size=people, p=SHARES).astype(np.uint8)
    delta = encode((new, new_offices, OFFICES))
    print(f"daily delta, {args.registrations:,} registrations ({people:,} numbers): {len(delta):>8,} bytes "
          f"({len(delta) / 1024:.1f} KiB)")
    merged, cpu, wall = timed(lambda: digest.merge(NumberDigest.from_blob(delta)))
    print(f"apply the delta (decode + merge)    : cpu {cpu * 1000:.0f} ms wall {wall * 1000:.0f} ms")

    held = [str(int(v))[1:] for v in values[:100_000]]
    _, cpu, wall = timed(lambda: [merged.offices_of(x) for x in held])
    print(f"lookup, number held                 : {cpu / len(held) * 1e6:.1f} µs cpu/lookup "
          f"({wall / len(held) * 1e6:.1f} µs wall)")
    probes = numbers(np.random.default_rng(99), 1_200_000)
    probes = probes[~np.isin(probes, merged.values)][:1_000_000]
    probe_text = [str(int(v))[1:] for v in probes]
    hits, cpu, wall = timed(lambda: sum(1 for x in probe_text if merged.offices_of(x)))
    print(f"lookup, number not held             : {cpu / len(probe_text) * 1e6:.1f} µs cpu/lookup; "
          f"false 'registered elsewhere': {hits} in {len(probe_text):,}")
    assert number_value(held[0]) == int(values[0])


if __name__ == "__main__":
    main()
