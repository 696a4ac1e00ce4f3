"""Issue 7: hostile input is refused cleanly, loses nothing and runs nothing.

Each case is a small valid corpus broken in exactly one way, run through the installed command
line in a subprocess (``python -m kzlaw``) with ``check`` and with a question. For every case:

- exit code 1, and every stderr line is ``PATH:LINE: message`` (or ``PATH: message`` where the
  problem has no line, e.g. a symbolic link), naming the broken file and, where the parser
  knows it, the line;
- no ``Traceback`` anywhere, nothing on stdout;
- nothing written anywhere: the corpus folder, the working folder and a fresh ``$HOME`` are
  identical before and after, and no unsafe tag ran;
- an answer within a few seconds, under a 1 GiB address-space limit (alias bombs and deep
  nesting must be refused, not expanded).

What is refused, and why, is listed in docs/errors.md. One choice worth stating here: under
kzlaw's YAML rules plain scalars are text, so ``number: 0416`` is the text ``0416`` (valid: it is
what a law number looks like) while ``status: yes`` is the word ``yes``, refused as an unknown
status; both cases are below.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from builder import DEFAULT_SOURCES, DEFAULT_VOCABULARY, dump, measure, write_corpus

TIMEOUT = 20  # seconds: generous for a slow CI machine; a case normally takes well under one
FAST = 8.0  # "within a few seconds", with room for a busy CI machine (a case takes ~0.3 s)
MEMORY = 1 << 30  # address-space limit for the subprocess
LINE = re.compile(r"^(?P<path>[^:\n]+?)(?::(?P<line>\d+))?: (?P<message>\S.*)$")
PWNED = "/tmp/kzlaw-hostile-pwned"

M1 = """\
id: m1
title: Measure one
kind: law
status: enacted
number: 416-I
dates:
  adopted: 2000-01-01
sources:
  - {ref: s1, quote: words}
effects:
  - id: e1
    prohibits: a
    liability: criminal
"""
# line:  1 id, 2 title, 3 kind, 4 status, 5 number, 6 dates, 7 adopted, 8 sources, 9 ref,
#       10 effects, 11 - id: e1, 12 prohibits, 13 liability
M1_PATH = "measures/2000/m1.yaml"

RULE = """\
id: r
description: Membership of a designated organization is prohibited.
sources: [{ref: s1}]
when:
  - designation: '?org'
  - prohibition: membership
then:
  prohibition: membership
  about: '?org'
