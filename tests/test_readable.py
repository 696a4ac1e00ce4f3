"""Answers a reader can read: every table command fits the terminal (COLUMNS, also when piped),
labels come first and ids on request, markdown renders as structured text under a CommonMark
renderer, HTML pages are self-contained, and CSV is one row per fact with the question's date."""

import csv
import os
import io
import json
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from kzlaw.cli import main
from kzlaw.layout import record_lines, table_lines, wrap

TABLE_COMMANDS = [
    ["in-force", "2012-01-01"],
    ["in-force", "2012-01-01", "--ids"],
    ["diff", "2010-01-01", "2012-06-01"],
    ["diff", "1999-01-01", "2016-12-31", "--ids"],
    ["timeline"],
    ["history", "hizb-ut-tahrir"],
    ["history", "law-2011-religious-activity", "--ids"],
    ["show", "law-2011-religious-activity", "--at", "2012-06-01"],
    ["explain", "prohibition", "prayer-in-workplace", "--at", "2012-06-01"],
    ["explain", "prohibition", "membership-in-banned-organization", "--about", "HT",
     "--at", "2004-06-01", "--ids"],
    ["check"],
    ["search", "hizb"],
    ["source", "almanac-fn51"],
]


def answer(argv, capsys, monkeypatch, columns=None):
    if columns is not None:
        monkeypatch.setenv("COLUMNS", str(columns))
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.parametrize("columns", [60, 80, 100, 120, 160])
@pytest.mark.parametrize("argv", TABLE_COMMANDS, ids=" ".join)
def test_no_line_is_wider_than_the_terminal(argv, columns, capsys, monkeypatch):
    out = answer(argv, capsys, monkeypatch, columns)
    widest = max(out.splitlines(), key=len)
    assert len(widest) <= columns, widest


def test_a_wider_terminal_is_used(capsys, monkeypatch):
    narrow = answer(["in-force", "2012-01-01"], capsys, monkeypatch, 80)
    wide = answer(["in-force", "2012-01-01"], capsys, monkeypatch, 200)
    assert max(map(len, wide.splitlines())) > 80
    assert len(wide.splitlines()) < len(narrow.splitlines())


def prayer_title():
    import kzlaw
    return "Prohibition: " + kzlaw.load().vocabulary["acts"]["prayer-in-workplace"].label


def test_tables_show_labels_and_status_words_and_ids_only_on_request(capsys, monkeypatch):
    out = answer(["in-force", "2012-06-01", "--kind", "prohibition"], capsys, monkeypatch, 300)
    assert prayer_title() in out
    assert "in force" in out and "in-force" not in out
    assert "law-2011-religious-activity#prayer-in-workplace" not in out
    out = answer(["in-force", "2012-06-01", "--kind", "prohibition", "--ids"], capsys,
                 monkeypatch, 300)
    assert "law-2011-religious-activity#" in out and "almanac-fn51" in out
    assert "prohibition prayer-in-workplace" in out


def test_an_uncertain_row_says_why(capsys, monkeypatch):
    out = answer(["in-force", "2011-10-05", "--status", "uncertain"], capsys, monkeypatch, 200)
    row = next(line for line in out.splitlines() if "Places of worship" in line)
    assert "uncertain" in row and "took effect in 'In 2011'" in row


