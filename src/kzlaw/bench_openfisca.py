"""kzlaw beside OpenFisca on the same information: ``python -m kzlaw.bench --openfisca [N ...]``.

The workload: N prohibitions, each switched on and off five times. OpenFisca gets one
parameter file per prohibition (a boolean with eleven dated values: false, then five times
true and false); kzlaw gets one measure per switch (a prohibition from its adopted day
``until`` the day it is switched off). Both answer the same questions on the same days,
checked identical on every day: load (no cache; kzlaw also from its compiled cache, which
OpenFisca does not have), the whole state at a day, one lookup in a state already built
(OpenFisca's ``node[name]`` on the parameters at an instant, which are all worked out when the
node is made; kzlaw's ``state.status`` on a state whose facts were made, ``state.facts()``:
the work of making each is the "whole state" row on both sides), one
question (one prohibition on one day, asked of the loaded parameters or corpus: OpenFisca's
``parameter(instant)``, kzlaw's ``corpus.at(day).status``), diffs a month and ten years
apart (kzlaw's changes carry their provenance, worked out when first read, which the
checked answers, the facts that changed, do not read: a further row reads it, with no
counterpart on OpenFisca's side), and memory after load. Each figure is the median of interleaved repetitions
(OpenFisca, kzlaw, OpenFisca, kzlaw, ...), each in a fresh process, and the ratios are
OpenFisca's time (or memory) over kzlaw's: above 1, kzlaw wins. Times are the process's CPU
time (``time.process_time``): on a machine shared with other work, wall times measure the
neighbours as much as the code.

OpenFisca runs in its own virtual environment, created here on first use
(``openfisca-core`` from the package index), so that kzlaw's environment never holds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date

SWITCHES = 5
FIRST = date(1991, 12, 16).toordinal()
LAST = date(2024, 12, 31).toordinal()
OPENFISCA_VENV = os.path.join(tempfile.gettempdir(), "kzlaw-bench-openfisca")


def workload(n: int, seed: int = 46) -> list[list[tuple[int, int]]]:
    """For each of the n prohibitions, five (on, off) day pairs in order."""
    rng = random.Random(seed * 7919 + n)
    out = []
    for _ in range(n):
        days = sorted(rng.sample(range(FIRST, LAST), 2 * SWITCHES))
        out.append([(days[2 * k], days[2 * k + 1]) for k in range(SWITCHES)])
    return out


def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


def write_corpora(n: int) -> tuple[str, str]:
    """(OpenFisca parameters folder, kzlaw corpus folder), written once per n."""
    folder = os.path.join(tempfile.gettempdir(), f"kzlaw-bench-openfisca-{n}")
    marker = os.path.join(folder, ".complete")
    of_dir, kz_dir = os.path.join(folder, "parameters"), os.path.join(folder, "kzlaw")
    if os.path.exists(marker):
        return of_dir, kz_dir
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(of_dir)
    os.makedirs(os.path.join(kz_dir, "rules"))
    os.makedirs(os.path.join(kz_dir, "measures"))
    work = workload(n)
    for i, switches in enumerate(work):
        lines = [f"description: Prohibition {i}", "values:", "  1900-01-01:", "    value: false"]
        for on, off in switches:
            lines += [f"  {_iso(on)}:", "    value: true", f"  {_iso(off)}:", "    value: false"]
        with open(os.path.join(of_dir, f"p_{i:06d}.yaml"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    # kzlaw: the vocabulary (above 12,000 ids split into files of 5,000, as a corpus must
    # where one file would pass the 1 MiB limit), the source, one measure per switch
    vocab_dir = os.path.join(kz_dir, "measures", "vocabulary")
    if n > 12000:
        os.makedirs(vocab_dir)
        chunks = [range(s, min(n, s + 5000)) for s in range(0, n, 5000)]
        for k, chunk in enumerate(chunks):
            with open(os.path.join(vocab_dir, f"acts-{k:03d}.yaml"), "w", encoding="utf-8") as f:
                f.write("acts:\n" + "".join(f"  p-{i:06d}: {{label: Prohibition {i}}}\n"
                                            for i in chunk))
        with open(os.path.join(vocab_dir, "other.yaml"), "w", encoding="utf-8") as f:
            f.write("organizations: {}\n")
    else:
        with open(os.path.join(kz_dir, "measures", "vocabulary.yaml"), "w",
                  encoding="utf-8") as f:
            f.write("acts:\n" + "".join(f"  p-{i:06d}: {{label: Prohibition {i}}}\n"
                                        for i in range(n)))
    with open(os.path.join(kz_dir, "measures", "sources.yaml"), "w", encoding="utf-8") as f:
        f.write("s1: {citation: Synthetic source, kind: primary}\n")
    made = set()
    for i, switches in enumerate(work):
        for k, (on, off) in enumerate(switches):
            year = _iso(on)[:4]
            sub = os.path.join(kz_dir, "measures", year)
            if sub not in made:
                os.makedirs(sub, exist_ok=True)
                made.add(sub)
            mid = f"s-{i:06d}-{k}"
            with open(os.path.join(sub, mid + ".yaml"), "w", encoding="utf-8") as f:
                f.write(f"id: {mid}\ntitle: Switch {k} of prohibition {i}\nkind: law\n"
                        f"status: enacted\ndates: {{adopted: {_iso(on)}}}\n"
                        f"sources: [{{ref: s1, quote: synthetic}}]\n"
                        f"effects:\n- id: on\n  prohibits: p-{i:06d}\n  until: {_iso(off)}\n")
    old = time.time() - 3600  # older than the compiled cache's racy window
    for base, _dirs, files in os.walk(folder):
        for name in files:
            os.utime(os.path.join(base, name), (old, old))
    open(marker, "w").close()
    return of_dir, kz_dir


def _digest(names) -> str:
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- the OpenFisca worker (runs in OpenFisca's environment; imports nothing of kzlaw) --------

OPENFISCA_WORKER = r'''
import hashlib, json, sys, time
from datetime import date
t0 = time.process_time()
from openfisca_core.parameters import ParameterNode
imports = time.process_time() - t0
folder, plan = sys.argv[1], json.load(open(sys.argv[2]))

def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

def digest(names):
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]

def name_of(child):  # p_000001 -> p-000001, kzlaw's id of the same prohibition
    return child.replace("_", "-")

t = time.process_time()
params = ParameterNode("prohibitions", directory_path=folder)
out = {"load": time.process_time() - t, "rss": rss(), "imports": imports}
names = sorted(params.children)
assert names == [f"p_{i:06d}" for i in range(len(names))], "not the benchmark's parameters"
iso = lambda d: date.fromordinal(d).isoformat()

def state(day):
    node = params(iso(day))
    return {n: node[n] for n in names}

answers, times = [], []
for day in plan["days"]:
    t = time.process_time()
    s = state(day)
    times.append(time.process_time() - t)
    answers.append(digest(name_of(n) for n, v in s.items() if v))
out["state"], out["state_answers"] = sorted(times)[len(times) // 2], answers
node = params(iso(plan["days"][0]))
# each name made from its number, as kzlaw's probes are (not the node's own key objects,
# which a dict finds by identity without comparing or hashing a string); the median of
# PASSES passes, each with its own names (bench_openfisca.lookup_passes); the floor: a bare
# dict of the same names, read by the same passes made again
def passes():
    return [[f"p_{i:06d}" for i in pass_] for pass_ in plan["lookup_passes"]]

def median_pass(passes, table):
    times = []
    for probes in passes:
        t = time.process_time()
        for n in probes:
            table[n]
        times.append((time.process_time() - t) / len(probes))
    return sorted(times)[len(times) // 2]

out["lookup"] = median_pass(passes(), node)
bare = dict.fromkeys([f"p_{i:06d}" for i in range(len(names))], True)
out["lookup_floor"] = median_pass(passes(), bare)
del bare
# one question: one prohibition on one day, asked of the loaded parameters (OpenFisca's way
# to ask for one value at one instant)
children = params.children
questions = [(f"p_{i % len(names):06d}", iso(plan["days"][k % len(plan["days"])]))
             for k, i in enumerate(plan["probes"])]
t = time.process_time()
for n, day in questions:
    children[n](day)
out["question"] = (time.process_time() - t) / len(questions)
out["question_answers"] = digest(f"{n}@{d}" for (n, d) in questions if children[n](d))
for label, gap in (("diff_month", 30), ("diff_decade", 3650)):
    answers, times = [], []
    for day in plan["days"]:
        t = time.process_time()
        a, b = params(iso(day)), params(iso(day + gap))
        changed = [n for n in names if a[n] != b[n]]
        times.append(time.process_time() - t)
        answers.append(digest(map(name_of, changed)))
    out[label], out[label + "_answers"] = sorted(times)[len(times) // 2], answers
print(json.dumps(out))
'''


def kzlaw_worker(folder: str, plan: dict, cache: bool) -> dict:
    """The same questions asked of kzlaw, in this (fresh) process."""
    t = time.process_time()
    import kzlaw
    imports = time.process_time() - t
    t = time.process_time()
    corpus = kzlaw.load(folder, cache=cache)
    out = {"load": time.process_time() - t, "rss": _rss_mb(), "imports": imports}
    if not cache:  # kzlaw check against the YAML parse floor, on this other generator's files
        out.update(_check_and_floor(folder))
    answers, times = [], []
    for day in plan["days"]:
        t = time.process_time()
        facts = corpus.at(day).facts()
        times.append(time.process_time() - t)
        answers.append(_digest(f.target for f in facts if f.status == "in-force"))
    out["state"], out["state_answers"] = statistics.median(times), answers
    state = corpus.at(plan["days"][0])
    state.facts()  # built, as OpenFisca's node at the instant is
    n = plan["n"]

    def passes():  # new strings each time: none with its hash already worked out
        return [[f"p-{i:06d}" for i in pass_] for pass_ in plan["lookup_passes"]]
    times = []
    for probes in passes():
        t = time.process_time()
        for p in probes:
            state.status("prohibition", p)
        times.append((time.process_time() - t) / len(probes))
    out["lookup"] = statistics.median(times)
    # the floor of any lookup by id, as in OpenFisca's worker
    bare = dict.fromkeys([f"p-{i:06d}" for i in range(n)], "in-force")
    times = []
    for probes in passes():
        t = time.process_time()
        for p in probes:
            bare[p]
        times.append((time.process_time() - t) / len(probes))
    out["lookup_floor"] = statistics.median(times)
    del bare
    # one question: one prohibition on one day, asked of the loaded corpus
    days = plan["days"]
    questions = [(f"p-{i % n:06d}", days[k % len(days)]) for k, i in enumerate(plan["probes"])]
    at = corpus.at
    t = time.process_time()
    for p, day in questions:
        at(day).status("prohibition", p)
    out["question"] = (time.process_time() - t) / len(questions)
    out["question_answers"] = _digest(
        f"{p.replace('-', '_')}@{_iso(d)}" for p, d in questions
        if at(d).status("prohibition", p) == "in-force")
    for label, gap in (("diff_month", 30), ("diff_decade", 3650)):
        answers, times = [], []
        for day in plan["days"]:
            t = time.process_time()
            changes = corpus.diff(day, day + gap)["changes"]
            times.append(time.process_time() - t)
            answers.append(_digest(c["target"] for c in changes))
        out[label], out[label + "_answers"] = statistics.median(times), answers
    # kzlaw's changes carry their provenance, worked out when first read (queries.Change),
    # which OpenFisca's diff has no counterpart of: the same diff with it read, for the record
    times = []
    for day in plan["days"]:
        t = time.process_time()
        for c in corpus.diff(day, day + 3650)["changes"]:
            c["by"], c["when"], c["sources"]
        times.append(time.process_time() - t)
    out["diff_decade_read"] = statistics.median(times)
    return out


def _check_and_floor(folder: str) -> dict:
    """Seconds to load and check the corpus (``kzlaw check`` without the rules' warnings),
    and to parse the same files with PyYAML's C loader (the floor)."""
    import glob

    import yaml

    from .corpus import validate
    from .loader import load_raw
    files = sorted(glob.glob(os.path.join(folder, "**", "*.yaml"), recursive=True))
    t = time.process_time()
    for path in files:
        with open(path, encoding="utf-8") as f:
            yaml.load(f.read(), Loader=yaml.CSafeLoader)
    floor = time.process_time() - t
    t = time.process_time()
    raw = load_raw(folder)
    problems = validate(raw)
    check = time.process_time() - t
    if problems:
        raise SystemExit(f"kzlaw refuses the corpus: {problems[0]}")
    return {"floor": floor, "check": check, "files": len(files)}


# --- the harness ----------------------------------------------------------------------------------

def openfisca_python() -> str:
    """The Python of OpenFisca's environment, created on first use; raises RuntimeError
    saying why when OpenFisca cannot be installed."""
    python = os.path.join(OPENFISCA_VENV, "bin", "python")
    probe = [python, "-c", "import openfisca_core.parameters"]
    if os.path.exists(python) and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    shutil.rmtree(OPENFISCA_VENV, ignore_errors=True)
    steps = [[sys.executable, "-m", "venv", OPENFISCA_VENV],
             [python, "-m", "pip", "install", "--quiet", "openfisca-core"]]
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(step)} failed: {proc.stderr.strip()[-800:]}")
    return python