"""
RULE_PATH = "rules/r.yaml"


def base(root: str) -> str:
    write_corpus(root, [
        measure("m2", "2005-06", [{"id": "r", "repeals": "m1#e1"},
                                  {"id": "o", "designates": "o", "as": "terrorist"},
                                  {"id": "mem", "prohibits": "membership",
                                   "liability": "criminal"}]),
    ])
    put(root, M1_PATH, M1)
    put(root, RULE_PATH, RULE)
    return root


def put(root: str, rel: str, text) -> None:
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(text.encode("utf-8") if isinstance(text, str) else text)


def m1(old: str, new: str):
    """A case that replaces ``old`` by ``new`` in measures/2000/m1.yaml."""
    assert old in M1, old

    def setup(root):
        put(root, M1_PATH, M1.replace(old, new, 1))
    return setup


def m1_text(text):
    def setup(root):
        put(root, M1_PATH, text)
    return setup


def rule(old: str, new: str):
    assert old in RULE, old

    def setup(root):
        put(root, RULE_PATH, RULE.replace(old, new, 1))
    return setup


def rule_text(text: str):
    def setup(root):
        put(root, RULE_PATH, text)
    return setup


def vocabulary(data):
    def setup(root):
        dump(os.path.join(root, "measures", "vocabulary.yaml"), data)
    return setup


def sources_text(text: str):
    def setup(root):
        put(root, "measures/sources.yaml", text)
    return setup


def symlink_file_outside(root):
    os.remove(os.path.join(root, M1_PATH))
    os.symlink("/etc/passwd", os.path.join(root, M1_PATH))


def symlink_dir_outside(root):
    outside = os.path.join(os.path.dirname(root), "outside")
    os.makedirs(os.path.join(outside, "2001"), exist_ok=True)
    put(outside, "2001/x.yaml", M1.replace("id: m1", "id: x"))
    os.symlink(outside, os.path.join(root, "measures", "1999"))


def billion_laughs(root):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    put(root, M1_PATH, "\n".join(lines) + "\n")


def alias_merge(root):
    put(root, M1_PATH, M1 + "base: &b {x: 1}\nmore:\n  <<: *b\n")


def deep(root, kind="["):
    close = "]" if kind == "[" else "}"
    opener = "[" if kind == "[" else "{a: "
    put(root, M1_PATH, "id: m1\nnote: " + opener * 20000 + "x" + close * 20000 + "\n")


def deep_block(root):
    # Block-style nesting: indentation grows with depth, so 20,000 levels cannot fit in the
    # size limit; nest as deep as ~900 kB allows (about 1,300 levels).
    text, depth = ["id: m1\n"], 0
    while sum(map(len, text)) < 900_000 and depth < 20000:
        text.append(" " * depth + "k:\n")
        depth += 1
    put(root, M1_PATH, "".join(text))


def huge(root):
    put(root, M1_PATH, M1 + "note: '" + "x" * (1 << 20) + "'\n")


def many_values(root):
    put(root, M1_PATH, M1 + "  -\n" * 60_000)


def dup_across(root):
    put(root, "measures/2001/m1.yaml", M1)


def missing_vocabulary(root):
    os.remove(os.path.join(root, "measures", "vocabulary.yaml"))


def fifo(root):
    os.mkfifo(os.path.join(root, "measures", "2000", "pipe.yaml"))


def touch_pwned(root):
    put(root, M1_PATH, M1 + f"note: !!python/object/apply:os.system ['touch {PWNED}']\n")


def touch_pwned_rule(root):
    put(root, RULE_PATH, RULE + f"note: !!python/object/apply:subprocess.call [['touch', "
                                f"'{PWNED}']]\n")


VOCAB_TYPO = {**DEFAULT_VOCABULARY,
              "acts": {k: v for k, v in DEFAULT_VOCABULARY["acts"].items() if k != "a"}}

# name -> (setup, path named, line named (None: the problem has no line), message fragment)
CASES = {
    # YAML syntax
    "syntax-unclosed-flow": (m1("quote: words}", "quote: words"), M1_PATH, 10,
                             "YAML syntax error"),
    "syntax-bad-indent": (m1("    liability: criminal", "  liability: criminal\n   x: y"),
                          M1_PATH, None, "YAML syntax error"),
    "syntax-tab-indent": (m1("    liability: criminal", "\tliability: criminal"), M1_PATH, None,
                          "YAML syntax error"),
    "syntax-unquoted-variable-in-flow": (rule("sources: [{ref: s1}]",
                                              "sources: [{ref: s1}]\nx: {a: ?org}"),
                                         RULE_PATH, 4, "quote a ?variable"),
    "two-documents": (m1_text(M1 + "---\n" + M1), M1_PATH, 14, "more than one YAML document"),
    # duplicate keys and unknown fields
    "duplicate-key": (m1("kind: law\n", "kind: law\nkind: code\n"), M1_PATH, 4,
                      "duplicate key 'kind' (first at line 3)"),
    "duplicate-key-nested": (m1("    liability: criminal\n",
                                "    liability: criminal\n    liability: administrative\n"),
                             M1_PATH, 14, "duplicate key 'liability'"),
    "unknown-field": (m1("kind: law\n", "kind: law\ntitel: x\n"), M1_PATH, 4,
                      "unknown field 'titel' (did you mean 'title'?)"),
    "unknown-effect-field": (m1("    liability: criminal\n", "    liabilty: criminal\n"),
                             M1_PATH, 13, "unknown field 'liabilty' (did you mean 'liability'?)"),
    # YAML 1.1 booleans and numbers where text is meant
    "status-yes": (m1("status: enacted", "status: yes"), M1_PATH, 4,
                   "status 'yes' is not one of enacted, pending, failed"),
    "liability-true": (m1("liability: criminal", "liability: true"), M1_PATH, 13,
                       "liability 'true' is not one of"),
    "kind-number": (m1("kind: law", "kind: 0416"), M1_PATH, 3, "kind '0416' is not one of"),
    "footnote-not-a-number": (sources_text("s1: {citation: One, kind: primary, footnote: 1e3}\n"
                                           "s2: {citation: Two, kind: press}\n"),
                              "measures/sources.yaml", 1, "expected a whole number"),
    # unsafe tags, alias bombs, deep nesting
    "unsafe-tag-os-system": (touch_pwned, M1_PATH, 14, "explicit tag"),
    "unsafe-tag-in-rule": (touch_pwned_rule, RULE_PATH, 10, "explicit tag"),
    "custom-tag": (m1("title: Measure one", "title: !secret Measure one"), M1_PATH, 2,
                   "explicit tag '!secret'"),
    "billion-laughs": (billion_laughs, M1_PATH, 1, "anchors (&a) are not allowed"),
    "merge-key-alias": (alias_merge, M1_PATH, 14, "anchors (&b) are not allowed"),
    "deep-flow-list-20000": (deep, M1_PATH, 2, "nested deeper than 40 levels"),
    "deep-flow-map-20000": (lambda r: deep(r, "{"), M1_PATH, 2, "nested deeper than 40 levels"),
    "deep-block": (deep_block, M1_PATH, None, "nested deeper than 40 levels"),
    "many-values": (many_values, M1_PATH, None, "more than 50000 values in one file"),
    # encodings and file shapes
    "invalid-utf8": (m1_text(M1.encode() + b"note: caf\xe9\n"), M1_PATH, 14, "not valid UTF-8"),
    "utf16": (m1_text(M1.encode("utf-16-le")), M1_PATH, None, ""),
    "bom-utf8": (m1_text(b"\xef\xbb\xbf" + M1.encode()), M1_PATH, 1, "byte-order mark"),
    "nul-byte": (m1_text(M1 + "note: a\x00b\n"), M1_PATH, 14, "NUL byte"),
    "control-character": (m1_text(M1 + "note: \"\\e[2J\\e[H\"\n"), M1_PATH, 14,
                          "control character 0x001b"),
    # a bidirectional override or isolate reorders what follows it on the screen ("Trojan
    # source"): the title a reader sees would not be the text the corpus holds
    "bidi-override": (m1("title: Measure one", 'title: "Measure \\u202eeno"'), M1_PATH, 2,
                      "control character 0x202e in text is not allowed"),
    "bidi-isolate": (m1("quote: words", "quote: \"w\u2067ords\""), M1_PATH, 9,
                     "control character 0x2067 in text is not allowed"),
    "empty-file": (m1_text(""), M1_PATH, 1, "file is empty"),
    "comments-only": (m1_text("# nothing here\n"), M1_PATH, 1, "file is empty"),
    "file-is-a-list": (m1_text("- id: m1\n- id: m2\n"), M1_PATH, 1,
                       "expected a mapping at the top of the file, found a list"),
    "file-is-a-scalar": (m1_text("just some words\n"), M1_PATH, 1,
                         "expected a mapping at the top of the file"),
    "vocabulary-is-a-list": (lambda r: put(r, "measures/vocabulary.yaml", "- acts\n"),
                             "measures/vocabulary.yaml", 1, "expected a mapping"),
    "mapping-as-key": (m1_text(M1 + "? {a: b}\n: c\n"), M1_PATH, 14,
                       "a mapping key must be plain text"),
    "over-size-limit": (huge, M1_PATH, None, "over the 1048576-byte limit"),
    "not-a-regular-file": (fifo, "measures/2000/pipe.yaml", None, "not a regular file"),
    # ids
    "id-is-a-path": (m1("id: m1", "id: ../x"), M1_PATH, 1, "id '../x' is not a slug"),
    "id-absolute-path": (m1("id: m1", "id: /etc/passwd"), M1_PATH, 1, "is not a slug"),
    "id-not-a-slug": (m1("id: m1", "id: Measure_One"), M1_PATH, 1, "is not a slug"),
    "id-too-long": (m1("id: m1", "id: " + "a" * 81), M1_PATH, 1, "is not a slug"),
    "id-not-file-name": (m1("id: m1", "id: m3"), M1_PATH, 1,
                         "id 'm3' does not match the file name 'm1.yaml'"),
    "duplicate-id-across-years": (dup_across, "measures/2001/m1.yaml", 1,
                                  "duplicate measure id 'm1' (also in measures/2000/m1.yaml)"),
    "effect-id-not-a-slug": (m1("  - id: e1", "  - id: E1"), M1_PATH, 11, "id 'E1' is not an id"),
    # broken references
    "unknown-act": (m1("prohibits: a", "prohibits: aa"), M1_PATH, 12,
                    "unknown act 'aa' (did you mean 'a'?)"),
    "act-removed-from-vocabulary": (vocabulary(VOCAB_TYPO), M1_PATH, 12, "unknown act 'a'"),
    "unknown-source": (m1("{ref: s1, quote: words}", "{ref: s11, quote: words}"), M1_PATH, 9,
                       "unknown source 's11' (did you mean 's1'?)"),
    "no-sources": (m1("sources:\n  - {ref: s1, quote: words}\n", "sources: []\n"), M1_PATH, 8,
                   "a measure cites at least one source"),
    "repeal-unknown-measure": (m1("    prohibits: a\n    liability: criminal\n",
                                  "    repeals: m22\n"), M1_PATH, 12,
                               "unknown measure 'm22' (did you mean 'm2'?)"),
    "amend-unknown-effect": (m1("    prohibits: a\n    liability: criminal\n",
                                "    amends: m2#oo\n    with: {designates: q}\n"), M1_PATH, 12,
                             "unknown effect of m2 'oo' (did you mean 'o'?)"),
    "repeal-failed-bill": (lambda r: (m1("    prohibits: a\n    liability: criminal\n",
                                         "    repeals: bill\n")(r),
                                      put(r, "measures/2008/bill.yaml",
                                          M1.replace("id: m1", "id: bill")
                                          .replace("status: enacted", "status: failed")
                                          .replace("adopted:", "introduced:"))),
                           M1_PATH, 12, "which is a failed measure"),
    "rule-unknown-vocabulary": (rule("- prohibition: membership", "- prohibition: membershp"),
                                RULE_PATH, 6, "unknown prohibition target 'membershp'"),
    "rule-unknown-kind": (rule("- designation:", "- designaton:"), RULE_PATH, 5,
                          "unknown fact kind 'designaton' (did you mean 'designation'?)"),
    "rule-unsafe-variable": (rule("about: '?org'", "about: '?who'"), RULE_PATH, 8,
                             "unsafe variable ?who"),
    "rule-negation-cycle": (rule_text("id: r\nwhen:\n  - designation: o\n"
                                      "  - not: {prohibition: membership}\n"
                                      "then: {prohibition: membership}\n"), RULE_PATH, 1,
                            "through 'not'"),
    "rule-then-and-check": (rule_text(RULE + "check: also a check\n"), RULE_PATH, 1,
                            "exactly one of 'then:'"),
    "rule-when-not-a-list": (rule_text("id: r\nwhen: designation\ncheck: x\n"), RULE_PATH, 2,
                             "a rule needs 'when:'"),
    "rule-id-not-file-name": (rule("id: r", "id: rr"), RULE_PATH, 1, "does not match the file"),
    # dates
    "date-feb-30": (m1("2000-01-01", "2011-02-30"), M1_PATH, 7, "not a calendar day"),
    "date-month-13": (m1("2000-01-01", "2011-13"), M1_PATH, 7, "month 13 does not exist"),
    "date-season-25": (m1("2000-01-01", "2011-25"), M1_PATH, 7, "month 25 does not exist"),
    "date-words": (m1("2000-01-01", "late 2003"), M1_PATH, 7, "cannot parse date 'late 2003'"),
    "date-reversed-range": (m1("2000-01-01", "'[2012..2011]'"), M1_PATH, 7,
                            "ends before it starts"),
    "date-year-zero": (m1("2000-01-01", "'0000'"), M1_PATH, 7, "year 0 is out of range"),
    # effects
    "effect-no-kind": (m1("    prohibits: a\n    liability: criminal\n", "    note: what?\n"),
                       M1_PATH, 11, "effect has no kind"),
    "effect-two-kinds": (m1("    liability: criminal\n",
                            "    liability: criminal\n    designates: o\n"),
                         M1_PATH, 11, "effect has 2 kinds (prohibits and designates)"),
    "effect-not-a-mapping": (m1("effects:\n", "effects:\n  - 42\n"), M1_PATH, 11,
                             "expected a mapping"),
    "effects-not-a-list": (m1_text(M1.split("effects:")[0] + "effects: many\n"), M1_PATH, 10,
                           "expected a list"),
    # the file system
    "symlink-file-outside": (symlink_file_outside, M1_PATH, None,
                             "symbolic link points outside the corpus"),
    "symlink-dir-outside": (symlink_dir_outside, "measures/1999", None,
                            "symbolic link points outside the corpus"),
    "missing-vocabulary": (missing_vocabulary, "measures/vocabulary.yaml", None,
                           "missing: every corpus needs this file"),
}

QUESTION = ["in-force", "2012-01-01"]


def snapshot(*folders) -> dict:
    """Every path under the folders with its size and modification time (links not followed)."""
    out = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in dirnames + filenames:
                p = os.path.join(dirpath, name)
                st = os.lstat(p)
                out[p] = (st.st_size, st.st_mtime_ns)
    return out


def _limit_memory():  # pragma: no cover - runs in the child
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_kzlaw(args, cwd, home, timeout=TIMEOUT) -> tuple[subprocess.CompletedProcess, float]:
    return run_many([args], cwd, home, timeout)[0]


def run_many(commands, cwd, home, timeout=TIMEOUT):
    """Run several kzlaw commands at once (each in its own process); their results and times."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZLAW")}
    env.update(HOME=home, XDG_CACHE_HOME=os.path.join(home, ".cache"), PYTHONDONTWRITEBYTECODE="1")
    started = []
    for args in commands:
        started.append((time.monotonic(), subprocess.Popen(
            [sys.executable, "-m", "kzlaw"] + args, cwd=cwd, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, preexec_fn=_limit_memory)))
    results = []
    try:
        for start, popen in started:
            out, err = popen.communicate(timeout=timeout)
            results.append((subprocess.CompletedProcess(popen.args, popen.returncode, out, err),
                            time.monotonic() - start))
    finally:
        for _, popen in started:
            if popen.poll() is None:
                popen.kill()
                popen.wait()
    return results


