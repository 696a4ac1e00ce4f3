"""A long answer cut to pages (``kzlaw.paging``): the pages of an answer, read in order, are the
whole answer; a page says what it leaves out; the command line gives the whole answer unless
asked, and the web app a page of 100 (1,000 at most) with links to the next."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import warnings

import pytest

from builder import measure, write_corpus

import kzlaw
from kzlaw import queries
from kzlaw.cli import main as cli_main

ORGS = 130  # organizations designated one by one: more facts on a day than a web page holds


def _corpus_measures() -> list[dict]:
    out = [measure(f"m{n:03d}", adopted=f"2001-{1 + n % 12:02d}-{1 + n % 28:02d}",
                   effects=[{"id": "e1", "designates": f"o{n:03d}", "as": "extremist"}])
           for n in range(ORGS)]
    # one organization switched on and off seven times: a change with many events
    switches = [{"id": f"e{k}", "designates": "o", "as": "terrorist",
                 "from": f"{2002 + 2 * k}-01-01", "until": f"{2003 + 2 * k}-01-01"}
                for k in range(6)]
    switches.append({"id": "e6", "designates": "o", "as": "terrorist", "from": "2014-01-01"})
    out.append(measure("switches", adopted="2001-06-01", effects=switches))
    return out


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    vocabulary = {"acts": {}, "organizations": {f"o{n:03d}": {"label": f"Org {n}"}
                                                 for n in range(ORGS)},
                  "institutions": {}, "powers": {}, "duties": {}, "penalties": {},
                  "categories": {}}
    vocabulary["organizations"]["o"] = {"label": "Org O"}
    return write_corpus(tmp_path_factory.mktemp("paging"), _corpus_measures(),
                        vocabulary=vocabulary)


@pytest.fixture(scope="module")
def corpus(path):
    return kzlaw.load(path, cache=False)


def cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(list(argv))
    return code, out.getvalue(), err.getvalue()


QUESTIONS = {  # name -> (the list a document holds, the question, with a page's bounds)
    "in-force": ("facts", lambda c, **p: c.in_force("2015-01-01", **p)),
    "diff": ("changes", lambda c, **p: c.diff("2000-01-01", "2015-01-01", **p)),
    "timeline": ("events", lambda c, **p: c.timeline(**p)),
}


@pytest.mark.parametrize("name", QUESTIONS)
def test_the_pages_of_an_answer_read_in_order_are_the_whole_answer(corpus, name):
    key, ask = QUESTIONS[name]
    whole = ask(corpus)
    total = len(whole[key])
    assert total > 100 and "page" not in whole
    for limit in (1, 7, 100, total - 1, total, total + 1):
        items, offset, pages = [], 0, 0
        while True:
            doc = ask(corpus, offset=offset, limit=limit)
            pages += 1
            if limit >= total:  # one page holds it all: the whole answer, as if unasked
                assert doc == whole
                items += doc[key]
                break
            p = doc["page"]
            assert (p["offset"], p["limit"], p["total"]) == (offset, limit, total)
            assert len(doc[key]) == min(limit, total - offset)
            items += doc[key]
            if p["next"] is None:
                assert offset + limit >= total
                break
            assert p["next"] == offset + limit
            offset = p["next"]
        assert items == whole[key]
        assert pages == -(-total // limit)


def test_a_page_counts_the_whole_days_facts_by_status_and_a_diffs_changes_by_group(corpus):
    day = corpus.in_force("2015-01-01")
    page = corpus.in_force("2015-01-01", offset=3, limit=5)["page"]
    statuses = [f["status"] for f in day["facts"]]
    assert page["counts"] == {"in-force": statuses.count("in-force"),
                              "uncertain": statuses.count("uncertain")}
    whole = corpus.diff("2000-01-01", "2015-01-01")["changes"]
    page = corpus.diff("2000-01-01", "2015-01-01", limit=2)["page"]
    groups = [c["group"] for c in whole]
    assert page["counts"] == {g: groups.count(g) for g in set(groups)}


def test_a_page_past_the_last_item_is_empty_and_says_so(corpus):
    total = len(corpus.timeline()["events"])
    for offset in (total, total + 50):
        doc = corpus.timeline(offset=offset, limit=10)
        assert doc["events"] == [] and doc["page"]["total"] == total
        assert doc["page"]["next"] is None
    last = corpus.timeline(offset=total - 1, limit=10)
    assert len(last["events"]) == 1 and last["page"]["next"] is None


@pytest.mark.parametrize("limit", [None, "total", "more"])
def test_an_answer_cut_at_its_start_is_a_page_however_many_it_may_hold(corpus, limit):
    whole = corpus.in_force("2015-01-01")["facts"]
    limit = {None: None, "total": len(whole), "more": len(whole) + 1}[limit]
    doc = corpus.in_force("2015-01-01", offset=5, limit=limit)
    assert doc["facts"] == whole[5:]
    assert doc["page"] == {"offset": 5, "limit": limit, "total": len(whole), "next": None,
                           "counts": doc["page"]["counts"]}


def test_a_page_of_a_diff_works_out_the_provenance_of_its_own_changes_only(corpus, monkeypatch):
    whole = corpus.diff("2000-01-01", "2015-01-01")["changes"]
    asked = []
    real = queries._provenances
    monkeypatch.setattr(queries, "_provenances",
                        lambda diff, origins: asked.append(len(origins)) or real(diff, origins))
    page = [dict(c) for c in corpus.diff("2000-01-01", "2015-01-01", offset=10,
                                          limit=4)["changes"]]
    assert asked == [4]
    assert page == [dict(c) for c in whole[10:14]]


@pytest.mark.parametrize("offset, limit, message", [
    ("x", None, "question: offset 'x' is not a whole number from 0 up"),
    ("-1", None, "question: offset '-1' is not a whole number from 0 up"),
    (None, "0", "question: limit '0' is not a whole number from 1 up"),
    (None, "2.5", "question: limit '2.5' is not a whole number from 1 up"),
    (None, "1e3", "question: limit '1e3' is not a whole number from 1 up"),
])
def test_a_page_that_is_not_a_whole_number_is_refused_in_one_line(corpus, offset, limit,
                                                                   message):
    with pytest.raises(kzlaw.KzlawError) as e:
        corpus.in_force("2015-01-01", offset=offset, limit=limit)
    assert [str(p) for p in e.value.problems] == [message]


def test_the_first_offset_and_limit_are_accepted_and_the_ones_below_refused(corpus):
    assert len(corpus.in_force("2015-01-01", offset="0", limit="1")["facts"]) == 1
    for offset, limit in (("-1", "1"), ("0", "0")):
        with pytest.raises(kzlaw.KzlawError):
            corpus.in_force("2015-01-01", offset=offset, limit=limit)


# --- the command line ------------------------------------------------------------------------

def test_the_command_line_gives_the_whole_answer_unless_asked_for_a_page(path):
    code, out, _ = cli("--data", path, "in-force", "2015-01-01", "--format", "json")
    whole = json.loads(out)
    assert code == 0 and "page" not in whole and len(whole["facts"]) > 100
    code, out, _ = cli("--data", path, "in-force", "2015-01-01", "--format", "json",
                       "--offset", "100", "--limit", "20")
    page = json.loads(out)
    assert code == 0 and page["facts"] == whole["facts"][100:120]
    assert page["page"]["next"] == 120


def test_a_page_on_the_terminal_says_which_items_it_shows_and_how_to_ask_for_the_next(path):
    total = len(json.loads(cli("--data", path, "timeline", "--format", "json")[1])["events"])
    code, out, _ = cli("--data", path, "timeline", "--offset", "10", "--limit", "5")
    assert code == 0
    assert f"Timeline: {total} dated events" in out
    assert f"Events 11-15 of {total} shown; the next page: --offset 15 --limit 5." in out
    code, out, _ = cli("--data", path, "timeline", "--offset", str(total - 2), "--limit", "5")
    assert f"Events {total - 1}-{total} of {total} shown." in out and "next page" not in out


def test_a_bad_page_on_the_command_line_is_one_line_and_exit_1_before_the_corpus_is_read():
    code, out, err = cli("--data", "/nonexistent-corpus", "diff", "2000-01-01", "2001-01-01",
                         "--limit", "none")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == ["question: limit 'none' is not a whole number from 1 up"]


def test_the_command_line_has_no_most_on_a_page(path):
    code, out, _ = cli("--data", path, "in-force", "2015-01-01", "--format", "json",
                       "--limit", "5000")
    assert code == 0 and "page" not in json.loads(out)


# --- the web app: a page of 100, 1,000 at most, with links to the next ---------------------------

try:
    warnings.filterwarnings("ignore", message=".*httpx.*")
    from starlette.testclient import TestClient
    import kzlaw.web.app as web_app
    from kzlaw.web.params import MOST_ON_A_PAGE, PAGE_SIZE
except ImportError:  # pragma: no cover - the web extra is missing: test_web.py says so
    TestClient = None

web = pytest.mark.skipif(TestClient is None and os.environ.get("KZLAW_REQUIRE_BROWSER") != "1",
                         reason="the web extra is not installed")


@pytest.fixture(scope="module")
def client(corpus):
    return TestClient(web_app.create_app(corpus))


@web
@pytest.mark.filterwarnings("ignore:.*httpx.*")
def test_the_api_answers_a_page_of_100_unless_asked_and_1000_at_most(client, corpus):
    whole = corpus.in_force("2015-01-01")["facts"]
    r = client.get("/api/in-force?date=2015-01-01")
    assert r.status_code == 200
    doc = r.json()
    assert len(doc["facts"]) == PAGE_SIZE and doc["page"]["total"] == len(whole)
    assert doc["facts"] == json.loads(json.dumps(whole[:PAGE_SIZE]))
    r = client.get(f"/api/in-force?date=2015-01-01&limit={MOST_ON_A_PAGE}")
    assert r.status_code == 200 and "page" not in r.json()
    r = client.get(f"/api/in-force?date=2015-01-01&limit={MOST_ON_A_PAGE + 1}")
    assert r.status_code == 400
    assert r.json()["errors"] == [f"question: limit '{MOST_ON_A_PAGE + 1}' is not a whole "
                                  f"number from 1 to {MOST_ON_A_PAGE:,}"]


PAGED = [
    ("/api/in-force?date=2015-01-01&offset=100&limit=20",
     ["in-force", "2015-01-01", "--offset", "100", "--limit", "20"]),
    ("/api/diff?from=2000-01-01&to=2015-01-01&offset=5&limit=3",
     ["diff", "2000-01-01", "2015-01-01", "--offset", "5", "--limit", "3"]),
    ("/api/timeline?from=2001-01-01&limit=10", ["timeline", "--from", "2001-01-01",
                                                "--limit", "10"]),
]


@web
@pytest.mark.filterwarnings("ignore:.*httpx.*")
@pytest.mark.parametrize("url, argv", PAGED, ids=[u for u, _ in PAGED])
def test_a_page_from_the_api_is_the_page_the_command_line_prints(client, path, url, argv):
    code, out, err = cli("--data", path, *argv, "--format", "json")
    assert code == 0, err
    r = client.get(url)
    assert r.status_code == 200 and r.json() == json.loads(out)


NEXT = re.compile(r'<a rel="next" href="([^"]+)"')


@web
@pytest.mark.filterwarnings("ignore:.*httpx.*")
@pytest.mark.parametrize("start, key, ask", [
    ("/at/2015-01-01", "facts", lambda c: c.in_force("2015-01-01")),
    ("/timeline", "events", lambda c: c.timeline()),
    ("/at/2015-01-01?limit=40", "facts", lambda c: c.in_force("2015-01-01")),
])
def test_following_a_pages_next_links_shows_every_item_once(client, corpus, start, key, ask):
    whole = ask(corpus)[key]
    url, seen, twins = start, 0, []
    while url:
        r = client.get(url.replace("&amp;", "&"))
        assert r.status_code == 200
        twin = re.search(r'href="(/api/(?!openapi)[^"]*)"', r.text).group(1).replace("&amp;", "&")
        doc = client.get(twin).json()
        twins += doc[key]
        seen += 1
        found = NEXT.findall(r.text)
        assert len(set(found)) <= 1
        url = found[0] if found else None
        if url:
            assert doc["page"]["next"] is not None
    assert twins == json.loads(json.dumps(whole))
    assert seen == -(-len(whole) // (40 if "limit=40" in start else PAGE_SIZE))


@web
@pytest.mark.filterwarnings("ignore:.*httpx.*")
def test_a_day_page_counts_the_whole_day_and_charts_only_its_own_facts(client, corpus):
    day = corpus.in_force("2015-01-01")["facts"]
    n_unc = sum(1 for f in day if f["status"] == "uncertain")
    r = client.get("/at/2015-01-01?offset=100")
    assert r.status_code == 200
    assert f"{len(day) - n_unc} facts in force, {n_unc} uncertain" in r.text
    assert f"Facts 101-{len(day)} of {len(day)} shown." in r.text
    assert 'rel="prev" href="/at/2015-01-01"' in r.text
    rows = re.findall(r'<g class="fact-row" data-fact="([^"]+)"', r.text)
    assert [row.split("|")[1] for row in rows] == [f["target"] for f in day[100:]]


@web
@pytest.mark.filterwarnings("ignore:.*httpx.*")
def test_a_diff_page_shows_a_changes_first_five_events_and_counts_the_rest(client, corpus):
    change = next(c for c in corpus.diff("2000-01-01", "2015-01-01")["changes"]
                  if c["target"] == "o")
    assert len(change["when"]) > 5 and len(change["by"]) > 5
    r = client.get("/diff/2000-01-01/2015-01-01?limit=1000")
    row = next(tr for tr in r.text.split("<tr")[1:] if "Org O<" in tr)
    assert f"and {len(change['when']) - 5} more (all in the JSON)" in row
    assert f"and {len(change['by']) - 5} more (all in the JSON)" in row
    assert row.count('href="/measure/switches') == 5
    when = re.search(r'data-label="When">(.*?)</td>', row, re.S).group(1)
    assert len(re.findall(r"\d{4}-\d{2}-\d{2}", when)) == 5


@web
def test_every_answer_of_the_bundled_corpus_fits_on_its_first_web_page():
    """The README's promise, on which the API's documents being the command line's rests: a
    day (every day a fact changes, and the day before), the widest diff and the timeline."""
    bundled = kzlaw.load()
    points = bundled.compiled.points
    days = sorted({d for p in points for d in (p - 1, p)})
    assert max(len(bundled.in_force(d)["facts"]) for d in days) <= PAGE_SIZE
    assert len(bundled.diff(points[0] - 1, points[-1])["changes"]) <= PAGE_SIZE
    assert len(bundled.timeline()["events"]) <= PAGE_SIZE
