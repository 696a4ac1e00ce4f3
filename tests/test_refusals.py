"""Exit 3 only for bugs, every refusal located (issue 11 item 6): far-future years, rules with
too many patterns and long chains of rules, a closed stdout, and line numbers that U+2028 and
U+0085 do not shift. (The cache's cases, KZLAW_CACHE_RACY_SECONDS and KZLAW_CACHE_DIR, are in
tests/test_cache_safety.py.)"""

import os
import subprocess
import sys

import pytest
import yaml

import kzlaw
from builder import measure, write_corpus
from kzlaw.cli import main
from kzlaw.rules import MAX_PATTERNS


def cli(*args):
    return main(["--no-cache", *map(str, args)])


def dated(tmp_path, adopted, expires=None):
    return write_corpus(tmp_path / "c", [
        measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}]),
        measure("n", adopted, [{"id": "g", "prohibits": "b"}], expires=expires)])


@pytest.mark.parametrize("adopted, expires", [
    ("9998", None), ("9999-12-31", None), ("2000", "9999-12"), ("9001-01-01", None),
    ("[2000..9999]", None), ("9000-24", None)])
def test_a_year_past_9000_is_refused_at_load_with_its_line(tmp_path, capsys, adopted, expires):
    root = dated(tmp_path, adopted, expires)
    for command in (["check"], ["reports", "--dir", tmp_path / "out"], ["timeline"]):
        assert cli("--data", root, *command) == 1
        err = capsys.readouterr().err
        assert err.startswith("measures/2000/n.yaml:"), err
        assert "out of range" in err or "runs past year 9000" in err
        assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("adopted, expires", [("9000-12-31", None), ("9000", "9000-12"),
                                              ("9000-23", None), ("0001-01-01", "9000")])
def test_a_year_up_to_9000_is_answered_everywhere(tmp_path, capsys, adopted, expires):
    root = dated(tmp_path, adopted, expires)
    for command in (["check"], ["reports", "--dir", tmp_path / "out"], ["timeline"],
                    ["in-force", "9999-12-31"], ["history", "b"],
                    ["diff", "0001-01-01", "9999-12-31"],
                    ["explain", "prohibition", "b", "--at", "9000-12-31"]):
        assert cli("--data", root, *command) == 0, (command, capsys.readouterr().err)
    assert os.path.exists(tmp_path / "out" / "timeline.html")


def big_rule(root, n):
    when = [{"prohibition": "a"}] + [{"prohibition": "?x"} for _ in range(n - 1)]
    with open(os.path.join(root, "rules", "big.yaml"), "w") as f:
        yaml.safe_dump({"id": "big", "when": when, "then": {"prohibition": "x"},
                        "sources": [{"ref": "s1", "quote": "q"}]}, f)


@pytest.mark.parametrize("n", [MAX_PATTERNS + 1, 1500])
def test_a_rule_with_too_many_patterns_is_refused_where_it_is(tmp_path, capsys, n):
    root = write_corpus(tmp_path / "c", [measure("m", "2000-01-01",
                                                 [{"id": "e", "prohibits": "a"}])])
    big_rule(root, n)
    for command in (["check"], ["in-force", "2001-01-01"]):
        assert cli("--data", root, *command) == 1
        assert capsys.readouterr().err == (
            f"rules/big.yaml:1: rule has {n} patterns in 'when', over the limit of "
            f"{MAX_PATTERNS}: split it into rules that derive intermediate facts\n")


def test_a_rule_with_the_most_patterns_allowed_is_answered(tmp_path):
    root = write_corpus(tmp_path / "c", [measure("m", "2000-01-01",
                                                 [{"id": "e", "prohibits": "a"}])])
    big_rule(root, MAX_PATTERNS)
    c = kzlaw.load(root)
    assert c.at("2001-01-01").status("prohibition", "x") == "in-force"