def test_wrap_never_exceeds_the_width_and_keeps_every_word():
    text = "law-2011-religious-activity#prayer-in-workplace and 2005-02-18..2005-03-28 ok"
    for width in range(5, 40):
        lines = wrap(text, width)
        assert all(len(line) <= width for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_empty_columns_are_dropped_and_narrow_terminals_get_records():
    rows = [["a long first cell with words", "", "x" * 30], ["b", "", "y"]]
    lines = list(table_lines(["one", "empty", "three"], rows, 200))
    assert "empty" not in lines[0] and lines[0].startswith("one")
    narrow = list(table_lines(["one", "empty", "three"], rows, 20))
    assert narrow == list(record_lines(["one", "three"], [[r[0], r[2]] for r in rows], 20))
    assert all(len(line) <= 20 for line in narrow)


def test_a_header_wider_than_its_column_wraps_inside_it():
    """At 160 columns the timeline's last header, 'continues, amended', stuck out one column
    past the terminal: a column is narrowed to its longest word, and so is its header."""
    rows = [["2011-10-25", "x " * 60, "Obligation: Registration of missionaries"]]
    lines = list(table_lines(["date", "event", "continues, amended"], rows, 60))
    assert all(len(line) <= 60 for line in lines), lines
    assert lines[0].split()[-1] == "continues," and lines[1].split() == ["amended"]
    assert set(lines[2]) == {"-", " "}
    wide = list(table_lines(["date", "event", "continues, amended"], rows, 300))
    assert wide[0].endswith("continues, amended") and set(wide[1]) == {"-", " "}


def _html(text):
    return MarkdownIt("commonmark").enable("table").render(text)


def test_explain_markdown_renders_as_nested_lists_with_block_quotes(capsys, monkeypatch):
    out = answer(["explain", "prohibition", "membership-in-banned-organization", "--about",
                  "hizb-ut-tahrir", "--at", "2006-06-01", "--format", "markdown"],
                 capsys, monkeypatch)
    html = _html(out)
    assert html.count("<ul>") >= 3 and "<li>" in html
    assert "<blockquote>" in html and "<p>" in html
    assert "<h1>" in html
    # a quote is inside the list item of its source
    assert "<li>source" in html and "</blockquote>\n</li>" in html


def test_in_force_markdown_renders_as_a_table(capsys, monkeypatch):
    html = _html(answer(["in-force", "2012-01-01", "--format", "markdown"], capsys, monkeypatch))
    assert "<table>" in html and "<th>fact</th>" in html
    assert prayer_title() in html


def test_source_markdown_and_html_make_the_url_a_link(capsys, monkeypatch):
    md = answer(["source", "almanac-fn51", "--format", "markdown"], capsys, monkeypatch)
    assert '<a href="http://www.washingtontimes.com/' in _html(md)
    page = answer(["source", "almanac-fn51", "--format", "html"], capsys, monkeypatch)
    assert '<a href="http://www.washingtontimes.com/' in page


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.external = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag in ("script", "link", "img", "iframe") or "src" in a:
            self.external.append(tag)


@pytest.mark.parametrize("argv", TABLE_COMMANDS, ids=" ".join)
def test_every_command_answers_as_one_self_contained_html_page(argv, capsys, monkeypatch):
    page = answer(argv + ["--format", "html"], capsys, monkeypatch)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parser = _Page()
    parser.feed(page)
    assert parser.external == []
    assert "style" in parser.tags and "h1" in parser.tags
    if argv[0] in ("timeline", "history") and argv[1:2] != ["law-2011-religious-activity"]:
        assert "svg" in parser.tags


def test_in_force_csv_is_one_row_per_fact_with_the_date_and_every_attribute(capsys, monkeypatch):
    out = answer(["in-force", "2012-01-01", "--format", "csv"], capsys, monkeypatch)
    rows = list(csv.DictReader(io.StringIO(out)))
    facts = json.loads(answer(["in-force", "2012-01-01", "--format", "json"], capsys,
                              monkeypatch))["facts"]
    assert len(rows) == len(facts)
    assert {r["date"] for r in rows} == {"2012-01-01"}
    ht = next(r for r in rows if r["target"] == "hizb-ut-tahrir" and r["kind"] == "designation")
    assert ht["as"] == "extremist; terrorist" and ht["label"] == "Hizb ut-Tahrir al-Islami"
    assert ht["evidence"] and ht["status"] == "in-force"
    assert ";" in ht["by"] and ", " not in ht["by"]  # references joined by "; "


@pytest.mark.parametrize("argv,column", [
    (["show", "law-2011-religious-activity", "--at", "2012-06-01"], "quotes"),
    (["explain", "prohibition", "prayer-in-workplace", "--at", "2012-06-01"], "quotes"),
    (["history", "hizb-ut-tahrir"], "why"),
    (["diff", "2010-01-01", "2012-06-01"], "when"),
    (["timeline"], "as_written"),
])
def test_csv_carries_what_the_tables_carry(argv, column, capsys, monkeypatch):
    out = answer(argv + ["--format", "csv"], capsys, monkeypatch)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and column in rows[0]
    assert len({len(r) for r in rows}) == 1


# --- charts --------------------------------------------------------------------------------

import re  # noqa: E402

import kzlaw  # noqa: E402
from kzlaw import chart  # noqa: E402
from kzlaw.reports import generate  # noqa: E402


@pytest.fixture(scope="module")
def bundled():
    return kzlaw.load()


def _attr(tag: str, name: str) -> float:
    return float(re.search(rf'{name}="([-0-9.]+)"', tag).group(1))


def test_the_chart_fits_1400_pixels_with_labels_a_legend_and_the_last_year(bundled):
    svg = chart.svg(bundled)
    width = _attr(svg.split(">")[0], "width")
    assert width <= 1400
    years = [(float(x), int(y)) for x, y in
             re.findall(r'<text class="year" x="([0-9.]+)"[^>]*>(\d{4})</text>', svg)]
    assert years and max(x for x, _ in years) + 20 <= width
    lo, hi = chart.axis_range(bundled, chart.chart_rows(bundled))
    assert max(y for _, y in years) >= bundled.info.curated_until.year
    assert 'class="legend"' in svg and "uncertain (in some readings)" in svg
    label = bundled.vocabulary["organizations"]["hizb-ut-tahrir"].label
    assert f">{label}</text>" in svg  # labels, not ids
    assert ">designation hizb-ut-tahrir<" not in svg
    markers = re.findall(r'<rect class="measure-marker"[^>]*><title>([^<]+)</title>', svg)
    assert len(markers) == len(chart.markers(bundled)) and all(markers)


def test_open_bars_stop_at_the_horizon_line(bundled):
    svg = chart.svg(bundled)
    line = re.search(r'<g class="horizon">.*?<line x1="([0-9.]+)"', svg)
    assert line, "the horizon is drawn"
    hx = float(line.group(1))
    row = re.search(r'data-fact="designation\|hizb-ut-tahrir\|">(.*?)</g>', svg, re.S).group(1)
    bars = re.findall(r'<rect class="(?:certain|uncertain)" x="([0-9.]+)" y="[0-9.]+" '
                      r'width="([0-9.]+)"', row)
    x, w = map(float, bars[-1])
    assert abs(x + w - hx) < 0.2  # open-ended: it stops at the end of the record


def test_a_chart_without_a_horizon_draws_none(tmp_path):
    import shutil
    import os
    root = tmp_path / "small"
    shutil.copytree(os.path.join(os.path.dirname(__file__), "data", "small"), root)
    svg = chart.svg(kzlaw.load(str(root)))
    assert 'class="horizon"' not in svg and 'class="fact-row"' in svg


def test_mermaid_in_force_is_solid_and_uncertain_doubtful(bundled):
    text = chart.mermaid(bundled)
    tasks = [line for line in text.splitlines() if re.search(r":.*\d{4}-\d\d-\d\d,", line)]
    assert tasks
    assert not any(":done" in t for t in tasks)  # done is Mermaid's faded grey
    uncertain = [t for t in tasks if "(uncertain)" in t]
    assert uncertain and all(":active," in t for t in uncertain)
    assert all(":active," not in t for t in tasks if "(uncertain)" not in t)
    assert "todayMarker off" in text
    ends = [t.rsplit(", ", 1)[1] for t in tasks]
    assert max(ends) <= "2025-01-01"


def test_reports_hold_histories_of_organizations_acts_and_laws(bundled):
    files = generate(bundled)
    assert "history-hizb-ut-tahrir.md" in files
    assert "history-prayer-in-workplace.md" in files  # an act
    assert "history-law-2011-religious-activity.md" in files  # a law
    index = files["index.md"]
    for name in ("history-hizb-ut-tahrir.md", "history-prayer-in-workplace.md",
                 "history-law-2011-religious-activity.md"):
        assert f"(<{name}>)" in index
    assert "commit" not in files["timeline.html"].split("<footer>")[-1]


def _have(rev):
    import os
    import subprocess
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return subprocess.run(["git", "-C", root, "cat-file", "-e", rev + "^{commit}"],
                          capture_output=True).returncode == 0


@pytest.mark.parametrize("fmt", ["table", "html"])
def test_record_diff_fits_the_terminal_and_answers_as_a_page(fmt, capsys, monkeypatch):
    if not (_have("d280e73ef713") and _have("ecb30eeec254")):
        pytest.skip("the README's revisions are not in this checkout")
    out = answer(["record-diff", "d280e73ef713", "ecb30eeec254", "--at", "2000-06-01",
                  "--format", fmt], capsys, monkeypatch, 80)
    if fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and "<table>" in out
    else:
        assert max(len(line) for line in out.splitlines()) <= 80
        assert "not in force" in out


def test_check_in_a_pipe_without_columns_gives_one_line_per_problem():
    # a script greps `kzlaw check`: each warning or conflict, and the summary, on one line
    import os
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    out = subprocess.run([sys.executable, "-m", "kzlaw", "check"], capture_output=True,
                         text=True, env=env, stdin=subprocess.DEVNULL, timeout=120).stdout
    lines = out.rstrip("\n").split("\n")
    assert lines[-1].startswith("ok: ") and lines[-1].endswith("date conflicts")
    assert all(re.match(r"^measures/\S+\.yaml:\d+: |^rules/\S+\.yaml:\d+: ", line)
               for line in lines[:-1]), lines
    assert any(len(line) > 80 for line in lines)  # not fitted to a width nobody asked for
    env["COLUMNS"] = "80"
    fitted = subprocess.run([sys.executable, "-m", "kzlaw", "check"], capture_output=True,
                            text=True, env=env, stdin=subprocess.DEVNULL, timeout=120).stdout
    assert max(len(line) for line in fitted.splitlines()) <= 80


# --- events told in words ------------------------------------------------------------------

def test_an_event_is_told_in_words_not_ids(capsys, monkeypatch):
    """The timeline's event column said 'repeals committee-2006-religious-affairs#committee-
    for-religious-affairs' and 'effect extremist-propaganda from'."""
    argv = ["timeline", "--from", "2011-01-01", "--to", "2011-12-31"]
    out = answer(argv, capsys, monkeypatch, 3000)  # no cell wrapped
    assert "#" not in out and "effect extremist-propaganda from" not in out
    assert "repeals Institution: Committee for Religious Affairs" in out
    assert "amends Obligation: Registration of missionaries" in out
    row = next(line for line in out.splitlines() if "Extremist propaganda" in line)
    assert "effect in force" in row
    data = json.loads(answer(argv + ["--format", "json"], capsys, monkeypatch))
    repeal = next(e for e in data["events"] if e["event"].startswith("repeals "))
    assert repeal["event"] == ("repeals committee-2006-religious-affairs"
                               "#committee-for-religious-affairs")  # the JSON keeps the ids
    assert repeal["event_label"] == "repeals Institution: Committee for Religious Affairs"
    rows = list(csv.DictReader(io.StringIO(answer(argv + ["--format", "csv"], capsys,
                                                  monkeypatch))))
    assert {r["event"]: r["event_label"] for r in rows}[repeal["event"]] == repeal["event_label"]


def test_an_effect_that_ends_and_a_repealed_measure_are_told_in_words(capsys, monkeypatch):
    data = json.loads(answer(["timeline", "--format", "json"], capsys, monkeypatch))
    labels = {e["event"]: e["event_label"] for e in data["events"]}
    assert labels["effect forfeiture until"] == "effect ends"
    whole = labels["repeals amendment-2002-criminal-code-terrorism"]
    assert whole.startswith("repeals ") and "amendment-2002" not in whole
    assert labels["adopted and in force"] == "adopted and in force"
    assert all(not e["event_label"].startswith("reported: ") or
               e["event"].startswith("reported: ") for e in data["events"])


# --- a date reads as precisely as the record knows it ------------------------------------------

def test_a_range_known_to_the_month_or_year_reads_so_not_to_the_day(capsys, monkeypatch):
    """'[2011-05..2011-06-04]' read '2011-05-01..2011-06-04' and '[..2013]' '..2013-12-31',
    days the record does not know."""
    out = answer(["timeline", "--from", "2011-01-01", "--to", "2011-12-31"], capsys,
                 monkeypatch, 3000)
    assert "2011-05..2011-06-04" in out and "2011-05-01" not in out
    starts = [line.split("  ")[0] for line in out.splitlines()]
    assert "..2013" in starts and "..2013-12-31" not in starts
    assert "2011-10-11..2011-10-13" in out  # a range known to the day still reads to the day
    assert "2005-02-18..2013-12-31" in out
    data = json.loads(answer(["timeline", "--format", "json"], capsys, monkeypatch))
    known = next(e for e in data["events"] if e["date"] == "[2011-05..2011-06-04]")
    assert known["range"] == "2011-05-01..2011-06-04"  # the JSON keeps its days to compute with


def test_why_a_fact_is_uncertain_names_the_date_as_the_record_knows_it(capsys, monkeypatch):
    out = answer(["in-force", "2012-06-01", "--status", "uncertain", "--format", "json"], capsys,
                 monkeypatch)
    why = {f["target"]: f["why"] for f in json.loads(out)["facts"]}
    assert why["counterterrorism-detachments"] == "took effect in or before 2013"
    assert why["extremist-propaganda"] == "took effect between 2005-02-18 and 2013-12-31"


def test_range_bounds_keeps_the_notations_precision():
    from kzlaw.dates import range_bounds
    assert range_bounds("[2011-05..2011-06-04]") == ("2011-05", "2011-06-04", "")
    assert range_bounds("[..2013]") == ("", "2013", "")
    assert range_bounds("[2016-09..]?") == ("2016-09", "", "?")
    assert range_bounds("[2011-22..2011-12]") is None  # a season would read as a month
    assert range_bounds("2011-05") is None and range_bounds("[2016-09-07 | 2016-09-08]") is None


def test_an_effects_start_is_not_told_with_its_measures_id_again(capsys, monkeypatch):
    """Under 'Law "On Religious Activity ..." (applies on this day)' the next line read
    'starts: law-2011-religious-activity in force: 2011-10-25'."""
    argv = ["explain", "prohibition", "prayer-in-workplace", "--at", "2012-06-01"]
    out = answer(argv, capsys, monkeypatch, 100)
    assert "starts: in force: 2011-10-25" in out
    assert "starts: law-2011-religious-activity" not in out
    out = answer(argv + ["--ids"], capsys, monkeypatch, 100)
    assert "starts: law-2011-religious-activity in force: 2011-10-25" in out  # ids on request
    out = answer(["explain", "designation", "hizb-ut-tahrir", "--at", "2012-01-01"], capsys,
                 monkeypatch, 200)
    assert "starts: adopted (in force): 2005-03-28" in out


def test_a_measures_effect_dates_read_like_every_other_date(capsys, monkeypatch):
    """show's from column read '[2005-02-18..2013-12-31] (2005-02-18..2013-12-31)': the
    corpus's bracket notation, then the same range again."""
    out = answer(["show", "law-2005-countering-extremism"], capsys, monkeypatch, 200)
    row = next(line for line in out.splitlines() if "Extremist propaganda" in line)
    assert "2005-02-18..2013-12-31" in row and "[" not in row and row.count("2005-02-18") == 1
    from kzlaw.report import date_words
    assert date_words("[2011-05..2011-06-04] (2011-05-01..2011-06-04) \"In the summer\"") == \
        "2011-05..2011-06-04 \"In the summer\""
    assert date_words("2011-10 (2011-10-01..2011-10-31)") == "2011-10 (2011-10-01..2011-10-31)"
    assert date_words("[2011-22..2011-12] (2011-06-01..2011-12-31)") == \
        "[2011-22..2011-12] (2011-06-01..2011-12-31)"  # a season keeps its range beside it
    assert date_words(None) is None


@pytest.mark.parametrize("ident, what", [("registration-of-missionaries", "duty"),
                                         ("terrorism-related", "category"),
                                         ("forfeiture-of-property", "penalty"),
                                         ("hizb-ut-tahrir", "organization")])
def test_a_historys_heading_names_its_type_in_the_singular(ident, what, capsys, monkeypatch):
    """'History of Registration of missionaries (annual from 2011) (dutie ...)' and
    '(categorie terrorism-related)': the section's name with its s cut off."""
    out = answer(["history", ident], capsys, monkeypatch, 300)
    assert f"({what} {ident})" in out.splitlines()[0]


def test_why_a_rule_fails_names_its_premises_by_label_and_status_words(capsys, monkeypatch):
    """'fails because: designation hizb-ut-tahrir is absent; prohibition
    membership-in-banned-organization is absent': ids and the JSON's word."""
    argv = ["explain", "prohibition", "membership-in-banned-organization", "--about", "HT",
            "--at", "2004-06-01"]
    out = " ".join(answer(argv, capsys, monkeypatch, 3000).split())
    assert ("fails because: Designation: Hizb ut-Tahrir al-Islami is not in force; "
            "Prohibition: Membership in (participation in the activities of) a banned "
            "organization is not in force") in out
    assert " is absent" not in out
    data = json.loads(answer(argv + ["--format", "json"], capsys, monkeypatch))
    assert data["rules"][0]["failing"][0] == "designation hizb-ut-tahrir is absent"  # JSON: ids


CSV_COMMANDS = [["in-force", "2012-01-01"], ["diff", "2010-01-01", "2012-06-01"],
                ["timeline"], ["history", "hizb-ut-tahrir"], ["show", "law-2005-countering-extremism"],
                ["explain", "prohibition", "prayer-in-workplace", "--at", "2012-06-01"],
                ["search", "hizb"], ["check"], ["record-diff", "HEAD"]]


@pytest.mark.parametrize("argv", CSV_COMMANDS, ids=" ".join)
def test_every_csv_header_is_one_snake_case_name_as_in_the_json(argv, capsys, monkeypatch):
    """record-diff's CSV had 'by before', 'sources after' and 'old path' where the JSON says
    old_path and every other CSV writes about_label, as_written, changed_by."""
    if argv[0] == "record-diff" and not _have("HEAD"):
        pytest.skip("no git history here")
    monkeypatch.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    code = main(["--data", ".", *argv, "--format", "csv"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    header = next(csv.reader(io.StringIO(out)))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", h) for h in header), header


def test_with_ids_an_event_keeps_the_ids_it_names(capsys, monkeypatch):
    argv = ["timeline", "--from", "2011-01-01", "--to", "2011-12-31", "--ids"]
    out = answer(argv, capsys, monkeypatch, 3000)
    assert ("repeals Institution: Committee for Religious Affairs [repeals "
            "committee-2006-religious-affairs#committee-for-religious-affairs]") in out
    assert "adopted and in force [" not in out  # an event of words only is not repeated


@pytest.mark.parametrize("argv, heading", [
    (["--kind", "prohibition"], "Prohibitions in force on 2012-01-01: 29 in force, 3 uncertain"),
    (["--about", "HT", "--status", "in-force"], "In force on 2012-01-01: 1 in force, 0 uncertain, "
     "of the facts about Hizb ut-Tahrir al-Islami (in force only)"),
    (["--category", "terrorism-related"], "In force on 2012-01-01: 6 in force, 0 uncertain, of "
     "the facts in the category terrorism-related"),
    ([], "In force on 2012-01-01: 57 in force, 5 uncertain"),
])
def test_a_filtered_in_force_says_what_it_leaves_out(argv, heading, capsys, monkeypatch):
    """'kzlaw in-force 2012-01-01 --about HT' was headed 'In force on 2012-01-01: 1 in force,
    0 uncertain', as if that were the whole day."""
    out = answer(["in-force", "2012-01-01", *argv], capsys, monkeypatch, 300)
    assert out.splitlines()[0] == heading


def test_the_timeline_csv_names_the_measures_status_as_the_json_does(capsys, monkeypatch):
    """Its 'status' column held the measure's status (enacted, reported), where every other
    CSV's status is the fact's (in-force, uncertain); the JSON calls it measure_status."""
    rows = list(csv.DictReader(io.StringIO(answer(["timeline", "--format", "csv"], capsys,
                                                  monkeypatch))))
    assert "status" not in rows[0]
    assert {r["measure_status"] for r in rows} >= {"enacted", "reported"}
