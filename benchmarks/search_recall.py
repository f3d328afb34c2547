"""Name-search recall: does the search box put the person asked for at the top?

Builds N synthetic beneficiaries (30 % siblings — same father, grandfather and family name,
another first name: the distractors — with their wives and children as dependants and 5 %
near-duplicates) in an encrypted store, then asks for sampled people the way a clerk
types them and reports, per query class, recall@1 and recall@10 and the time per query
(each query asked twice: `1st p95` is the wall time of the first asking — pages not yet in
SQLite's cache — and `1st cpu` its CPU time, p95; the other columns of the second).

    .venv/bin/python benchmarks/search_recall.py --records 100000            # build + measure
    .venv/bin/python benchmarks/search_recall.py --data-dir D --records 1000000 --keep
    .venv/bin/python benchmarks/search_recall.py --data-dir D --reuse        # measure again

Query classes (each from one sampled target person; spelling variants are what a clerk
hearing the name writes: «ال» dropped or added, hamza/taa marbuta/yaa forms, ص/س ط/ت ض/د
ق/ك, a long vowel written or not, امحمد/محمد, a letter doubled — never another existing name):

    first+family (variant)    two words, one or both spelled differently
    family only               the family name alone, maybe without «ال»
    three parts               first, father, family (one part varied)
    four parts                the full name (one or two parts varied)
    dependant                 a wife's or child's first + father + family name
    typing                    first + father + the family name's first 3 letters

What counts as found. Names repeat: at a million records about 260 people share each
first+family pair and thousands each family name, and nothing typed can tell them apart.
So the *relevant* people of a query are those whose name, in the parts the query names
(first/father/grandfather/family, compared without «ال» after normalisation), is the
target's; recall@k = (relevant people among the first k results) / min(k, number of
relevant people). It is 100 % when no one who is not asked for is ranked above someone
who is. `target@k` (the sampled person themself in the first k) is printed too; for
queries naming all four parts it is the plain recall.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from fundclient.domain.arabic import name_tokens, normalise_name
from fundclient.domain.name_match import bare
from fundclient.domain.records import ArabicName, new_id
from fundclient.domain.synthetic import iter_generate
from fundclient.domain.synthetic_names import FAMILY, FEMALE_FIRST, MALE_FIRST
from fundclient.storage import initialise, open_store
from fundclient.storage.bulk import bulk_add

PASSWORD = "bench-password-1"
PARTS = ("first", "father", "grandfather", "family")
CLASSES = {  # class -> parts the query names
    "first+family (variant)": ("first", "family"),
    "family only": ("family",),
    "three parts": ("first", "father", "family"),
    "four parts": PARTS,
    "dependant": ("first", "father", "family"),
    "typing (prefix)": ("first", "father", "family3"),  # family3: its first 3 letters as typed
}
_SOUND_SWAPS = (("ص", "س"), ("س", "ص"), ("ط", "ت"), ("ت", "ط"), ("ض", "د"), ("ق", "ك"), ("ذ", "د"),
                ("ث", "ت"), ("ظ", "ض"), ("ز", "ذ"))
_SPELLING = (("أ", "ا"), ("إ", "ا"), ("ة", "ه"), ("ى", "ي"), ("ي", "ى"), ("آ", "ا"))


def _known_words() -> set[str]:
    return {bare(w) for ar, _ in (*MALE_FIRST, *FEMALE_FIRST, *FAMILY) for w in name_tokens(ar)}


KNOWN = _known_words()


def variant(rng: random.Random, word: str, *, family: bool = False) -> str:
    """How a clerk may write `word` heard aloud; never another existing name. «ال» is
    dropped or added on family names only; letters change in the stem, never in «ال»."""
    stem_from = 2 if word.startswith("ال") else 1
    for _ in range(20):
        # Compound names (عبد القادر, أبو بكر, أحمد الصغير) keep their shape: spelling only.
        kind = 0.3 + 0.15 * rng.random() if " " in word else rng.random()
        w = word
        if kind < 0.25:
            if family and " " not in w:
                w = w[2:] if w.startswith("ال") else "ال" + w
        elif kind < 0.45:
            a, b = rng.choice(_SPELLING)
            w = w.replace(a, b, 1)
        elif kind < 0.7:
            a, b = rng.choice(_SOUND_SWAPS)
            w = w[:stem_from] + w[stem_from:].replace(a, b, 1)
        elif kind < 0.85 and len(w) - stem_from > 2:  # a long vowel written or dropped
            at = rng.randrange(stem_from + 1, len(w) - 1)
            if w[at] in "اوي":
                w = w[:at] + w[at + 1:]
            elif w[at - 1] not in "اوي" and w[at] != " ":
                w = w[:at] + rng.choice("اوي") + w[at:]
        elif kind < 0.92:
            w = {"محمد": "امحمد", "امحمد": "محمد", "مبارك": "امبارك"}.get(w, w)
        elif len(w) - stem_from > 2:  # a letter doubled
            at = rng.randrange(stem_from + 1, len(w) - 1)
            if w[at] != " ":
                w = w[:at] + w[at] + w[at:]
        tokens = name_tokens(w)
        if w != word and tokens and all(bare(t) not in KNOWN or t in name_tokens(word) for t in tokens):
            return w
    return word


def part(text: str) -> str:
    """A name part as compared: normalised, without «ال»."""
    return bare(normalise_name(text))


def key(name, parts: tuple[str, ...]) -> tuple[str, ...]:
    """The query's view of a person's name (an ArabicName): the parts it names."""
    values = {"first": part(name.first), "father": part(name.father),
              "grandfather": part(name.grandfather), "family": part(name.family),
              "family3": normalise_name(name.family).split()[-1][:3] if name.family.strip() else ""}
    return tuple(values[p] for p in parts)


def family_only_key(name) -> set[tuple]:
    """One word typed is a first name or a family name: both are what was asked for."""
    return {(part(name.family),), (part(name.first),)}


STREAM = dict(near_duplicate_rate=0.05, sibling_rate=0.3)


def build(data_dir: Path, records: int, seed: int) -> None:
    initialise(data_dir, "SBH", "admin", PASSWORD)
    (data_dir / "recall-build.json").write_text(json.dumps({"records": records, "seed": seed}))
    store, _ = open_store(data_dir, "admin", PASSWORD)
    stream = iter_generate(records, seed=seed, **STREAM)
    start, cpu, count = time.perf_counter(), time.process_time(), 0
    while count < records:
        chunk = min(100_000, records - count)
        count += bulk_add(store, (next(stream) for _ in range(chunk)), by="admin", batch_size=25_000)
        print(f"  built {count:,} records ({time.perf_counter() - start:.0f} s, load {os.getloadavg()[0]:.1f})",
              flush=True)
    with store.writer_connection() as conn:
        for fts in ("names_fts", "dependant_names_fts"):
            conn.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")
        conn.exec_driver_sql("ANALYZE")
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"build: {count:,} records in {wall:.0f} s wall, {cpu:.0f} s CPU ({count / wall:,.0f} records/s wall,"
          f" {count / cpu:,.0f} per CPU second; FTS optimize + ANALYZE included)", flush=True)
    store.close()


def queries(store, count: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(class, typed text, target record_id, target dependant_id or '')."""
    with store.read() as conn:
        top = conn.exec_driver_sql("SELECT max(id) FROM beneficiaries").scalar_one()
        ids = [conn.exec_driver_sql("SELECT record_id FROM beneficiaries WHERE id >= ? LIMIT 1",
                                    (rng.randint(1, top),)).scalar_one() for _ in range(count)]
    out = []
    for rid in ids:
        b = store.beneficiaries.get(rid)
        first, father, grandfather, family = (b.name.first, b.name.father, b.name.grandfather, b.name.family)
        both = rng.random() < 0.5
        out.append(("first+family (variant)",
                    f"{variant(rng, first) if both else first} {variant(rng, family, family=True)}", rid, ""))
        out.append(("family only", variant(rng, family, family=True) if rng.random() < 0.5 else family, rid, ""))
        varied = rng.randrange(3)
        three = [first, father, family]
        three[varied] = variant(rng, three[varied], family=varied == 2)
        out.append(("three parts", " ".join(three), rid, ""))
        four = [first, father, grandfather, family]
        for i in rng.sample(range(4), rng.choice((1, 2))):
            four[i] = variant(rng, four[i], family=i == 3)
        out.append(("four parts", " ".join(four), rid, ""))
        fam = name_tokens(family)
        out.append(("typing (prefix)", f"{first} {father} {fam[-1][:3]}", rid, ""))
        if b.dependants:
            d = rng.choice(b.dependants)
            out.append(("dependant", f"{d.name.first} {d.name.father} {variant(rng, d.name.family, family=True)}",
                        rid, d.dependant_id))
    return out


