"""``kzlaw check`` against the YAML parse floor, and the memory of a very large corpus, on the
corpora of the second generator (``synth_independent``):

    python -m kzlaw.bench --check-floor [N ...] [--reps K]   # default 10,000 and 40,000
    python -m kzlaw.bench --scale N [--keep] [--cold]         # e.g. 200,000 (and as many ids)

``--check-floor`` gives, per size, the CPU time (user + system) of the whole ``kzlaw --data
FOLDER check`` process (interpreter start and imports included: load, validate, the rules'
warnings and the date conflicts, the output written to /dev/null) divided by the *parse
floor*: the CPU time, in a fresh process and after its imports, of reading every file kzlaw
reads (``measures/**/*.yaml`` and ``rules/*.yaml``: open, read as UTF-8) and parsing its text
with PyYAML's C loader (``yaml.load(text, Loader=yaml.CSafeLoader)``), nothing else. The
two are interleaved, ``--reps`` times each (median). Target: at most 2.

``--scale N`` writes N measures and N vocabulary ids under the temp folder (removed after
unless ``--keep``) and gives the peak resident memory (``ru_maxrss``) of fresh processes:
``kzlaw check``; ``kzlaw.load(FOLDER, cache=False)`` and one question (load, check, compile);
and with ``--cold`` a cold ``kzlaw in-force`` that compiles and writes the compiled cache (in
a cache folder of its own; at 200,000 measures it needed 11.9 GB, so it is asked for).
Target: each under 2.5 GB.
"""

from __future__ import annotations

import glob
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from tabulate import tabulate

TARGET_RATIO = 2.0
TARGET_PEAK_MB = 2500

FLOOR_CODE = r"""
import glob, os, sys, time, yaml
root = sys.argv[1]
files = sorted(glob.glob(os.path.join(root, "measures", "**", "*.yaml"), recursive=True)
               + glob.glob(os.path.join(root, "rules", "*.yaml")))
t = time.process_time()
for path in files:
    with open(path, encoding="utf-8") as f:
        yaml.load(f.read(), Loader=yaml.CSafeLoader)
print(len(files), time.process_time() - t)
"""

LOAD_CODE = r"""
import resource, sys, time, kzlaw
t = time.process_time()
corpus = kzlaw.load(sys.argv[1], cache=False)
corpus.at(734655)  # 2012-06-01
print(time.process_time() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def independent_dir(n: int, vocabulary: int | None = None) -> str:
    """The corpus of ``n`` measures (kept in the temp folder between runs)."""
    from .synth_independent import write
    name = f"kzlaw-bench-independent-{n}" + (f"-v{vocabulary}" if vocabulary else "")
    folder = os.path.join(tempfile.gettempdir(), name)
    marker = os.path.join(folder, ".complete")
    if not os.path.exists(marker):
        shutil.rmtree(folder, ignore_errors=True)
        write(folder, n, vocabulary)
        old = time.time() - 3600  # older than the compiled cache's racy window
        for path in glob.glob(os.path.join(folder, "**"), recursive=True):
            os.utime(path, (old, old))
        open(marker, "w").close()
    return folder


def _run(cmd: list[str], env: dict | None = None) -> tuple[str, float, float]:
    """Run ``cmd`` to its end; (stdout, CPU seconds user + system, peak resident MB)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read()}")
        return out.read(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _env(**extra) -> dict:
    env = dict(os.environ, **extra)
    env.pop("COLUMNS", None)
    return env


def check_floor(n: int, reps: int) -> dict:
    root = independent_dir(n)
    floors, checks = [], []
    files = 0
    summary = ""
    for _ in range(reps):
        out, _cpu, _peak = _run([sys.executable, "-c", FLOOR_CODE, root])
        files, floor = out.split()
        floors.append(float(floor))
        out, cpu, peak = _run([sys.executable, "-m", "kzlaw", "--data", root, "check"],
                              _env(KZLAW_NO_CACHE="1"))
        checks.append(cpu)
        summary = out.strip().splitlines()[-1]
    floor, check = statistics.median(floors), statistics.median(checks)
    return {"n": n, "files": int(files), "floor": floor, "check": check,
            "ratio": check / floor, "summary": summary}


def scale(n: int, keep: bool, cold: bool) -> dict:
    root = independent_dir(n, n)
    try:
        out, check_cpu, check_peak = _run([sys.executable, "-m", "kzlaw", "--data", root,
                                           "check"], _env(KZLAW_NO_CACHE="1"))
        summary = out.strip().splitlines()[-1]
        out, _cpu, load_peak = _run([sys.executable, "-c", LOAD_CODE, root], _env())
        load_cpu = float(out.split()[0])
        out = {"n": n, "summary": summary, "check": (check_cpu, check_peak),
               "load": (load_cpu, load_peak)}
        if cold:
            with tempfile.TemporaryDirectory(prefix="kzlaw-bench-cache-") as cache:
                _out, cold_cpu, cold_peak = _run(
                    [sys.executable, "-m", "kzlaw", "--data", root, "in-force", "2012-06-01"],
                    _env(KZLAW_CACHE_DIR=cache))
            out["cold"] = (cold_cpu, cold_peak)
        return out
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (5 min: {five:.2f})"


def main(argv: list[str]) -> int:
    import argparse
    p = argparse.ArgumentParser(prog="python -m kzlaw.bench --check-floor | --scale N",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--check-floor", nargs="*", type=int, metavar="N")
    p.add_argument("--scale", type=int, metavar="N")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--keep", action="store_true", help="keep the --scale corpus")
    p.add_argument("--cold", action="store_true",
                   help="--scale: also a cold `kzlaw in-force` that writes the compiled cache")
    args = p.parse_args(argv)
    if args.check_floor is not None:
        rows = []
        for n in args.check_floor or [10000, 40000]:
            r = check_floor(n, args.reps)
            rows.append([f"{n:,}", f"{r['files']:,}", f"{r['floor']:.2f} s",
                         f"{r['check']:.2f} s", f"{r['ratio']:.2f}x",
                         "yes" if r["ratio"] <= TARGET_RATIO else "no"])
            print(f"measured N={n}: {r['summary']}", file=sys.stderr)
        print(tabulate(rows, headers=["measures", "files", "parse floor (CPU)",
                                      "`kzlaw check` (CPU)", "check / floor",
                                      f"<= {TARGET_RATIO:g}x"],
                       tablefmt="github", disable_numparse=True))
        print(f"\n{_load()}; corpora by kzlaw.synth_independent; median of {args.reps}")
    if args.scale:
        r = scale(args.scale, args.keep, args.cold)
        rows = [[what, f"{r[key][0]:.1f} s", f"{r[key][1]:,.0f} MB",
                 f"{TARGET_PEAK_MB:,} MB", "yes" if r[key][1] < TARGET_PEAK_MB else "no"]
                for what, key in (("kzlaw check", "check"),
                                  ("kzlaw.load(cache=False) + one question", "load"),
                                  ("cold kzlaw in-force (compiles, writes the cache)", "cold"))
                if key in r]
        print(tabulate(rows, headers=[f"{args.scale:,} measures and vocabulary ids", "CPU",
                                      "peak memory", "target", "under"],
                       tablefmt="github", disable_numparse=True))
        print(f"\n{r['summary']}\n{_load()}")
    return 0