def assert_clean_refusal(proc, path, line, fragment):
    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr + stdout
    assert proc.returncode == 1, stderr
    assert stdout == ""
    lines = stderr.splitlines()
    assert lines, "no message"
    for text in lines:
        assert LINE.match(text), f"not PATH:LINE: message: {text!r}"
    named = [LINE.match(t) for t in lines if LINE.match(t).group("path") == path]
    assert named, f"no problem names {path}: {lines}"
    if line is not None:
        assert any(m.group("line") == str(line) and fragment in m.group("message")
                   for m in named), f"expected {path}:{line}: ...{fragment}...: {lines}"
    else:
        assert any(fragment in m.group("message") for m in named), lines


@pytest.fixture
def scene(tmp_path):
    root = str(tmp_path / "corpus")
    cwd = str(tmp_path / "cwd")
    home = str(tmp_path / "home")
    os.makedirs(cwd)
    os.makedirs(home)
    base(root)
    return root, cwd, home


def test_the_base_corpus_is_valid(scene):
    root, cwd, home = scene
    for args in (["check"], QUESTION):
        proc, _ = run_kzlaw(["--data", root] + args, cwd, home)
        assert proc.returncode == 0, proc.stderr.decode()


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_corpus(scene, name):
    setup, path, line, fragment = CASES[name]
    root, cwd, home = scene
    if os.path.exists(PWNED):
        os.remove(PWNED)
    setup(root)
    before = snapshot(os.path.dirname(root), home)
    commands = [["--data", root, "check"], ["--data", root] + QUESTION]
    for args, (proc, seconds) in zip(commands, run_many(commands, cwd, home)):
        assert_clean_refusal(proc, path, line, fragment)
        assert seconds < FAST, f"{name}: {args[2]} took {seconds:.1f} s"
    assert snapshot(os.path.dirname(root), home) == before, "something was written"
    assert not os.path.exists(PWNED), "an unsafe tag ran"