def relevant_counts(data_dir: Path, wanted: dict[str, set[tuple]]) -> dict[tuple, int]:
    """How many people (holders and dependants) have each wanted key: the build's stream
    generated again (same seed), so every person's name parts are known exactly. Kept in
    the data dir (recall-relevant.json) for the next run with the same targets."""
    cache_file = data_dir / "recall-relevant.json"
    cached = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    names = {(cls, k): f"{cls}\t" + "\x1f".join(k) for cls, keys in wanted.items() for k in keys}
    if all(name in cached for name in names.values()):
        return {ck: cached[name] for ck, name in names.items() if cached[name]}
    counts = _count_relevant(data_dir, wanted)
    cached.update({name: counts.get(ck, 0) for ck, name in names.items()})
    cache_file.write_text(json.dumps(cached, ensure_ascii=False))
    return counts


def _count_relevant(data_dir: Path, wanted: dict[str, set[tuple]]) -> dict[tuple, int]:
    built = json.loads((data_dir / "recall-build.json").read_text())
    counts: dict[tuple, int] = defaultdict(int)
    classes = [(cls, CLASSES[cls], keys) for cls, keys in wanted.items()]
    for b in iter_generate(built["records"], seed=built["seed"], **STREAM):
        for person in (b, *b.dependants):
            for cls, parts, keys in classes:
                for k in (family_only_key(person.name) if cls == "family only" else (key(person.name, parts),)):
                    if k in keys:
                        counts[(cls, k)] += 1
    return counts


