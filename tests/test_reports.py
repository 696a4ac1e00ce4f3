"""Every command in every format on a small fixed corpus (golden files), the diff groups on both
sides of each boundary, the HTML chart, and `kzlaw reports --check`.

Regenerate the golden files after a deliberate change of output with
``KZLAW_UPDATE_GOLDEN=1 python -m pytest tests/test_reports.py`` and review the diff.
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

import kzlaw
from kzlaw.cli import main
from kzlaw.reports import generate

HERE = os.path.dirname(__file__)
SMALL = os.path.join(HERE, "data", "small")
GOLDEN = os.path.join(HERE, "golden")

COMMANDS = {
    "in-force": ["in-force", "2012-01-01"],
    "in-force-uncertain": ["in-force", "2005-03-01"],
    "diff": ["diff", "2001-06-01", "2013-06-01"],
    "timeline": ["timeline"],
    "timeline-window": ["timeline", "--from", "2005-01-01", "--to", "2011-12-31"],
    "history": ["history", "hizb-ut-tahrir"],
    "history-measure": ["history", "law-1999"],
    "explain": ["explain", "prohibition", "membership-in-banned-organization",
                "--about", "hizb-ut-tahrir", "--at", "2005-03-01"],
    "explain-absent": ["explain", "prohibition", "prayer-in-workplace", "--at", "2017-01-01"],
    "show": ["show", "law-1999", "--at", "2003-01-01"],
    "check": ["check"],
}
FORMATS = {"table": "txt", "markdown": "md", "json": "json", "csv": "csv"}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small corpus outside any git checkout, so that answers cite no commit."""
    folder = tmp_path_factory.mktemp("corpora") / "small"
    shutil.copytree(SMALL, folder)
    return str(folder)