def test_a_symlink_inside_the_corpus_is_followed(scene):
    root, cwd, home = scene
    shared = os.path.join(root, "measures", "2000", "m1.yaml")
    os.rename(shared, os.path.join(root, "m1.yaml.real"))
    os.symlink(os.path.join(root, "m1.yaml.real"), shared)
    proc, _ = run_kzlaw(["--data", root, "check"], cwd, home)
    assert proc.returncode == 0, proc.stderr.decode()


def test_number_with_leading_zero_is_text_and_valid(scene):
    root, cwd, home = scene
    m1("number: 416-I", "number: 0416")(root)
    proc, _ = run_kzlaw(["--data", root, "show", "m1", "--format", "json"], cwd, home)
    assert proc.returncode == 0, proc.stderr.decode()
    assert '"0416"' in proc.stdout.decode()


# --- bad questions (issue 7 item 2) -----------------------------------------------------------

BAD_QUESTIONS = [
    (["in-force", "2012-02-30"], 1, "question: '2012-02-30' is not a calendar day"),
    (["in-force", "2011-02-29"], 1, "is not a calendar day"),
    (["in-force", "2012-13-01"], 1, "is not a calendar day"),
    (["in-force", "2012-03"], 1, "is not a day: write YYYY-MM-DD"),
    (["in-force", "yesterday"], 1, "is not a day: write YYYY-MM-DD"),
    (["diff", "2012-01-01", "2012-02-30"], 1, "is not a calendar day"),
    (["explain", "prohibition", "a", "--at", "2012-02-30"], 1, "is not a calendar day"),
    (["show", "m1", "--at", "2012-02-30"], 1, "is not a calendar day"),
    (["timeline", "--from", "2012-02-30"], 1, "is not a calendar day"),
    (["timeline", "--from", "2013-01-01", "--to", "2012-01-01"], 1, "is after --to"),
    (["in-force", "2012-01-01", "--kind", "prohibitions"], 1,
     "unknown fact kind 'prohibitions' (did you mean 'prohibition'?)"),
    (["explain", "prohibition", "aa", "--at", "2012-01-01"], 1, "unknown id 'aa'"),
    (["explain", "prohibitio", "a", "--at", "2012-01-01"], 1,
     "unknown fact kind 'prohibitio' (did you mean 'prohibition'?)"),
    (["history", "m11"], 1, "unknown id 'm11' (did you mean 'm1'?)"),
    (["history", "../etc/passwd"], 1, "unknown id '../etc/passwd'"),
    (["show", "m11"], 1, "unknown measure 'm11' (did you mean 'm1'?)"),
    # usage errors: kzlaw's own words, whatever argparse's version or the locale say
    (["in-force"], 2, "kzlaw: in-force: missing DATE"),
    (["diff", "2012-01-01"], 2, "kzlaw: diff: missing DATE_B"),
    ([], 2, "kzlaw: a command is needed: in-force, diff"),
    (["frobnicate"], 2, "kzlaw: unknown command 'frobnicate'; commands: in-force"),
    (["in-forc", "2012-01-01"], 2, "unknown command 'in-forc' (did you mean 'in-force'?)"),
    (["in-force", "2012-01-01", "--format", "xml"], 2, "kzlaw: unknown format 'xml'; formats:"),
    (["--format=jsn", "in-force", "2012-01-01"], 2, "unknown format 'jsn' (did you mean 'json'?)"),
    (["in-force", "2012-01-01", "--knd", "x"], 2,
     "kzlaw: in-force: unexpected argument '--knd' (did you mean '--kind'?)"),
    (["in-force", "2012-01-01", "2013-01-01"], 2, "unexpected argument '2013-01-01'"),
    (["explain", "prohibition", "a"], 2, "kzlaw: explain: missing --at DATE"),
    # each format once in the list of formats
    (["in-force", "2012-01-01", "--format", "xml"], 2,
     "formats: table, markdown, json, csv, html (see 'kzlaw --help')"),
    # an empty DATE or folder is a bad question, never the option left out
    (["timeline", "--from", ""], 1, "question: '' is not a day: write YYYY-MM-DD"),
    (["timeline", "--to", ""], 1, "question: '' is not a day: write YYYY-MM-DD"),
    (["show", "m1", "--at", ""], 1, "question: '' is not a day: write YYYY-MM-DD"),
    (["record-diff", "HEAD", "--at", ""], 1, "question: '' is not a day: write YYYY-MM-DD"),
    (["reports", "--dir", ""], 2, "kzlaw: --dir needs a folder name"),
    (["in-force", "2012-01-01", "--data", ""], 2, "kzlaw: --data needs a folder name"),
    # an option a command does not use is refused, not ignored
    (["reports", "--output", "reports.txt"], 2,
     "kzlaw: reports writes its files into --dir DIR: drop --output"),
    (["reports", "--format", "json"], 2, "kzlaw: reports writes Markdown: drop --format"),
    (["serve", "--output", "page.html"], 2,
     "kzlaw: serve answers in a browser, not in a file: drop --output"),
    (["serve", "--host", ""], 2, "kzlaw: --host needs an address (127.0.0.1 is this machine "
                                 "only; 0.0.0.0 every network)"),
    (["serve", "--format", "json"], 2,
     "kzlaw: serve answers in HTML and JSON (/api/...): drop --format"),
]


