"""Issue 7 item 4: a fuzzer. Hypothesis mutates the files of a small valid corpus (byte flips,
deleted, duplicated and swapped lines, swapped keys, random YAML, truncation, ...) and every
command must either answer (exit 0) or refuse with exit 1 and clean ``PATH:LINE: message``
lines: never a traceback, never an internal error, never a hang.

Most examples run ``kzlaw.cli.main`` in-process (fast); a few run the installed command in a
subprocess. The budget follows the hypothesis profile (tests/conftest.py): under ``ci`` it is
deterministic and bounded (MAIN_EXAMPLES examples of all seven commands, SUBPROCESS_EXAMPLES in
subprocesses); ``HYPOTHESIS_PROFILE=thorough`` runs many more.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager, redirect_stderr, redirect_stdout

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzlaw.cli import main

PROFILE_EXAMPLES = settings.default.max_examples
MAIN_EXAMPLES = PROFILE_EXAMPLES * 4  # 240 under the ci profile
SUBPROCESS_EXAMPLES = max(5, PROFILE_EXAMPLES // 6)  # 10 under ci
PER_EXAMPLE_SECONDS = 20  # a hang, not slowness, trips this
LINE = re.compile(r"^(?P<path>[^:\n]+?)(?::(?P<line>\d+))?: (?P<message>\S.*)$")

FILES = {
    "measures/vocabulary.yaml": """\
acts:
  a: {label: Act A, categories: [c]}
  b: {label: Act B, categories: [c]}
  membership: {label: Membership in a banned organization}
organizations:
  o: {label: Org O, aliases: [OO]}
  q: {label: Org Q}
institutions:
  i: {label: Institution I}
powers:
  p: {label: Power to designate}
duties:
  d: {label: Duty D}
penalties:
  f: {label: Forfeiture}
categories:
  c: {label: Category C}
""",
    "measures/sources.yaml": """\
s1:
  citation: Source one
  kind: primary
  url: https://example.org/one
  published: 2001-05
  footnote: 44
s2: {citation: Source two, kind: press, document: doc.txt, passage: a few words}
""",
    "measures/1999/m1.yaml": """\
id: m1
title: Law one
number: 416-I
kind: law
status: enacted
dates:
  adopted: 1999-07-13
  in_force: {date: '[1999-07..1999-09]', as_written: summer 1999}
sources:
  - {ref: s1, quote: "the words of the source"}
note: A measure with several effects.
effects:
  - id: e1
    prohibits: a
    liability: criminal
  - id: e2
    designates: o
    as: terrorist
  - id: e3
    establishes: i
    until: 2010-22
  - id: e4
    penalizes: c
    penalty: f
    from: '2003'
""",
    "measures/2005/m2.yaml": """\
id: m2
title: Amendment two
kind: amendment
status: enacted
dates:
  adopted:
    - {date: 2005-08, ref: s1}
    - {date: 2005-09~, ref: s2, as_written: September 2005}
sources: [{ref: s2}]
effects:
  - id: e1
    amends: m1#e1
    with: {prohibits: a, liability: administrative}
  - id: r
    repeals: m1#e2
  - id: mem
    prohibits: membership
    liability: criminal
  - id: pw
    empowers: p
  - id: q
    designates: q
    as: extremist
    until: '[2010..2012]'
""",
    "measures/2011/m3.yaml": """\
id: m3
title: Code three
kind: code
status: enacted
dates: {adopted: '[..2011]', in_force: 2011-10-25}
sources: [{ref: s1, quote: q}]
effects:
  - id: all
    replaces: m2
  - id: d
    requires: d
    deadline: 2012-10-25
  - id: b
    prohibits: b
    liability: regulatory
""",
    "measures/2008/bill.yaml": """\
id: bill
title: A failed bill
kind: bill
status: failed
dates: {introduced: 2008-03, failed: 2008-24}
sources: [{ref: s2}]
effects:
  - id: x
    prohibits: b
""",
    "rules/membership.yaml": """\
id: membership
description: Membership of a designated organization is prohibited.
sources: [{ref: s1}]
when:
  - designation: '?org'
  - prohibition: membership
then:
  prohibition: membership
  about: '?org'
""",
    "rules/forfeiture.yaml": """\
id: forfeiture
when:
  - penalty: c
    about: '?p'
  - category: c
    about: '?act'
  - prohibition: '?act'
then: {penalty: '?act', about: '?p'}
""",
    "rules/no-power.yaml": """\
id: no-power
when:
  - designation: '?org'
  - not: {power: p}