def test_a_chain_of_rules_longer_than_the_recursion_limit_is_answered(tmp_path):
    n = sys.getrecursionlimit() + 200
    acts = {"a": {"label": "A"}} | {f"a{i}": {"label": f"A{i}"} for i in range(n)}
    vocabulary = {"acts": acts, "organizations": {}, "institutions": {}, "powers": {},
                  "duties": {}, "penalties": {}, "categories": {}}
    root = write_corpus(tmp_path / "c", [measure("m", "2000-01-01",
                                                 [{"id": "e", "prohibits": "a"}])],
                        vocabulary=vocabulary)
    for i in range(n):
        with open(os.path.join(root, "rules", f"r{i}.yaml"), "w") as f:
            yaml.safe_dump({"id": f"r{i}", "when": [{"prohibition": "a" if i == 0 else f"a{i-1}"}],
                            "then": {"prohibition": f"a{i}"},
                            "sources": [{"ref": "s1", "quote": "q"}]}, f)
    c = kzlaw.load(root)
    changes = c.diff("1999-06-01", "2000-06-01")["changes"]
    assert len(changes) == n + 1
    last = [ch for ch in changes if ch["target"] == f"a{n - 1}"][0]
    assert last["after"] == "in-force" and "m#e" in last["by"]
    assert last["by"] == ["m#e", f"rule:r{n - 1}"]


def test_a_closed_stdout_is_quiet_not_a_bug(tmp_path):
    root = write_corpus(tmp_path / "c", [measure("m", "2000-01-01",
                                                 [{"id": "e", "prohibits": "a"}])])
    cmd = [sys.executable, "-m", "kzlaw", "--no-cache", "--data", root, "in-force",
           "2001-01-01"]
    closed_at_start = subprocess.run(["sh", "-c", '"$@" >&-', "sh", *cmd],
                                     capture_output=True, text=True, timeout=120)
    assert (closed_at_start.returncode, closed_at_start.stderr) == (0, "")
    code = ("import os, sys; os.close(1); from kzlaw.cli import main; "
            f"sys.exit(main({cmd[3:]!r}))")
    closed_later = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                  text=True, timeout=120)
    assert (closed_later.returncode, closed_later.stderr) == (0, "")


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\u2029", "\r"])
def test_unusual_line_breaks_do_not_shift_later_line_numbers(tmp_path, capsys, separator):
    """YAML also breaks lines at CR, NEL, LS and PS (in a comment, or in a quoted text pasted
    from a web page); the lines kzlaw names are the ones an editor shows."""
    root = write_corpus(tmp_path / "c", [measure("m", "2000-01-01",
                                                 [{"id": "e", "prohibits": "a"}])])
    path = os.path.join(root, "measures", "2000", "m.yaml")
    lines = open(path, encoding="utf-8").read().rstrip("\n").split("\n")
    lines.insert(0, f"# a note{separator}# that an editor shows on one line")
    if separator in "\u2028\u2029":  # allowed in text (NEL and CR are control characters)
        lines.insert(1, f'note: "pasted{separator}from{separator}a page"')
    lines.append("bogus: 1")
    open(path, "w", encoding="utf-8", newline="").write("\n".join(lines) + "\n")
    assert cli("--data", root, "check") == 1
    err = capsys.readouterr().err
    assert err == f"measures/2000/m.yaml:{len(lines)}: unknown field 'bogus'\n", err


def test_a_syntax_error_after_line_separators_names_the_editors_line(tmp_path, capsys):
    root = write_corpus(tmp_path / "c", [measure("m", "2000-01-01",
                                                 [{"id": "e", "prohibits": "a"}])])
    path = os.path.join(root, "measures", "2000", "m.yaml")
    text = "# x\u2028# y\u2028# z\n" + open(path, encoding="utf-8").read() + "bad: [\n"
    open(path, "w", encoding="utf-8").write(text)
    plain = text.replace("\u2028", " ")
    assert cli("--data", root, "check") == 1
    with_separators = capsys.readouterr().err
    with open(path, "w", encoding="utf-8") as f:
        f.write(plain)
    assert cli("--data", root, "check") == 1
    assert with_separators == capsys.readouterr().err
    assert "YAML syntax error" in with_separators