@pytest.mark.parametrize("args, code, fragment", BAD_QUESTIONS,
                         ids=[" ".join(a) for a, _, _ in BAD_QUESTIONS])
def test_bad_question(scene, args, code, fragment):
    root, cwd, home = scene
    # Files older than the cache's racy window, so that whether a valid corpus is compiled into
    # the user's cache does not depend on how loaded the machine is (it may be: the cache is
    # kzlaw's, not the user's); nothing else may change.
    old = time.time() - 3600
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            os.utime(os.path.join(dirpath, name), (old, old))
    cache = os.path.join(home, ".cache", "kzlaw")
    before = snapshot(os.path.dirname(root), home)
    proc, _ = run_kzlaw(["--data", root] + args, cwd, home)
    stderr = proc.stderr.decode()
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    assert proc.stdout == b""
    assert fragment in stderr
    if code == 1:
        assert len(stderr.splitlines()) == 1 and LINE.match(stderr.strip()), stderr
    after = snapshot(os.path.dirname(root), home)
    # the cache folder, and the folders that creating it touches (whether the corpus is cached
    # depends on its files' change times, which cannot be set back)
    kzlaws = (home, os.path.dirname(cache))
    assert {p: v for p, v in after.items() if not p.startswith(cache) and p not in kzlaws} == \
        {p: v for p, v in before.items() if p not in kzlaws}
    if code == 2:  # a usage error never gets as far as the corpus
        assert not os.path.exists(cache)