def matches(cls: str, name, want: tuple) -> bool:
    if cls == "family only":
        return want in family_only_key(name)
    return key(name, CLASSES[cls]) == want


def duplicate_check(store, record_ids: list[str], seed: int) -> None:
    """The duplicate check at registration (`possible_duplicates`, what the form runs before
    a save): each sampled holder registered again as a new record — one or two name parts
    spelled otherwise, another national number, no dependants (so only the name can find
    them). Asked twice, like the queries; found = the sampled holder among the matches."""
    rng = random.Random(seed + 1)
    rows = []
    for rid in record_ids:
        b = store.beneficiaries.get(rid)
        parts = [b.name.first, b.name.father, b.name.grandfather, b.name.family]
        for i in rng.sample(range(4), rng.choice((1, 2))):
            parts[i] = variant(rng, parts[i], family=i == 3)
        form = replace(b, record_id=new_id(), national_number=str(rng.randrange(10 ** 11, 10 ** 12)),
                       name=ArabicName(*parts), dependants=[], card_number="", mobile="")
        start = time.perf_counter()
        store.beneficiaries.possible_duplicates(form)
        first = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.thread_time()
        matches = store.beneficiaries.possible_duplicates(form)
        rows.append((time.perf_counter() - start, time.thread_time() - cpu, first,
                     any(m.existing.record_id == rid for m in matches)))
    if not rows:
        return
    p95 = lambda v: sorted(v)[min(len(v) - 1, round(0.95 * (len(v) - 1)))]  # noqa: E731
    print(f"\nduplicate check (possible_duplicates), {len(rows)} registrations of a sampled holder again:"
          f" found {sum(r[3] for r in rows)}/{len(rows)};"
          f" p50 {statistics.median(r[0] for r in rows) * 1000:.1f} ms, p95 {p95([r[0] for r in rows]) * 1000:.1f} ms"
          f" wall, p95 CPU {p95([r[1] for r in rows]) * 1000:.1f} ms, 1st p95 {p95([r[2] for r in rows]) * 1000:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--targets", type=int, default=200, help="sampled people (up to 6 queries each)")
    parser.add_argument("--data-dir", help="build here (default: a temp dir, deleted at the end)")
    parser.add_argument("--reuse", action="store_true", help="the data dir already holds a build")
    parser.add_argument("--keep", action="store_true", help="keep the data dir")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="fundclient-recall-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    print(f"data dir: {data_dir}  cpu: {os.cpu_count()}  python: {sys.version.split()[0]}"
          f"  load: {os.getloadavg()[0]:.1f}", flush=True)
    try:
        if not args.reuse:
            build(data_dir, args.records, args.seed)
        store, _ = open_store(data_dir, "admin", PASSWORD)
        print(f"records: {store.counters()['records']:,}  dependants: {store.counters()['dependants']:,}", flush=True)
        asked = queries(store, args.targets, rng)
        targets = {}
        wanted: dict[str, set[tuple]] = defaultdict(set)
        for cls, text, rid, dep in asked:
            b = store.beneficiaries.get(rid)
            person = next(d for d in b.dependants if d.dependant_id == dep) if dep else b
            want = (part(person.name.family),) if cls == "family only" else key(person.name, CLASSES[cls])
            targets[(cls, text, rid, dep)] = want
            wanted[cls].add(want)
        counts = relevant_counts(data_dir, wanted)
        results: dict[str, list] = defaultdict(list)
        search_name = store.beneficiaries.search_name
        for q in asked:
            cls, text, rid, dep = q
            want = targets[q]
            start, cpu = time.perf_counter(), time.thread_time()
            search_name(text, 10)  # warm: the timing below is the query's, not the cache's
            first_wall, first_cpu = time.perf_counter() - start, time.thread_time() - cpu
            start, cpu = time.perf_counter(), time.thread_time()
            hits = search_name(text, 10)
            wall, cpu = time.perf_counter() - start, time.thread_time() - cpu
            good = [matches(cls, (h.dependant or h.beneficiary).name, want) for h in hits]
            relevant = max(1, counts.get((cls, want), 1))
            at = lambda k: sum(good[:k]) / min(k, relevant)  # noqa: E731
            own = [i for i, h in enumerate(hits) if h.record_id == rid and h.dependant_id == dep]
            results[cls].append((at(1), at(10), bool(own and own[0] < 10), relevant, wall, cpu, text, first_wall,
                                first_cpu))
        print(f"\n{'query class':24s} {'n':>4s} {'recall@1':>9s} {'recall@10':>10s} {'target@10':>10s}"
              f" {'relevant p50':>13s} {'p50 ms':>7s} {'p95 ms':>7s} {'cpu p95':>8s} {'1st p95':>8s} {'1st cpu':>8s}")
        for cls in CLASSES:
            rows = results.get(cls, [])
            if not rows:
                continue
            walls = sorted(r[4] * 1000 for r in rows)
            cpus = sorted(r[5] * 1000 for r in rows)
            firsts = sorted(r[7] * 1000 for r in rows)
            first_cpus = sorted(r[8] * 1000 for r in rows)
            p95 = lambda v: v[min(len(v) - 1, round(0.95 * (len(v) - 1)))]  # noqa: E731
            print(f"{cls:24s} {len(rows):4d} {100 * statistics.mean(r[0] for r in rows):8.1f}%"
                  f" {100 * statistics.mean(r[1] for r in rows):9.1f}% {100 * statistics.mean(r[2] for r in rows):9.1f}%"
                  f" {statistics.median(r[3] for r in rows):13.0f} {statistics.median(walls):7.1f}"
                  f" {p95(walls):7.1f} {p95(cpus):8.1f} {p95(firsts):8.1f} {p95(first_cpus):8.1f}")
        misses = [(cls, r[6], r[1]) for cls, rows in results.items() for r in rows if r[1] < 1]
        if misses:
            print(f"\nqueries below 100 % recall@10 ({len(misses)}):")
            for cls, text, r10 in misses[:40]:
                print(f"  {cls:24s} {r10 * 100:5.1f}%  {text}")
        duplicate_check(store, [rid for cls, _, rid, _ in asked if cls == "four parts"], args.seed)
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
        store.close()
    finally:
        if not (args.keep or args.data_dir):
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
