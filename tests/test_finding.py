"""Finding and citing things: labels and evidence in every fact, aliases wherever an id is
asked, unknown ids refused with a suggestion, the in-force filters, search, sources, the
corpus citation and its commit."""

import datetime
import json
import os
import shutil
import subprocess
import sys

import pytest

import kzlaw
from kzlaw.cli import main

HERE = os.path.dirname(__file__)
SMALL = os.path.join(HERE, "data", "small")


@pytest.fixture(scope="module")
def corpus():
    return kzlaw.load(SMALL)


@pytest.fixture(scope="module")
def bundled():
    return kzlaw.load()


def test_every_fact_of_a_state_carries_label_evidence_and_why(corpus):
    doc = corpus.in_force("2006-03-01")
    assert doc["facts"]
    for f in doc["facts"]:
        assert f["label"] and f["title"].startswith(f["kind"].capitalize() + ": ")
        assert f["evidence"] in ("primary", "official-report", "academic", "ngo", "press")
        assert ("why" in f) == (f["status"] == "uncertain")
    ht = next(f for f in doc["facts"] if f["about"] == "hizb-ut-tahrir")
    assert ht["about_label"] == "Hizb ut-Tahrir al-Islami"


def test_evidence_is_the_strongest_kind_among_the_sources(corpus):
    names = corpus.names
    assert names.evidence(["fn2"]) == "press"
    assert names.evidence(["fn2", "fn1"]) == "primary"
    assert names.evidence([]) is None


def test_why_names_the_uncertain_date_on_both_sides_of_its_range(bundled):
    # the prison worship closures are dated only "In 2011" (2011-10-01..2011-11-12)
    key = ("prohibition", "worship-in-prisons")
    assert bundled.at("2011-09-30").status(*key) == "absent"
    f = next(f for f in bundled.in_force("2011-10-01")["facts"] if f["target"] == key[1])
    assert f["status"] == "uncertain" and "took effect in 'In 2011'" in f["why"]
    f = next(f for f in bundled.in_force("2011-11-12")["facts"] if f["target"] == key[1])
    assert f["status"] == "in-force" and "why" not in f


def test_why_says_when_the_end_is_uncertain(bundled):
    # the Agency for Religious Affairs: abolished between June and 23 September 2014
    f = next(f for f in bundled.in_force("2014-07-01", kind="institution")["facts"]
             if f["target"] == "agency-for-religious-affairs")
    assert f["status"] == "uncertain"
    assert f["why"] == "repealed between 2014-06 and 2014-09-23"  # June: no day is known
    # forfeiture (Law No. 63-V) ends on or after the 1997 Code's replacement
    f = next(f for f in bundled.in_force("2016-01-01", kind="penalty")["facts"]
             if f["target"] == "terrorism-related")
    assert f["status"] == "uncertain"
    assert f["why"] == "ended on or after 2015-01-01"


def test_an_alias_names_its_id_everywhere(bundled):
    assert bundled.history("HT")["id"] == "hizb-ut-tahrir"
    assert bundled.history("hizb-ut-tahrir")["periods"] == bundled.history("HT")["periods"]
    assert bundled.at("2006-01-01").status("designation", "HT") == "in-force"
    e = bundled.explain("prohibition", "membership-in-banned-organization", "ht",
                        at="2006-01-01")
    assert e["about"] == "hizb-ut-tahrir" and e["status"] == "in-force"
    assert bundled.in_force("2006-01-01", about="HT")["question"]["about"] == "hizb-ut-tahrir"


def test_the_python_api_refuses_unknown_ids_instead_of_answering_absent(bundled):
    state = bundled.at("2012-06-01")
    with pytest.raises(kzlaw.KzlawError, match="did you mean 'prayer-in-workplace'"):
        state.status("prohibition", "prayer-in-workplac")
    with pytest.raises(kzlaw.KzlawError, match="did you mean 'designation'"):
        state.get("organization", "hizb-ut-tahrir")
    with pytest.raises(kzlaw.KzlawError):
        bundled.day_sets("prohibition", "no-such-act")
    with pytest.raises(kzlaw.KzlawError, match="unknown measure"):
        bundled.show("no-such-law")
    # a known id that no effect establishes is simply absent
    assert state.status("prohibition", "hijab-in-schools") == "absent"


def test_day_sets_are_dates_with_none_for_an_open_end(corpus):
    certain, possible = corpus.day_sets("designation", "hizb-ut-tahrir")
    assert all(isinstance(d, datetime.date) or d is None for r in possible for d in r)
    first, last = possible[-1]
    assert isinstance(first, datetime.date)
    state_first = corpus.at(first).status("designation", "hizb-ut-tahrir")
    state_before = corpus.at(first - datetime.timedelta(days=1)).status(
        "designation", "hizb-ut-tahrir")
    assert state_first != "absent" and state_before == "absent"
    assert last is None or corpus.at(last + datetime.timedelta(days=1)).status(
        "designation", "hizb-ut-tahrir") == "absent"


@pytest.mark.parametrize("kind,meant", [("organization", "designation"),
                                        ("acts", "prohibition"), ("duty", "obligation"),
                                        ("prohibitio", "prohibition")])
def test_a_kind_in_other_words_points_to_the_fact_kind(kind, meant, capsys):
    code = main(["in-force", "2012-01-01", "--kind", kind])
    out, err = capsys.readouterr()
    assert code == 1 and not out
    assert f"did you mean '{meant}'" in err