# A corpus may come as a copy of a checkout, with its .git: git's configuration there can name
# programs git runs (an fsmonitor hook, a clean filter for files the attributes name). kzlaw
# asks git only for the commit and whether the corpus files differ from it, and never runs them.
HOSTILE_GIT = {"core.fsmonitor": f"touch {PWNED}-fsmonitor; false",
               "filter.evil.clean": f"touch {PWNED}-clean; cat",
               "filter.evil.process": f"touch {PWNED}-process",
               "core.pager": f"touch {PWNED}-pager",
               "status.submoduleSummary": "true"}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_corpus_checkout_whose_git_config_names_programs_runs_none_of_them(scene):
    root, cwd, home = scene
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=home)

    def git(*args):
        subprocess.run(["git", "-C", root, *args], check=True, capture_output=True, env=env)
    git("init", "-q")
    put(root, ".gitattributes", "*.yaml filter=evil\n")
    git("add", "-A")
    git("-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "corpus")
    for key, value in HOSTILE_GIT.items():
        git("config", key, value)
    head = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True,
                          text=True, env=env).stdout.strip()
    for edit, commit in ((False, head), (True, head + "-dirty")):
        if edit:  # the same size, so that only the content tells it changed
            M1_edited = M1.replace("title: Measure one", "title: Measure 1ne")
            put(root, M1_PATH, M1_edited)
        for stale in ("-fsmonitor", "-clean", "-process", "-pager"):
            if os.path.exists(PWNED + stale):
                os.remove(PWNED + stale)
        proc, _ = run_kzlaw(["--data", root, "in-force", "2012-01-01", "--format", "json"],
                            cwd, home)
        assert proc.returncode == 0, proc.stderr.decode()
        assert f'"commit": "{commit}"' in proc.stdout.decode()
        ran = [p for p in ("-fsmonitor", "-clean", "-process", "-pager")
               if os.path.exists(PWNED + p)]
        assert ran == []


