"""The export benchmark: ``python -m kzlaw.bench --export [--jurisdictions J] [--measures N]``.

J synthetic corpora (``kzlaw.synth``, one seed each, each with its own ``measures/corpus.yaml``
jurisdiction) are exported into one Parquet dataset and one SQLite file by the installed
command, and measured: the export's wall time (files parsed, and from the compiled cache), its
size on disk, and DuckDB's time for "in force on D" across every jurisdiction and for diffs a
month and ten years apart. Every DuckDB answer is checked equal to kzlaw's, jurisdiction by
jurisdiction, on the sampled days. Then the dataset is repeated (hard links, new partition
names) until it holds about 10^7 effects, and DuckDB's times are measured again. Never part of
the test suite.
"""

from __future__ import annotations

import glob
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from ..dates import day_iso


def corpora_dir(jurisdictions: int, n: int) -> str:
    from ..synth import generate, write
    folder = os.path.join(tempfile.gettempdir(), f"kzlaw-bench-export-{jurisdictions}x{n}")
    marker = os.path.join(folder, ".complete")
    if os.path.exists(marker):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    for k in range(jurisdictions):
        code = f"J{k + 1:02d}"
        root = os.path.join(folder, code)
        write(root, generate(n, seed=k + 1))
        with open(os.path.join(root, "measures", "corpus.yaml"), "w", encoding="utf-8") as f:
            f.write(f"title: Synthetic corpus {code}\njurisdiction: {code}\n")
    old = time.time() - 3600  # older than the compiled cache's racy window
    for path in glob.glob(os.path.join(folder, "**"), recursive=True):
        os.utime(path, (old, old))
    open(marker, "w").close()
    return folder


def _size(path: str) -> int:
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(p) for p in glob.glob(os.path.join(path, "**"), recursive=True)
               if os.path.isfile(p))