def test_an_id_of_another_namespace_says_what_it_is(bundled):
    with pytest.raises(kzlaw.KzlawError, match="is an organization, not an id"):
        bundled.explain("prohibition", "hizb-ut-tahrir", at="2012-01-01")


def test_in_force_filters(bundled):
    day = "2012-01-01"
    every = bundled.in_force(day)["facts"]
    unc = bundled.in_force(day, status="uncertain")["facts"]
    sure = bundled.in_force(day, status="in-force")["facts"]
    assert unc and sure and len(unc) + len(sure) == len(every)
    assert {f["status"] for f in unc} == {"uncertain"}
    terror = bundled.in_force(day, category="terrorism-related")["facts"]
    members = {i for i, e in bundled.vocabulary["acts"].items()
               if "terrorism-related" in e.categories}
    assert terror and {f["target"] for f in terror} <= members
    assert len(terror) == len([f for f in every if f["target"] in members])
    about = bundled.in_force("2006-01-01", about="hizb-ut-tahrir")["facts"]
    assert about and {f["about"] for f in about} == {"hizb-ut-tahrir"}
    with pytest.raises(kzlaw.KzlawError, match="unknown status"):
        bundled.in_force(day, status="maybe")
    with pytest.raises(kzlaw.KzlawError, match="did you mean 'terrorism-related'"):
        bundled.in_force(day, category="terrorism-relatd")


def test_search_finds_labels_aliases_titles_numbers_and_citations(bundled):
    found = bundled.search("HT")
    assert [o["id"] for o in found["organizations"]] == ["hizb-ut-tahrir"]
    found = bundled.search(["483-IV"])
    assert [m["id"] for m in found["measures"]] == ["law-2011-religious-activity"]
    found = bundled.search("prayer workplace")  # every word must occur
    assert ("prohibition", "prayer-in-workplace") in {(f["kind"], f["target"])
                                                     for f in found["facts"]}
    assert any(m["id"] == "law-2011-religious-activity" for m in found["measures"])
    assert bundled.search("prayer zzzz-nothing")["measures"] == []
    found = bundled.search("washington times")
    assert "almanac-fn51" in [s["id"] for s in found["sources"]]
    with pytest.raises(kzlaw.KzlawError, match="at least one word"):
        bundled.search("   ")


def test_search_finds_a_measure_by_its_title_in_another_language(bundled):
    # the Russian title of the 1999 law, with its 'й' (which folds to 'и' for matching)
    found = bundled.search("противодействии терроризму")
    assert [m["id"] for m in found["measures"]] == ["law-1999-countering-terrorism"]
    assert "titles" in found["measures"][0]["matched"]
    assert found["question"]["words"] == ["противодействии", "терроризму"]  # as asked
    found = bundled.search("Қылмыстық")  # the Kazakh title of the 1997 Code
    assert [m["id"] for m in found["measures"]] == ["criminal-code-1997"]
    assert bundled.search("противодействии zzzz-nothing")["measures"] == []


def test_source_lists_what_cites_it_with_quotes(bundled):
    s = bundled.source("almanac-fn51")
    assert s["kind"] == "press" and s["url"].startswith("http")
    by = {c["by"]: c for c in s["cited_by"]}
    assert by["law-2011-religious-activity#prayer-in-workplace"]["quote"] == \
        "imposing a ban on prayer in the workplace"
    assert by["law-2011-religious-activity#prayer-in-workplace"]["fact"]["target"] == \
        "prayer-in-workplace"
    with pytest.raises(kzlaw.KzlawError, match="did you mean 'almanac-fn51'"):
        bundled.source("almanac-fn51x")


def test_every_json_document_names_the_corpus_and_the_question(capsys):
    for argv in (["in-force", "2012-01-01"], ["diff", "2010-01-01", "2012-01-01"],
                 ["timeline", "--from", "2011-01-01"], ["history", "HT"],
                 ["explain", "power", "designate-extremist-organizations", "--at", "2012-01-01"],
                 ["show", "law-2011-religious-activity"], ["search", "hizb"],
                 ["source", "almanac"]):
        assert main(argv + ["--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert set(data["corpus"]) == {"title", "jurisdiction", "curated_from",
                                       "curated_until", "commit"}
        assert isinstance(data["warnings"], list)
        assert data["question"]["command"] == argv[0]


def test_the_commit_is_that_of_the_checkout_and_marked_dirty(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("no git")
    root = tmp_path / "c"
    shutil.copytree(SMALL, root)
    assert kzlaw.load(str(root)).commit is None  # not a checkout
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "corpus"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env)
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    c = kzlaw.load(str(root))
    assert c.commit == head and c.citation()["commit"] == head
    (root / "measures" / "vocabulary.yaml").write_text(
        (root / "measures" / "vocabulary.yaml").read_text() + "\n")
    assert kzlaw.load(str(root)).commit == head + "-dirty"
    c.commit = "abc"  # a corpus read at a revision says which
    assert c.citation()["commit"] == "abc"


def test_search_and_source_commands(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["search", "HT"]) == 0
    assert "hizb-ut-tahrir" in capsys.readouterr().out
    assert main(["source", "almanac-fn51"]) == 0
    out = capsys.readouterr().out
    assert "washingtontimes.com" in out and "law-2011-religious-activity" in out
    assert main(["source", "nope-nope"]) == 1
    assert "unknown source 'nope-nope'" in capsys.readouterr().err


def test_history_ht_on_the_command_line():
    r = subprocess.run([sys.executable, "-m", "kzlaw", "history", "HT", "--format", "json"],
                       capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, KZLAW_NO_CACHE="1"))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["id"] == "hizb-ut-tahrir"
