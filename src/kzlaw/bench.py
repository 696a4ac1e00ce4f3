"""The benchmark: ``python -m kzlaw.bench [N ...] [--runs K] [--quick]``.

For each size N (default 1,000, 10,000 and 40,000 measures) a synthetic corpus is written to
disk (``kzlaw.synth``, kept in the temp folder between runs) and measured in a fresh process,
each figure the median of several runs: the YAML parse floor (PyYAML's C loader on the same
files), load+check, compile (engine, rules, timeline), ``at(date)``, ``state.status``,
iterating a state, ``diff`` a month apart and ten years apart, the full timeline, the same
point query done naively (every effect evaluated at the date), peak memory, and the wall time
of a warm ``kzlaw in-force`` (cache hit). It never runs inside the test suite.

``python -m kzlaw.bench --export`` measures ``kzlaw export`` of many corpora and DuckDB over
the result instead (``export/bench.py``), ``python -m kzlaw.bench --openfisca`` kzlaw
beside OpenFisca on the same prohibitions (``bench_openfisca.py``), and ``--check-floor`` /
``--scale N`` ``kzlaw check`` against the YAML parse floor and the peak memory of N measures,
on the corpora of ``synth_independent`` (``bench_check.py``). ``python -m kzlaw.bench --cli [N ...]
[--data FOLDER] [--against SRC]`` times a warm ``kzlaw in-force`` printing its full table,
and a warm ``kzlaw diff`` a month apart, beside the target, Python's start with ``import kzlaw``
and another kzlaw's ``src``, in one run.
"""

from __future__ import annotations

import argparse
import gc
import glob
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from tabulate import tabulate


def corpus_dir(n: int) -> str:
    folder = os.path.join(tempfile.gettempdir(), f"kzlaw-bench-{n}")
    marker = os.path.join(folder, ".complete")
    if not os.path.exists(marker):
        from .synth import generate, write
        import shutil
        shutil.rmtree(folder, ignore_errors=True)
        write(folder, generate(n))
        old = time.time() - 3600  # older than the cache's racy window
        for path in glob.glob(os.path.join(folder, "**"), recursive=True):
            os.utime(path, (old, old))
        open(marker, "w").close()
        wait_out_racy_window(marker)
    return folder


def wait_out_racy_window(marker: str) -> None:
    """Sleep until a corpus written just now (``marker`` written last) may be cached: ``utime``
    cannot set a file's change time, so a cache made within the racy window of the writing
    would not be trusted by the next run, and a "warm" run would compile again."""
    from .cache import racy_seconds
    left = os.stat(marker).st_ctime + racy_seconds() + 0.5 - time.time()
    if left > 0:
        time.sleep(left)