check: An organization is designated while no power to designate is in force
""",
}

COMMANDS = [
    ["check"],
    ["in-force", "2006-01-01"],
    ["diff", "1999-01-01", "2012-01-01", "--format", "json"],
    ["explain", "prohibition", "a", "--at", "2006-01-01"],
    ["show", "m1", "--at", "2006-01-01"],
    ["timeline", "--format", "csv"],
    ["history", "o", "--format", "markdown"],
]

KEYS = sorted({"id", "title", "kind", "status", "dates", "adopted", "in_force", "expires",
               "sources", "ref", "quote", "effects", "prohibits", "designates", "repeals",
               "amends", "with", "replaces", "liability", "as", "from", "until", "penalty",
               "penalizes", "label", "categories", "citation", "when", "then", "check", "not",
               "about", "date", "as_written", "note", "number", "requires", "deadline"})


def write_base(root: str) -> None:
    for rel, text in FILES.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


# --- mutations -----------------------------------------------------------------------------

yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12)
    | st.sampled_from(["2011-02-30", "2011-13", "[..2011]", "2011-22", "?org", "m1#e1", "a",
                       "yes", "0416", "&a x", "*a", "!!python/name:os.system", "- x", "{", "["]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=3),
    max_leaves=8)


# Values that keep a file well-formed, by key, so that many mutated corpora stay valid and reach
# the engine, the rules and the reports with unusual but legal data.
DATES = ["1999", "2005", "2011-10", "2011-22", "2010-24", "'[..2011]'", "'[2003-09..2003-12]'",
         "2009-08-28", "'[2016-09..]'", "2005?", "2006-06~", "'[2004..2006]'", "2011-10-25",
         "1999-07-13", "'[2005-08..]'", "2012-02-29"]
PLAUSIBLE = {
    "adopted": DATES, "in_force": DATES, "expires": DATES, "from": DATES, "until": DATES,
    "deadline": DATES, "introduced": DATES, "failed": DATES, "published": DATES,
    "prohibits": ["a", "b", "membership"], "designates": ["o", "q"], "penalizes": ["a", "c"],
    "repeals": ["m1", "m2", "m1#e1", "m1#e3", "m2#mem", "m2#q", "m3#b", "m2#e1"],
    "replaces": ["m1", "m2"], "amends": ["m1#e1", "m1#e4", "m2#mem", "m2#e1"],
    "liability": ["criminal", "administrative", "regulatory", "constitutional"],
    "as": ["terrorist", "extremist"], "status": ["enacted", "pending", "failed"],
    "ref": ["s1", "s2"], "penalty": ["f"],
    "designation": ["o", "q", "'?org'"], "prohibition": ["a", "membership", "'?act'"],
    "power": ["p"], "about": ["'?org'", "'?p'", "o"],
}


@st.composite
def plausible_change(draw, data: bytes):
    """Replace the value of one ``key: value`` line by another legal-looking value."""
    lines = data.split(b"\n")
    candidates = []
    for i, line in enumerate(lines):
        m = re.match(rb"^(\s*(?:- )?)([a-z_]+): [^{\[>]+$", line)
        if m and m.group(2).decode() in PLAUSIBLE:
            candidates.append((i, m.group(1), m.group(2)))
    if not candidates:
        return data
    i, lead, key = draw(st.sampled_from(candidates))
    lines[i] = lead + key + b": " + draw(st.sampled_from(PLAUSIBLE[key.decode()])).encode()
    return b"\n".join(lines)


@st.composite
def mutation(draw, data: bytes):
    """One change to the bytes of a file."""
    lines = data.split(b"\n")
    kind = draw(st.sampled_from(["flip", "delete-line", "duplicate-line", "swap-lines",
                                 "swap-key", "replace-value", "insert-yaml", "truncate",
                                 "insert-text", "indent", "delete-bytes"]))
    if kind == "flip" and data:
        i = draw(st.integers(0, len(data) - 1))
        return data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
    if kind == "delete-bytes" and data:
        i = draw(st.integers(0, len(data) - 1))
        return data[:i] + data[i + draw(st.integers(1, 8)):]
    if kind == "truncate":
        return data[:draw(st.integers(0, len(data)))]
    if kind in ("delete-line", "duplicate-line", "indent") and lines:
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete-line":
            del lines[i]
        elif kind == "duplicate-line":
            lines.insert(i, lines[i])
        else:
            lines[i] = b" " * draw(st.integers(1, 4)) + lines[i]
        return b"\n".join(lines)
    if kind == "swap-lines" and len(lines) > 1:
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)
    if kind == "swap-key":
        text = data.decode("utf-8", "replace")
        present = [k for k in KEYS if re.search(rf"\b{re.escape(k)}:", text)]
        if present:
            old = draw(st.sampled_from(present))
            new = draw(st.sampled_from(KEYS))
            return re.sub(rf"\b{re.escape(old)}:", new + ":", text, count=1).encode()
    if kind == "replace-value" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i].decode("utf-8", "replace")
        if ":" in line:
            value = draw(yaml_values)
            flow = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip()
            flow = flow.removesuffix("...").strip()
            lines[i] = (line.split(":", 1)[0] + ": " + flow).encode()
            return b"\n".join(lines)
    if kind == "insert-yaml":
        value = draw(yaml_values)
        block = yaml.safe_dump({draw(st.sampled_from(KEYS)): value}, default_flow_style=False)
        if draw(st.booleans()):  # at the top level
            return data + b"\n" + block.encode()
        i = draw(st.integers(0, len(lines)))
        lines.insert(i, block.encode().rstrip(b"\n"))
        return b"\n".join(lines)
    if kind == "insert-text" or True:
        i = draw(st.integers(0, len(data)))
        junk = draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=6)
                    | st.sampled_from(["- ", ": ", "\t", "\n  ", "#", "&x ", "*x", "!!str ",
                                       "[", "}", "'", '"', "?", "---\n", "\ufeff"]))
        return data[:i] + junk.encode("utf-8", "surrogatepass") + data[i:]


@st.composite
def mutated_corpus(draw):
    """(relative path, new bytes) for one to three mutations of one or two files."""
    changes = {}
    plausible = draw(st.booleans())  # half the examples: legal-looking values only
    for _ in range(draw(st.integers(1, 2))):
        rel = draw(st.sampled_from(sorted(FILES)))
        data = changes.get(rel, FILES[rel].encode())
        for _ in range(draw(st.integers(1, 3))):
            data = draw(plausible_change(data) if plausible else mutation(data))
        changes[rel] = data
    return changes


def apply(root: str, changes: dict) -> None:
    for rel, data in changes.items():
        with open(os.path.join(root, rel), "wb") as f:
            f.write(data)


# --- running ---------------------------------------------------------------------------------

class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    def alarm(signum, frame):
        raise Hang(f"no answer within {seconds} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_in_process(argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code
    return code, out.getvalue(), err.getvalue()


def assert_answer_or_clean_refusal(argv, code, out, err, changes):
    where = f"{argv} after changing {sorted(changes)}:\n{err[-2000:]}"
    assert "Traceback" not in out + err, where
    assert "internal error" not in err, where
    assert code in (0, 1), where
    if code == 0:
        assert out, where
    else:
        assert out == "", where
        lines = err.splitlines()
        assert lines, where
        for line in lines:
            assert LINE.match(line), f"not PATH:LINE: message: {line!r} for {where}"


@pytest.fixture(scope="module")
def base_corpus(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("fuzz-base"))
    write_base(root)
    for argv in COMMANDS:  # the unmutated corpus answers every command
        code, out, err = run_in_process(["--data", root] + argv)
        assert code == 0, (argv, err)
    return root


STATS = {"in-process": 0, "subprocess": 0, "answered": 0, "refused": 0}


@settings(max_examples=MAIN_EXAMPLES, suppress_health_check=[HealthCheck.too_slow,
                                                             HealthCheck.function_scoped_fixture])
@given(changes=mutated_corpus())
def test_every_command_answers_or_refuses_cleanly(base_corpus, tmp_path_factory, changes):
    root = str(tmp_path_factory.mktemp("fuzz"))
    shutil.rmtree(root)
    shutil.copytree(base_corpus, root)
    apply(root, changes)
    STATS["in-process"] += 1
    refused = False
    with time_limit(PER_EXAMPLE_SECONDS):
        for argv in COMMANDS:
            code, out, err = run_in_process(["--data", root] + argv)
            assert_answer_or_clean_refusal(argv, code, out, err, changes)
            refused |= code == 1
    STATS["refused" if refused else "answered"] += 1
    shutil.rmtree(root)


@settings(max_examples=SUBPROCESS_EXAMPLES, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(changes=mutated_corpus())
def test_the_installed_command_answers_or_refuses_cleanly(base_corpus, tmp_path_factory,
                                                         changes):
    root = str(tmp_path_factory.mktemp("fuzz-sub"))
    shutil.rmtree(root)
    shutil.copytree(base_corpus, root)
    apply(root, changes)
    STATS["subprocess"] += 1
    for argv in (["check"], ["in-force", "2006-01-01"]):
        proc = subprocess.run([sys.executable, "-m", "kzlaw", "--data", root] + argv,
                              capture_output=True, timeout=PER_EXAMPLE_SECONDS)
        assert_answer_or_clean_refusal(argv, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"), changes)
    shutil.rmtree(root)


def test_report_the_number_of_examples(capsys):
    """Runs last in this file: says how many mutated corpora were tried (see with -s or -rA)."""
    with capsys.disabled():
        print(f"\nfuzz: {STATS['in-process']} mutated corpora x {len(COMMANDS)} commands "
              f"in-process ({STATS['answered']} answered by every command, {STATS['refused']} "
              f"refused), {STATS['subprocess']} through the installed command")