def test_missing_data_folder(scene):
    root, cwd, home = scene
    missing = os.path.join(cwd, "no-such-corpus")
    proc, _ = run_kzlaw(["--data", missing, "in-force", "2012-01-01"], cwd, home)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == f"{missing}: no such corpus folder"
    assert not os.path.exists(missing)


def test_data_folder_that_is_not_a_corpus(scene):
    root, cwd, home = scene
    proc, _ = run_kzlaw(["--data", home, "check"], cwd, home)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == f"{home}: not a kzlaw corpus: no measures/ folder"


def test_data_that_names_a_file_or_the_measures_folder_says_what_to_name(scene):
    root, cwd, home = scene
    a_file = next(os.path.join(d, f) for d, _, files in os.walk(os.path.join(root, "measures"))
                  for f in files)
    proc, _ = run_kzlaw(["--data", a_file, "check"], cwd, home)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == \
        f"{a_file}: not a folder: a corpus is a folder holding measures/"
    measures = os.path.join(root, "measures")
    proc, _ = run_kzlaw(["--data", measures, "check"], cwd, home)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == (f"{measures}: not a kzlaw corpus: no measures/ "
                                            f"folder (did you mean {root}, the folder that "
                                            "holds it?)")
    proc, _ = run_kzlaw(["--data", root, "check"], cwd, home)
    assert proc.returncode == 0, proc.stderr  # the folder it names is a corpus


def test_kzlaw_data_environment_variable_pointing_nowhere(scene):
    root, cwd, home = scene
    env = dict(os.environ, KZLAW_DATA="/nonexistent/corpus", HOME=home)
    proc = subprocess.run([sys.executable, "-m", "kzlaw", "check"], cwd=cwd, env=env,
                          capture_output=True, timeout=TIMEOUT)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == "/nonexistent/corpus: no such corpus folder"