def _median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _per_call(fn, args_list) -> float:
    """Median seconds per call over batches of the argument list."""
    batch = max(1, len(args_list) // 20)
    times = []
    for i in range(0, len(args_list), batch):
        chunk = args_list[i:i + batch]
        t = time.perf_counter()
        for a in chunk:
            fn(*a)
        times.append((time.perf_counter() - t) / len(chunk))
    return statistics.median(times)


def measure(n: int, runs: int) -> dict:
    """All figures for one size, in this process."""
    import yaml

    from .corpus import Corpus, validate
    from .daysets import contains
    from .loader import load_raw
    from .timeline import ABSENT, IN_FORCE, UNCERTAIN

    root = corpus_dir(n)
    files = sorted(glob.glob(os.path.join(root, "measures", "**", "*.yaml"), recursive=True)
                   + glob.glob(os.path.join(root, "rules", "*.yaml")))
    out: dict = {"n": n, "files": len(files)}

    def parse_floor():
        for path in files:
            with open(path, encoding="utf-8") as f:
                yaml.load(f.read(), Loader=yaml.CSafeLoader)

    out["parse_floor"] = _median_time(parse_floor, runs)
    holder = {}

    def load_check():
        raw = load_raw(root)
        assert not validate(raw)
        holder["raw"] = raw

    out["load_check"] = _median_time(load_check, runs)

    def compile_():
        holder["corpus"] = Corpus(holder["raw"])

    out["compile"] = _median_time(compile_, max(1, runs - 1))
    corpus = holder["corpus"]
    rng = random.Random(7)
    lo, hi = 727000, 739000  # 1991 .. 2024
    days = [rng.randrange(lo, hi) for _ in range(2000)]
    out["at"] = _per_call(corpus.compiled.at, [(d,) for d in days])
    keys = list(corpus.compiled.segments)
    probes = [(keys[rng.randrange(len(keys))], rng.randrange(lo, hi)) for _ in range(20000)]
    states = {d: corpus.compiled.at(d) for d in {p[1] for p in probes[:200]}}
    st_probes = [(states[d], k) for k, d in probes[:200] for _ in range(50)]
    out["status"] = _per_call(lambda s, k: s.status(*k), st_probes)
    facts_at = []
    t_iter = []
    for d in days[:40]:
        st = corpus.compiled.at(d)
        t = time.perf_counter()
        items = list(st)
        t_iter.append(time.perf_counter() - t)
        facts_at.append(len(items))
    out["iterate"] = statistics.median(t_iter)
    out["facts_per_state"] = int(statistics.median(facts_at))
    out["iterate_per_fact_us"] = out["iterate"] / max(1, out["facts_per_state"]) * 1e6
    near = [(d, d + 30) for d in days[:200]]
    far = [(d, d + 3650) for d in days[:50]]
    out["diff_near"] = _per_call(corpus.compiled.diff, near)
    out["diff_far"] = _per_call(corpus.compiled.diff, far)
    out["changes_near"] = statistics.median(len(corpus.compiled.diff(a, b)) for a, b in near)
    out["changes_far"] = statistics.median(len(corpus.compiled.diff(a, b)) for a, b in far)
    out["timeline"] = _median_time(corpus.timeline, max(1, runs - 1))

    holdings = corpus.holdings

    def naive(day):
        """Every effect evaluated at the date: the question answered without the index."""
        facts: dict = {}
        for h in holdings:
            if contains(h.possible, day):
                st = IN_FORCE if contains(h.certain, day) else UNCERTAIN
                if facts.get(h.fact) != IN_FORCE:
                    facts[h.fact] = st
        return facts

    out["naive"] = _per_call(naive, [(d,) for d in days[:60]])
    out["ratio_naive_at"] = out["naive"] / out["at"]
    out["peak_all_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["effects"] = len(holdings)
    out["facts"] = len(keys)
    out["change_points"] = len(corpus.compiled.points)
    del ABSENT
    return out


def peak_memory(n: int) -> float:
    """Peak resident memory (MB) of a fresh process that loads, checks and compiles."""
    code = ("import resource, kzlaw; c = kzlaw.load(%r); c.at(730000); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)" % corpus_dir(n))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return float(proc.stdout.strip())


def warm_cli(n: int, runs: int) -> float:
    """Median wall time of ``kzlaw in-force`` on an unchanged corpus (a cache hit)."""
    root = corpus_dir(n)
    env = dict(os.environ)
    env.pop("KZLAW_NO_CACHE", None)
    cmd = [sys.executable, "-m", "kzlaw", "--data", root, "in-force", "2010-06-01"]
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)  # fills the cache
    times = []
    for _ in range(max(3, runs)):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# --- the CLI at scale: a warm `kzlaw in-force` printing its full table ------------------------

IN_FORCE_TARGET = 0.5  # seconds, wall (issue 15)


def _timed_child(cmd: list[str], env: dict) -> tuple[float, float, float]:
    """(wall, CPU seconds, peak memory MB) of one run of ``cmd``, its output thrown away; CPU
    is the child's user + system time, memory its peak resident set."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def cli_in_force(folder: str, day: str, runs: int, against: str | None = None,
                 diff: tuple[str, str] = ("2010-06-01", "2010-07-01")) -> dict:
    """Median wall, CPU and peak memory of ``kzlaw in-force DAY`` and of ``kzlaw diff A B``
    on ``folder`` with a warm cache, beside Python's own start with ``import kzlaw`` and, with
    ``against`` (the ``src`` folder of another kzlaw, e.g. ``git archive REV src``), that
    kzlaw on the same corpus; all interleaved in one run. Each kzlaw keeps its own cache
    folder, and the first run of each writes its bytecode, as an installed package has it."""
    env = dict(os.environ)
    env.pop("KZLAW_NO_CACHE", None)
    kzlaw = [sys.executable, "-m", "kzlaw", "--data", folder]
    sides = {"kzlaw in-force": (kzlaw + ["in-force", day], env),
             "kzlaw diff": (kzlaw + ["diff", *diff], env),
             "python -c 'import kzlaw'": ([sys.executable, "-c", "import kzlaw"], env)}
    if against:
        # its own cache folder: beside this run's when KZLAW_CACHE_DIR names one (so that
        # runs of different checkouts at the same time do not replace each other's files)
        mine = env.get("KZLAW_CACHE_DIR")
        other = dict(env, PYTHONPATH=os.path.abspath(against),
                     KZLAW_CACHE_DIR=os.path.abspath(mine) + "-previous" if mine else
                     os.path.join(tempfile.gettempdir(), "kzlaw-bench-cli-cache"))
        sides["previous kzlaw in-force"] = (sides["kzlaw in-force"][0], other)
        sides["previous kzlaw diff"] = (sides["kzlaw diff"][0], other)
    for cmd, e in sides.values():  # fills the cache, writes the bytecode
        warm = {k: v for k, v in e.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run(cmd, env=warm, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(cmd, env=warm, stdout=subprocess.DEVNULL, check=True)
    times: dict = {name: [] for name in sides}
    for _ in range(max(3, runs)):
        for name, (cmd, e) in sides.items():
            times[name].append(_timed_child(cmd, e))
    out = {"folder": folder, "day": day, "diff": list(diff), "runs": max(3, runs)}
    for name, runs_ in times.items():
        out[name] = {"wall": statistics.median(w for w, _c, _m in runs_),
                     "cpu": statistics.median(c for _w, c, _m in runs_),
                     "peak_mb": max(m for _w, _c, m in runs_)}
    return out


def cli_main(argv: list[str]) -> int:
    """``python -m kzlaw.bench --cli [N ...] [--data FOLDER] [--against SRC] [--runs K]``."""
    p = argparse.ArgumentParser(prog="python -m kzlaw.bench --cli",
                                description="a warm `kzlaw in-force` at N measures, full table, "
                                            "and a warm `kzlaw diff`")
    p.add_argument("sizes", nargs="*", type=int,
                   help="synthetic corpora of N measures (kzlaw.synth; 40,000 unless --data)")
    p.add_argument("--data", action="append", default=[], help="also this corpus folder")
    p.add_argument("--day", default="2010-06-01")
    p.add_argument("--diff", nargs=2, default=["2010-06-01", "2010-07-01"],
                   metavar=("DATE_A", "DATE_B"), help="the days of the diff (a month apart)")
    p.add_argument("--against", help="the src folder of another kzlaw to compare with")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    sizes = args.sizes or ([] if args.data else [40000])
    folders = [corpus_dir(n) for n in sizes] + args.data
    results = [cli_in_force(f, args.day, args.runs, args.against, tuple(args.diff))
               for f in folders]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0

    def figures(r: dict) -> str:
        return f"{_fmt_s(r['wall'])} (CPU {_fmt_s(r['cpu'])}, {r['peak_mb']:.0f} MB)"

    def versus(prev: dict, mine: dict) -> str:
        return (f"{prev['wall'] / mine['wall']:.2f}x wall, {prev['cpu'] / mine['cpu']:.2f}x "
                f"CPU, {prev['peak_mb'] / mine['peak_mb']:.2f}x memory")

    rows = []
    for r in results:
        mine, start = r["kzlaw in-force"], r["python -c 'import kzlaw'"]
        row = [r["folder"], figures(mine),
               f"{_fmt_s(IN_FORCE_TARGET)}: {'met' if mine['wall'] <= IN_FORCE_TARGET else 'not met'}",
               f"{mine['wall'] / start['wall']:.1f}x ({_fmt_s(start['wall'])})",
               figures(r["kzlaw diff"])]
        if "previous kzlaw in-force" in r:
            row.append(versus(r["previous kzlaw in-force"], mine))
            row.append(versus(r["previous kzlaw diff"], r["kzlaw diff"]))
        rows.append(row)
    head = ["corpus", "warm `kzlaw in-force` (wall)", "target (wall)",
            "/ python -c 'import kzlaw'", f"warm `kzlaw diff {' '.join(args.diff)}`"]
    if args.against:
        head += ["in-force: previous / this", "diff: previous / this"]
    print(tabulate(rows, headers=head, tablefmt="github", disable_numparse=True))
    print(f"\nmedian of {results[0]['runs'] if results else 0} interleaved runs (memory: the "
          "largest); load average at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0


def _fmt_s(x: float) -> str:
    if x >= 1:
        return f"{x:.2f} s"
    if x >= 1e-3:
        return f"{x * 1e3:.1f} ms"
    return f"{x * 1e6:.1f} µs"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--export"]:  # many corpora exported, asked in DuckDB (export/bench.py)
        from .export.bench import main as export_main
        return export_main(argv[1:])
    if argv[:1] in (["--check-floor"], ["--scale"]):  # `kzlaw check` / memory (bench_check.py)
        from .bench_check import main as check_main
        return check_main(argv)
    if argv[:1] == ["--cli"]:  # a warm `kzlaw in-force` printing its full table
        return cli_main(argv[1:])
    if argv[:1] == ["--openfisca"]:  # beside OpenFisca on the same work (bench_openfisca.py)
        from .bench_openfisca import main as openfisca_main
        return openfisca_main(argv[1:])
    p = argparse.ArgumentParser(prog="python -m kzlaw.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 40000])
    p.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)  # worker mode
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one, args.runs)))
        return 0
    results = []
    for n in args.sizes:
        corpus_dir(n)
        proc = subprocess.run([sys.executable, "-m", "kzlaw.bench", "--one", str(n),
                               "--runs", str(args.runs)], capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        r["warm_cli"] = warm_cli(n, args.runs)
        r["peak_mb"] = peak_memory(n)
        results.append(r)
        print(f"measured N={n}", file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    rows = [
        ("files (measures + 5)", lambda r: f"{r['files']:,}"),
        ("effects / facts / change points",
         lambda r: f"{r['effects']:,} / {r['facts']:,} / {r['change_points']:,}"),
        ("YAML parse floor (C loader)", lambda r: _fmt_s(r["parse_floor"])),
        ("load + check", lambda r: _fmt_s(r["load_check"])),
        ("  ratio to the parse floor", lambda r: f"{r['load_check'] / r['parse_floor']:.2f}x"),
        ("compile (engine, rules, timeline)", lambda r: _fmt_s(r["compile"])),
        ("at(date)", lambda r: _fmt_s(r["at"])),
        ("state.status(kind, target, about)", lambda r: _fmt_s(r["status"])),
        ("iterate a state (facts)", lambda r: f"{_fmt_s(r['iterate'])} ({r['facts_per_state']:,}; "
                                              f"{r['iterate_per_fact_us']:.2f} µs/fact)"),
        ("diff, dates a month apart (changes)", lambda r: f"{_fmt_s(r['diff_near'])} ({r['changes_near']:g})"),
        ("diff, ten years apart (changes)", lambda r: f"{_fmt_s(r['diff_far'])} ({r['changes_far']:g})"),
        ("full timeline()", lambda r: _fmt_s(r["timeline"])),
        ("naive point query (every effect)", lambda r: _fmt_s(r["naive"])),
        ("  naive / at(date)", lambda r: f"{r['ratio_naive_at']:,.0f}x"),
        ("peak memory: load, check, compile", lambda r: f"{r['peak_mb']:.0f} MB"),
        ("  (the benchmark process, all of it)", lambda r: f"{r['peak_all_mb']:.0f} MB"),
        ("warm `kzlaw in-force` (cache hit)", lambda r: _fmt_s(r["warm_cli"])),
    ]
    table = [[name] + [fn(r) for r in results] for name, fn in rows]
    print(tabulate(table, headers=["N measures"] + [f"{r['n']:,}" for r in results],
                   tablefmt="github", disable_numparse=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