def _kzlaw(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``kzlaw`` command. On a shared machine the CPU time
    is the steadier figure: it is what the command costs, whoever else runs."""
    env = dict(os.environ)
    env.pop("KZLAW_NO_CACHE", None)
    cmd = [sys.executable, "-m", "kzlaw", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _timed(fn, runs: int):
    """(median wall seconds, median CPU seconds of this process, all threads), the result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return (statistics.median(walls), statistics.median(cpus)), result


def _replicate(src: str, dst: str, copies: int) -> None:
    """``copies`` copies of every partition of ``src`` under new jurisdiction names, as hard
    links (no data is copied)."""
    shutil.rmtree(dst, ignore_errors=True)
    for table_dir in sorted(glob.glob(os.path.join(src, "*", ""))):
        table = os.path.basename(os.path.dirname(table_dir))
        for part in sorted(glob.glob(os.path.join(table_dir, "jurisdiction=*"))):
            code = part.rsplit("=", 1)[1]
            for c in range(copies):
                target = os.path.join(dst, table, f"jurisdiction={code}-{c:02d}")
                os.makedirs(target, exist_ok=True)
                for f in os.listdir(part):
                    try:
                        os.link(os.path.join(part, f), os.path.join(target, f))
                    except OSError:
                        shutil.copy(os.path.join(part, f), os.path.join(target, f))


def _medians(pairs) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def run(jurisdictions: int, n: int, runs: int, days: int, effects_target: int) -> dict:
    import kzlaw
    from .compare import (DuckDB, diff_rows, in_force_rows, kzlaw_diff, kzlaw_in_force,
                          sql_diff, sql_in_force)

    out: dict = {"jurisdictions": jurisdictions, "measures_each": n}
    folder = corpora_dir(jurisdictions, n)
    work = tempfile.mkdtemp(prefix="kzlaw-bench-export-out-")
    pq = os.path.join(work, "dataset")
    db = os.path.join(work, "all.db")
    out["yaml_bytes"] = sum(_size(os.path.join(folder, d, "measures")) +
                            _size(os.path.join(folder, d, "rules"))
                            for d in os.listdir(folder) if not d.startswith("."))
    base = ["export", "--data", folder, "--format"]
    cache_dir = tempfile.mkdtemp(prefix="kzlaw-bench-export-cache-")
    os.environ["KZLAW_CACHE_DIR"] = cache_dir  # an empty cache: the first run parses
    out["export_parquet_cold"] = _kzlaw(base + ["parquet", "--output", pq])  # fills the cache
    out["export_parquet_warm"] = _kzlaw(base + ["parquet", "--output", pq])
    out["export_sqlite_warm"] = _kzlaw(base + ["sqlite", "--output", db])
    out["parquet_bytes"] = _size(pq)
    out["sqlite_bytes"] = _size(db)
    print(f"exported {jurisdictions} x {n:,} measures", file=sys.stderr)

    duck = DuckDB(pq)
    out["effects"] = duck.query("SELECT count(*) FROM effects", {})[0][0]
    out["segments"] = duck.query("SELECT count(*) FROM segments", {})[0][0]
    rng = random.Random(15)
    lo, hi = 728000, 739000  # 1994 .. 2024
    sample = sorted(rng.randrange(lo, hi) for _ in range(days))
    in_force, near, far = {}, {}, {}
    t_in, t_near, t_far = [], [], []
    for d in sample:
        t, in_force[d] = _timed(lambda: in_force_rows(duck, d), runs)
        t_in.append(t)
        t, near[d] = _timed(lambda: diff_rows(duck, d, d + 30), runs)
        t_near.append(t)
        t, far[d] = _timed(lambda: diff_rows(duck, d, d + 3650), runs)
        t_far.append(t)
    out["duckdb_in_force"] = _medians(t_in)
    out["duckdb_in_force_rows"] = statistics.median(len(r) for r in in_force.values())
    out["duckdb_diff_month"] = _medians(t_near)
    out["duckdb_diff_month_rows"] = statistics.median(len(r) for r in near.values())
    out["duckdb_diff_decade"] = _medians(t_far)
    out["duckdb_diff_decade_rows"] = statistics.median(len(r) for r in far.values())
    out["sample_days"] = [day_iso(d) for d in sample]

    # every answer equal to kzlaw's, jurisdiction by jurisdiction
    checked = 0
    kz_times = []
    for code in sorted(d for d in os.listdir(folder) if not d.startswith(".")):
        corpus = kzlaw.load(os.path.join(folder, code), cache=True)
        for d in sample:
            t = time.perf_counter()
            expected = kzlaw_in_force(corpus, d)
            kz_times.append(time.perf_counter() - t)
            if sql_in_force(in_force[d], code) != expected:
                raise SystemExit(f"DuckDB's in-force differs from kzlaw's: {code} {day_iso(d)}")
            for rows, b in ((near[d], d + 30), (far[d], d + 3650)):
                if sql_diff(rows, code) != kzlaw_diff(corpus, d, b):
                    raise SystemExit(f"DuckDB's diff differs from kzlaw's: {code} "
                                     f"{day_iso(d)} {day_iso(b)}")
            checked += 3
        del corpus
    out["checked_answers"] = checked
    out["kzlaw_in_force_one_jurisdiction"] = statistics.median(kz_times)
    print(f"checked {checked} answers against kzlaw", file=sys.stderr)

    # the same files, repeated to about 10^7 effects
    copies = max(1, -(-effects_target // max(1, out["effects"])))
    big = os.path.join(work, "big")
    _replicate(pq, big, copies)
    duck_big = DuckDB(big)
    out["big_partitions"] = jurisdictions * copies
    out["big_effects"] = duck_big.query("SELECT count(*) FROM effects", {})[0][0]
    out["big_segments"] = duck_big.query("SELECT count(*) FROM segments", {})[0][0]
    d = sample[len(sample) // 2]
    out["big_in_force"], rows = _timed(lambda: in_force_rows(duck_big, d), runs)
    out["big_in_force_rows"] = len(rows)
    count_sql = ('SELECT count(*) FROM segments WHERE (start IS NULL OR start <= $date) '
                 'AND ("end" IS NULL OR $date < "end")')
    out["big_in_force_count"], _ = _timed(
        lambda: duck_big.con.execute(count_sql, {"date": day_iso(d)}).fetchall(), runs)
    out["big_diff_decade"], rows = _timed(lambda: diff_rows(duck_big, d, d + 3650), runs)
    out["big_diff_decade_rows"] = len(rows)
    out["big_bytes"] = out["parquet_bytes"] * copies
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(cache_dir, ignore_errors=True)
    out["load_average"] = os.getloadavg()
    return out


def _s(x) -> str:
    """A time, or a (wall, CPU) pair as 'wall (CPU c)'."""
    if isinstance(x, (tuple, list)):
        return f"{_s(x[0])} (CPU {_s(x[1])})"
    return f"{x:.2f} s" if x >= 1 else f"{x * 1e3:.0f} ms"


def _mb(x: int) -> str:
    return f"{x / 1e6:,.0f} MB"


def table(r: dict) -> str:
    from tabulate import tabulate
    j, n = r["jurisdictions"], r["measures_each"]
    rows = [
        ("corpora x measures", f"{j} x {n:,} (YAML: {_mb(r['yaml_bytes'])})"),
        ("effects / segments in the dataset", f"{r['effects']:,} / {r['segments']:,}"),
        ("`kzlaw export --format parquet`, files parsed (and the cache filled)",
         _s(r["export_parquet_cold"])),
        ("… from the compiled cache", _s(r["export_parquet_warm"])),
        ("`kzlaw export --format sqlite`, from the cache", _s(r["export_sqlite_warm"])),
        ("size on disk: Parquet (zstd) / SQLite",
         f"{_mb(r['parquet_bytes'])} / {_mb(r['sqlite_bytes'])}"),
        ("DuckDB: in force on D, all jurisdictions (rows)",
         f"{_s(r['duckdb_in_force'])} ({r['duckdb_in_force_rows']:,.0f})"),
        ("DuckDB: diff a month apart, all jurisdictions (changes)",
         f"{_s(r['duckdb_diff_month'])} ({r['duckdb_diff_month_rows']:,.0f})"),
        ("DuckDB: diff ten years apart, all jurisdictions (changes)",
         f"{_s(r['duckdb_diff_decade'])} ({r['duckdb_diff_decade_rows']:,.0f})"),
        ("answers checked equal to kzlaw's (per jurisdiction, sampled days)",
         f"{r['checked_answers']:,} of {r['checked_answers']:,}"),
        (f"repeated to {r['big_partitions']} partitions: effects / segments",
         f"{r['big_effects']:,} / {r['big_segments']:,} ({_mb(r['big_bytes'])})"),
        ("… DuckDB: in force on D (rows)",
         f"{_s(r['big_in_force'])} ({r['big_in_force_rows']:,}); "
         f"count only {_s(r['big_in_force_count'])}"),
        ("… DuckDB: diff ten years apart (changes)",
         f"{_s(r['big_diff_decade'])} ({r['big_diff_decade_rows']:,})"),
    ]
    load = ", ".join(f"{x:.1f}" for x in r["load_average"])
    return tabulate(rows, headers=["measured", "wall time (CPU time)"], tablefmt="github",
                    disable_numparse=True) + f"\n\nload average at the end: {load}\n"


def main(argv) -> int:
    import argparse
    p = argparse.ArgumentParser(prog="python -m kzlaw.bench --export")
    p.add_argument("--jurisdictions", type=int, default=20)
    p.add_argument("--measures", type=int, default=10000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--days", type=int, default=5, help="sampled days (each checked)")
    p.add_argument("--effects", type=int, default=10**7,
                   help="repeat the dataset to about this many effects")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    r = run(args.jurisdictions, args.measures, args.runs, args.days, args.effects)
    print(json.dumps(r, indent=2) if args.json else table(r))
    return 0