@pytest.fixture
def run(small, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")

    def run_(argv, _capsys=None):
        code = main(["--data", small] + argv)
        out, err = capsys.readouterr()
        return code, out, err
    return run_


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_golden(name, fmt, run):
    code, out, err = run(COMMANDS[name] + ["--format", fmt])
    assert code == 0, err
    path = os.path.join(GOLDEN, f"{name}.{FORMATS[fmt]}")
    if os.environ.get("KZLAW_UPDATE_GOLDEN"):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(out)
    with open(path, encoding="utf-8") as f:
        assert out == f.read()
    if fmt == "json":
        json.loads(out)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows and all(len(r) == len(rows[0]) for r in rows)


def test_in_force_json_matches_spec_shape(run):
    code, out, _ = run(["in-force", "2012-01-01", "--format", "json"])
    data = json.loads(out)
    assert data["date"] == "2012-01-01"
    fact = next(f for f in data["facts"] if f["target"] == "terrorist-act")
    assert fact == {"kind": "prohibition", "target": "terrorist-act", "about": None,
                    "label": "Terrorist act", "about_label": None,
                    "title": "Prohibition: Terrorist act",
                    "status": "in-force", "liability": "criminal",
                    "by": ["amendment-2002#terrorist-act"], "sources": ["fn2"],
                    "evidence": "press"}
    assert data["question"] == {"command": "in-force", "date": "2012-01-01"}
    assert data["corpus"] == {"title": "small", "jurisdiction": None, "curated_from": None,
                              "curated_until": None, "commit": None}
    assert data["warnings"] == []


@pytest.mark.parametrize("a,b,group", [
    # the ATC starts "late 2003": uncertain inside the range, certain from its last day
    ("2003-08-31", "2003-09-01", "became-uncertain"),
    ("2003-12-30", "2003-12-31", "became-certain"),
    ("2003-08-31", "2003-12-31", "newly-in-force"),
    # repealed in 2016-09 (uncertain during the month), gone on its last day
    ("2016-08-31", "2016-09-01", "became-uncertain"),
    ("2016-09-29", "2016-09-30", "no-longer-in-force"),
])
def test_diff_groups_on_both_sides_of_each_boundary(a, b, group):
    corpus = kzlaw.load(SMALL)
    changes = [c for c in corpus.diff(a, b)["changes"] if c["target"] == "anti-terrorism-center"]
    assert [c["group"] for c in changes] == [group]
    # one day earlier on both sides: no change of this fact
    day_before = {"2003-09-01": "2003-08-31", "2003-12-31": "2003-12-30",
                  "2016-09-01": "2016-08-31", "2016-09-30": "2016-09-29"}
    prev = day_before.get(b)
    if prev and prev == a:
        assert not [c for c in corpus.diff(a, a)["changes"]]


def test_diff_attributes_changed_group():
    corpus = kzlaw.load(SMALL)
    [c] = [c for c in corpus.diff("2001-06-01", "2003-06-01")["changes"]
           if c["target"] == "terrorist-act" and c["kind"] == "prohibition"]
    assert c["group"] == "attributes-changed"
    assert c["changed"] == {"liability": ["administrative", "criminal"]}
    assert c["by"] == ["amendment-2002#terrorist-act", "law-1999#terrorist-act"]
    assert c["when"][0]["range"] == "2002-01-01..2002-12-31"


class _SVGRows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.rects, self.scripts, self.external = [], [], 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in ("link", "img") or (tag == "script" and "src" in a):
            self.external.append(tag)
        if tag == "g" and a.get("class") == "fact-row":
            self.rows.append(a["data-fact"])
        if tag == "rect" and a.get("class") in ("certain", "uncertain"):
            self.rects.append(a["class"])


def test_html_report_has_one_svg_row_per_fact_and_no_scripts():
    corpus = kzlaw.load(SMALL)
    html = generate(corpus)["timeline.html"]
    parser = _SVGRows()
    parser.feed(html)
    facts = {"|".join(str(x or "") for x in key) for key in corpus.compiled.segments}
    assert sorted(parser.rows) == sorted(facts)
    assert len(parser.rows) == len(set(parser.rows))
    assert "certain" in parser.rects and "uncertain" in parser.rects
    assert parser.scripts == 0 and parser.external == []
    assert 'id="hatch"' in html  # uncertain bars are hatched


def test_markdown_reports_carry_a_mermaid_gantt():
    files = generate(kzlaw.load(SMALL))
    assert "```mermaid\ngantt" in files["index.md"]
    assert "```mermaid\ngantt" in files["timeline.md"]
    for year in (1999, 2002, 2005, 2009, 2011, 2013, 2014, 2016):
        assert f"state-{year}.md" in files and f"state-{year}.md" in files["index.md"]
    assert "history-hizb-ut-tahrir.md" in files


def test_reports_are_deterministic():
    a = generate(kzlaw.load(SMALL))
    b = generate(kzlaw.load(SMALL))
    assert a == b


def test_reports_check_detects_a_one_character_change(tmp_path, capsys):
    corpus = shutil.copytree(SMALL, tmp_path / "corpus")
    assert main(["--data", str(corpus), "reports"]) == 0
    assert main(["--data", str(corpus), "reports", "--check"]) == 0
    capsys.readouterr()
    target = corpus / "reports" / "state-2011.md"
    text = target.read_text()
    target.write_text(text.replace("in force", "in forcf", 1))
    assert main(["--data", str(corpus), "reports", "--check"]) == 1
    assert "state-2011.md" in capsys.readouterr().err
    assert target.read_text() != text  # --check changes nothing
    assert main(["--data", str(corpus), "reports"]) == 0
    assert target.read_text() == text
    # a file that kzlaw does not generate is stale too
    (corpus / "reports" / "extra.md").write_text("x")
    assert main(["--data", str(corpus), "reports", "--check"]) == 1


def test_bundled_reports_folder_is_up_to_date():
    """The checked-in reports/ matches the bundled corpus (CI also runs reports --check)."""
    root = os.path.dirname(HERE)
    if not os.path.isdir(os.path.join(root, "reports")):
        pytest.skip("no reports/ folder in this checkout")
    result = subprocess.run([sys.executable, "-m", "kzlaw", "--data", root, "reports", "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_output_file_is_written_atomically(tmp_path, capsys):
    out = tmp_path / "answer.json"
    assert main(["--data", SMALL, "in-force", "2012-01-01", "--format", "json",
                 "--output", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(out.read_text())["date"] == "2012-01-01"
    assert [p.name for p in tmp_path.iterdir()] == ["answer.json"]