def openfisca_version(python: str) -> str:
    code = "import importlib.metadata as m; print(m.version('openfisca-core'))"
    return subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()


def _run_json(cmd: list[str]) -> dict:
    env = dict(os.environ)
    env.pop("KZLAW_NO_CACHE", None)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} ... failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


PASSES = 5  # a lookup's figure is the median of this many passes over the probes


def lookup_passes(n: int, probes: list[int]) -> list[list[int]]:
    """The prohibitions each pass of the lookup asks for: the probes, shifted by a fifth of
    n from one pass to the next, so that no pass asks for what the one before it did (and
    found in the processor's cache)."""
    return [[(i + k * (n // PASSES + 1)) % n for i in probes] for k in range(PASSES)]


def measure(n: int, reps: int, python: str) -> dict:
    of_dir, kz_dir = write_corpora(n)
    rng = random.Random(15)
    plan = {"n": n, "days": sorted(rng.randrange(FIRST, LAST - 3650) for _ in range(15)),
            "probes": [rng.randrange(n) for _ in range(20000)]}
    plan["lookup_passes"] = lookup_passes(n, plan["probes"])
    plan_json = os.path.join(os.path.dirname(of_dir), "plan.json")  # too long for argv
    with open(plan_json, "w", encoding="utf-8") as f:
        json.dump(plan, f)
    of_cmd = [python, "-c", OPENFISCA_WORKER, of_dir, plan_json]
    kz_cmd = [sys.executable, "-m", "kzlaw.bench_openfisca", "--worker", kz_dir, plan_json]
    from .bench import wait_out_racy_window
    wait_out_racy_window(os.path.join(os.path.dirname(of_dir), ".complete"))
    _run_json(kz_cmd + ["--cache"])  # fills the compiled cache
    runs: dict[str, list[dict]] = {"openfisca": [], "kzlaw": [], "kzlaw_cached": []}
    for _ in range(reps):  # interleaved
        runs["openfisca"].append(_run_json(of_cmd))
        runs["kzlaw"].append(_run_json(kz_cmd))
        runs["kzlaw_cached"].append(_run_json(kz_cmd + ["--cache"]))
    checks = 0
    for r in runs["kzlaw"] + runs["kzlaw_cached"]:
        for key in ("state_answers", "diff_month_answers", "diff_decade_answers"):
            for a, b in zip(r[key], runs["openfisca"][0][key]):
                if a != b:
                    raise RuntimeError(f"N={n}: kzlaw and OpenFisca answer {key} differently")
                checks += 1
        if r["question_answers"] != runs["openfisca"][0]["question_answers"]:
            raise RuntimeError(f"N={n}: kzlaw and OpenFisca answer the questions differently")
        checks += len(plan["probes"])

    def med(side, key):
        return statistics.median(r[key] for r in runs[side])

    out = {"n": n, "measures": n * SWITCHES, "checks": checks, "reps": reps}
    for key in ("load", "rss", "state", "lookup", "lookup_floor", "question", "diff_month",
                "diff_decade"):
        out[f"openfisca_{key}"] = med("openfisca", key)
        out[f"kzlaw_{key}"] = med("kzlaw", key)
    out["kzlaw_cached_load"] = med("kzlaw_cached", "load")
    out["kzlaw_diff_decade_read"] = med("kzlaw", "diff_decade_read")
    out["floor"] = med("kzlaw", "floor")
    out["check"] = med("kzlaw", "check")
    out["files"] = runs["kzlaw"][0]["files"]
    return out


ROWS = (
    ("load, no cache", "openfisca_load", "kzlaw_load", "s"),
    ("load, compiled cache warm", "openfisca_load", "kzlaw_cached_load", "s"),
    ("whole state at a day", "openfisca_state", "kzlaw_state", "s"),
    ("one lookup in a state already built (`node[name]` / `state.status`)",
     "openfisca_lookup", "kzlaw_lookup", "s"),
    ("one question: a prohibition on a day (`parameter(day)` / `at(day).status`)",
     "openfisca_question", "kzlaw_question", "s"),
    ("diff a month apart", "openfisca_diff_month", "kzlaw_diff_month", "s"),
    ("diff ten years apart", "openfisca_diff_decade", "kzlaw_diff_decade", "s"),
    ("diff ten years apart, kzlaw's provenance read (`by`, `when`, `sources` of each change)",
     "openfisca_diff_decade", "kzlaw_diff_decade_read", "s"),
    ("memory after load, no cache", "openfisca_rss", "kzlaw_rss", "MB"),
)


def _fmt(x: float, unit: str) -> str:
    if unit == "MB":
        return f"{x:,.0f} MB"
    if x >= 1:
        return f"{x:.2f} s"
    if x >= 1e-3:
        return f"{x * 1e3:.1f} ms"
    return f"{x * 1e6:.2f} µs"


def table(results: list[dict], version: str) -> str:
    from tabulate import tabulate
    head = ["operation (OpenFisca / kzlaw = ratio)"] + [f"N={r['n']:,}" for r in results]
    rows = []
    for label, of_key, kz_key, unit in ROWS:
        cells = [f"{r[of_key] / r[kz_key]:.2f} ({_fmt(r[of_key], unit)} / "
                 f"{_fmt(r[kz_key], unit)})" if "refused" not in r else "-" for r in results]
        rows.append([label] + cells)
    rows.append(["answers checked identical"] +
                [f"{r['checks']:,}" if "refused" not in r else f"failed: {r['refused']}"
                 for r in results])
    rows.append(["a lookup's floor: a bare `dict` of the same ids, read as the lookup is "
                 "(in OpenFisca's process / in kzlaw's)"] +
                [f"{_fmt(r['openfisca_lookup_floor'], 's')} / "
                 f"{_fmt(r['kzlaw_lookup_floor'], 's')}" if "refused" not in r else "-"
                 for r in results])
    rows.append(["kzlaw: load + check / YAML parse floor (files)"] +
                [f"{r['check'] / r['floor']:.2f}x ({_fmt(r['check'], 's')} / "
                 f"{_fmt(r['floor'], 's')}; {r['files']:,})" if "refused" not in r else "-"
                 for r in results])
    reps = next((r["reps"] for r in results if "reps" in r), 0)
    note = (f"openfisca-core {version}; kzlaw measures = 5 N; CPU times, median of {reps} "
            f"interleaved repetitions, each in a fresh process; load average at the end: "
            + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    return tabulate(rows, headers=head, tablefmt="github", disable_numparse=True) + \
        "\n\n" + note + "\n"


def main(argv) -> int:
    import argparse
    if argv[:1] == ["--worker"]:
        with open(argv[2], encoding="utf-8") as f:
            folder, plan = argv[1], json.load(f)
        print(json.dumps(kzlaw_worker(folder, plan, cache="--cache" in argv)))
        return 0
    p = argparse.ArgumentParser(prog="python -m kzlaw.bench --openfisca")
    p.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 40000])
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    try:
        python = openfisca_python()
    except RuntimeError as e:
        print(f"OpenFisca could not be installed, so there is no side-by-side: {e}",
              file=sys.stderr)
        return 1
    version = openfisca_version(python)
    results = []
    for n in args.sizes:
        try:
            results.append(measure(n, args.reps, python))
        except RuntimeError as e:  # e.g. a corpus kzlaw refuses: say so, measure the rest
            print(f"N={n}: {e}", file=sys.stderr)
            results.append({"n": n, "refused": str(e).strip().splitlines()[-1][:200]})
            continue
        print(f"measured N={n}", file=sys.stderr)
    print(json.dumps(results, indent=2) if args.json else table(results, version))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