@pytest.mark.parametrize("where, fragment", [
    ("missing/out.txt", "does not exist"),
    (".", "is a folder, not a file"),
    ("sub", "is a folder, not a file"),
])
def test_output_to_a_missing_folder_or_onto_a_folder(scene, where, fragment):
    root, cwd, home = scene
    os.makedirs(os.path.join(cwd, "sub"))
    before = snapshot(cwd, home, os.path.dirname(root))
    proc, _ = run_kzlaw(["--data", root, "--output", where, "in-force", "2012-01-01"], cwd, home)
    stderr = proc.stderr.decode()
    assert proc.returncode == 1, stderr
    assert fragment in stderr and len(stderr.splitlines()) == 1
    assert "Traceback" not in stderr and proc.stdout == b""
    assert snapshot(cwd, home, os.path.dirname(root)) == before


def test_output_with_an_empty_name_is_bad_usage(scene):
    root, cwd, home = scene
    proc, _ = run_kzlaw(["--data", root, "--output", "", "in-force", "2012-01-01"], cwd, home)
    assert proc.returncode == 2
    assert "--output needs a file name" in proc.stderr.decode()
    assert proc.stdout == b""


def test_output_dash_is_the_standard_output_not_a_file_named_dash(scene):
    root, cwd, home = scene
    proc, _ = run_kzlaw(["--data", root, "--output", "-", "in-force", "2012-01-01"], cwd, home)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().startswith("In force on 2012-01-01")
    assert not os.path.lexists(os.path.join(cwd, "-"))


def test_export_to_dash_is_refused_and_writes_nothing(scene):
    root, cwd, home = scene
    for fmt in ("sqlite", "jsonl"):
        proc, _ = run_kzlaw(["--data", root, "export", "--format", fmt, "--output", "-"],
                            cwd, home)
        stderr = proc.stderr.decode()
        assert proc.returncode == 1, stderr
        assert stderr == "-: export writes a file or folder, not the standard output: name " \
                         "one with --output (for sqlite, /dev/stdout streams the file)\n"
        assert os.listdir(cwd) == []


def test_an_empty_data_folder_name_at_the_top_is_bad_usage(scene):
    root, cwd, home = scene
    proc, _ = run_kzlaw(["--data", "", "check"], cwd, home)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("kzlaw: --data needs a folder name")


def test_unwritable_output_even_for_root(scene):
    """/proc refuses new files whoever asks, so this works when the tests run as root."""
    root, cwd, home = scene
    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc on this system")
    proc, _ = run_kzlaw(["--data", root, "--output", "/proc/kzlaw-answer.txt",
                         "in-force", "2012-01-01"], cwd, home)
    stderr = proc.stderr.decode()
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("/proc/kzlaw-answer.txt: ") and len(stderr.splitlines()) == 1


def test_unwritable_output_folder_as_a_user(scene):
    root, cwd, home = scene
    if os.geteuid() == 0:
        pytest.skip("root can write into a read-only folder; see the /proc test")
    locked = os.path.join(cwd, "locked")
    os.makedirs(locked)
    os.chmod(locked, 0o500)
    try:
        proc, _ = run_kzlaw(["--data", root, "--output", os.path.join(locked, "a.txt"),
                             "in-force", "2012-01-01"], cwd, home)
    finally:
        os.chmod(locked, 0o700)
    assert proc.returncode == 1
    assert "not writable" in proc.stderr.decode()
    assert os.listdir(locked) == []


def test_output_is_written_only_when_the_corpus_is_valid(scene):
    root, cwd, home = scene
    out = os.path.join(cwd, "answer.json")
    with open(out, "w") as f:
        f.write("old answer\n")
    CASES["unknown-act"][0](root)
    proc, _ = run_kzlaw(["--data", root, "--output", out, "in-force", "2012-01-01"], cwd, home)
    assert proc.returncode == 1
    with open(out) as f:
        assert f.read() == "old answer\n"
    assert sorted(os.listdir(cwd)) == ["answer.json"]


def test_copied_corpus_with_every_case_at_once_reports_them_all(tmp_path):
    """All the one-file cases that break different files, together: check lists each."""
    root = base(str(tmp_path / "corpus"))
    m1("prohibits: a", "prohibits: aa")(root)
    rule("- designation:", "- designaton:")(root)
    put(root, "measures/2001/m5.yaml", M1.replace("id: m1", "id: m5").replace("2000-01-01",
                                                                                "2011-02-30"))
    proc = subprocess.run([sys.executable, "-m", "kzlaw", "--data", root, "check"],
                          capture_output=True, timeout=TIMEOUT)
    lines = proc.stderr.decode().splitlines()
    assert proc.returncode == 1
    assert [ln.split(":")[0] for ln in lines] == [M1_PATH, "measures/2001/m5.yaml", RULE_PATH]


def teardown_module(module):
    if os.path.exists(PWNED):
        os.remove(PWNED)
