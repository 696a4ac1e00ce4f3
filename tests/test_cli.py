"""Every command of semantics.md section 9 in every format on the bundled corpus, through the
installed command, as a user would run it."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

COMMANDS = [
    ["in-force", "2012-01-01"],
    ["in-force", "2006-06-01", "--kind", "designation"],
    ["diff", "2010-01-01", "2012-06-01"],
    ["timeline", "--from", "2011-01-01", "--to", "2011-12-31"],
    ["history", "hizb-ut-tahrir"],
    ["history", "law-2011-religious-activity"],
    ["explain", "prohibition", "prayer-in-workplace", "--at", "2012-06-01"],
    ["explain", "prohibition", "membership-in-banned-organization", "--about", "hizb-ut-tahrir",
     "--at", "2004-06-01"],
    ["show", "law-2011-religious-activity", "--at", "2012-06-01"],
    ["check"],
]


def kzlaw(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kzlaw", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd,
                          env=dict(os.environ, KZLAW_NO_CACHE="1"))


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv", "html"])
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: "-".join(a[:2]))
def test_every_command_in_every_format_on_the_bundled_corpus(argv, fmt, tmp_path):
    result = kzlaw(*argv, "--format", fmt, cwd=tmp_path)  # from any folder
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.strip()
    if fmt == "json":
        json.loads(result.stdout)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert len({len(r) for r in rows}) == 1


def test_issue_questions_give_sourced_answers():
    out = kzlaw("in-force", "2006-06-01", "--format", "json")
    facts = json.loads(out.stdout)["facts"]
    ht = [f for f in facts if f["target"] == "membership-in-banned-organization"
          and f["about"] == "hizb-ut-tahrir"]
    assert ht and ht[0]["status"] == "in-force"
    assert ht[0]["by"] == ["rule:membership-of-designated-organization"]
    explain = kzlaw("explain", "prohibition", "prayer-in-workplace", "--at", "2012-06-01").stdout
    assert "is in force" in explain.replace("\n", " ") and "almanac-fn51" in explain
    assert "imposing a ban on prayer in the workplace" in explain
    diff = json.loads(kzlaw("diff", "2010-01-01", "2012-06-01", "--format", "json").stdout)
    new = {(c["kind"], c["target"]) for c in diff["changes"] if c["after"] == "in-force"
           and c["before"] == "absent"}
    assert ("prohibition", "prayer-in-workplace") in new


def test_bad_dates_and_usage_exit_codes():
    r = kzlaw("in-force", "2012-02-30")
    assert r.returncode == 1 and "not a calendar day" in r.stderr and not r.stdout
    r = kzlaw("in-force")
    assert r.returncode == 2
    r = kzlaw("explain", "prohibition", "prayer-in-workplac", "--at", "2012-06-01")
    assert r.returncode == 1 and "did you mean 'prayer-in-workplace'" in r.stderr


def test_an_unknown_prefix_suggests_the_ids_it_begins():
    r = kzlaw("history", "hizb")
    assert r.returncode == 1
    assert r.stderr.strip() == "question: unknown id 'hizb' (did you mean 'hizb-ut-tahrir'?)"
    r = kzlaw("show", "law-20")
    assert "did you mean 'law-2005-countering-extremism', 'law-2009-aml-cft', " in r.stderr
    import kzlaw as _kzlaw
    begins = [m for m in _kzlaw.load().measures if m.startswith("law-20")]
    assert f"or {len(begins) - 3} more?)" in r.stderr  # three shown, the rest counted


def test_one_of_a_kind_is_counted_in_the_singular(tmp_path):
    from builder import measure, write_corpus
    root = str(write_corpus(tmp_path / "corpus", [
        measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}])]))
    assert kzlaw("--data", root, "timeline").stdout.splitlines()[0] == "Timeline: 1 dated event"
    assert kzlaw("--data", root, "diff", "1999-01-01", "2001-01-01").stdout.splitlines()[0] == \
        "Changes from 1999-01-01 to 2001-01-01: 1 fact"


def _help(capsys, *argv):
    from kzlaw.cli import main
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return capsys.readouterr().out


def test_the_formats_are_listed_once_in_the_help_and_in_the_refusal(capsys):
    text = " ".join(_help(capsys, "in-force").split())
    assert "output format: table, markdown, json, csv, html (default: table)" in text
    r = kzlaw("in-force", "2012-01-01", "--format", "xml")
    assert r.stderr.startswith("kzlaw: unknown format 'xml'; formats: table, markdown, json, "
                               "csv, html (see")


@pytest.mark.parametrize("command", ["in-force", "diff", "timeline", "history", "explain",
                                     "show", "record-diff", "search", "source"])
def test_every_argument_of_a_question_says_what_it_takes(command, capsys):
    """A new user reads `kzlaw diff --help`: DATE_A alone does not say what it takes."""
    from kzlaw.cli import build_parser
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices[command]
    bare = [a.metavar or a.dest for a in sub._actions if not a.help]
    assert not bare, f"kzlaw {command} --help explains nothing for {bare}"
