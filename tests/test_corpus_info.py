"""measures/corpus.yaml (docs/corpus-format.md, "What the corpus covers"): what the corpus is
called, its jurisdiction, and the days its record covers; questions outside them carry a
warning."""

from __future__ import annotations

import datetime
import time

import pytest

import kzlaw
from builder import measure, write_corpus, write_text
from kzlaw import cache
from kzlaw.corpus import validate
from kzlaw.loader import load_raw
from kzlaw.queries import horizon_warnings

INFO = """\
title: A test corpus
jurisdiction: KZ
curated_from: 1995-01-01
curated_until: 2016-12-31
"""


def corpus(tmp_path, text=None, name="c"):
    root = write_corpus(tmp_path / name, [measure("m", "2000-01-01",
                                                  [{"id": "e", "prohibits": "a"}])])
    if text is not None:
        write_text(root, "measures/corpus.yaml", text)
    return root


def problems(root) -> list[str]:
    return [str(p) for p in validate(load_raw(root))]


def test_corpus_yaml_is_read_into_corpus_info(tmp_path):
    c = kzlaw.load(corpus(tmp_path, INFO))
    assert c.info.title == "A test corpus"
    assert c.info.jurisdiction == "KZ"
    assert c.info.curated_from == datetime.date(1995, 1, 1)
    assert c.info.curated_until == datetime.date(2016, 12, 31)
    assert "corpus" not in c.measures  # it is not a measure


def test_without_corpus_yaml_the_corpus_is_named_after_its_folder_and_has_no_horizon(tmp_path):
    c = kzlaw.load(corpus(tmp_path, None, name="my-corpus"))
    assert c.info.title == "my-corpus"
    assert (c.info.jurisdiction, c.info.curated_from, c.info.curated_until) == (None, None, None)
    assert horizon_warnings(c, ["1000-01-01", "9999-12-31"]) == []


def test_every_field_is_optional(tmp_path):
    c = kzlaw.load(corpus(tmp_path, "curated_until: 2016-12-31\n", name="only-until"))
    assert c.info.title == "only-until"
    assert c.info.curated_from is None
    assert horizon_warnings(c, ["1000-01-01"]) == []
    assert len(horizon_warnings(c, ["2017-01-01"])) == 1


def test_horizon_warnings_on_both_sides_of_both_ends(tmp_path):
    c = kzlaw.load(corpus(tmp_path, INFO))
    assert horizon_warnings(c, ["1995-01-01", "2016-12-31", "2005-06-01"]) == []
    assert horizon_warnings(c, ["1994-12-31"]) == [
        "1994-12-31 is before 1995-01-01, where the corpus's record begins: earlier measures "
        "are not recorded"]
    assert horizon_warnings(c, ["2017-01-01"]) == [
        "2017-01-01 is after 2016-12-31, the last day the corpus was curated to: later changes "
        "are not recorded"]


def test_horizon_warnings_take_ordinals_and_dates_and_say_each_once(tmp_path):
    c = kzlaw.load(corpus(tmp_path, INFO))
    late = datetime.date(2020, 5, 1)
    out = horizon_warnings(c, [late, late.toordinal(), "2020-05-01", "1990-01-01"])
    assert len(out) == 2 and out[0].startswith("2020-05-01 is after")
    assert out[1].startswith("1990-01-01 is before")


@pytest.mark.parametrize("text, expected", [
    ("title: T\ncurated_untill: 2016-12-31\n",
     "measures/corpus.yaml:2: unknown field 'curated_untill' (did you mean 'curated_until'?)"),
    ("title: T\ncurated_until: 2016-13-01\n",
     "measures/corpus.yaml:2: curated_until: '2016-13-01' is not a calendar day"),
    ("curated_from: 2016\n",
     "measures/corpus.yaml:1: curated_from: '2016' is not a day: write YYYY-MM-DD, e.g. "
     "2012-03-01"),
    ("title: [a, b]\n", "measures/corpus.yaml:1: title: expected text, found a list"),
    ("curated_from: 2001-01-01\ncurated_until: 2000-12-31\n",
     "measures/corpus.yaml:2: curated_until 2000-12-31 is before curated_from 2001-01-01"),
    ("- title\n", "measures/corpus.yaml:1: expected a mapping at the top of the file, found a "
     "list"),
])
def test_corpus_yaml_problems_name_the_file_and_line(tmp_path, text, expected):
    root = corpus(tmp_path, text)
    assert problems(root) == [expected]
    with pytest.raises(kzlaw.KzlawError):
        kzlaw.load(root)


def test_the_same_day_for_both_ends_is_a_one_day_record(tmp_path):
    c = kzlaw.load(corpus(tmp_path, "curated_from: 2000-01-01\ncurated_until: 2000-01-01\n"))
    assert horizon_warnings(c, ["2000-01-01"]) == []
    assert len(horizon_warnings(c, ["1999-12-31", "2000-01-02"])) == 2


def test_the_bundled_corpus_names_itself_and_its_horizon():
    c = kzlaw.load()
    assert c.info.title == "Kazakhstan's counterterrorism, counter-extremism and religion law"
    assert c.info.jurisdiction == "KZ"
    assert c.info.curated_from == datetime.date(1995, 1, 1)
    assert c.info.curated_until is not None and c.info.curated_until >= datetime.date(2016, 12, 31)


def test_corpus_info_comes_from_the_cache_and_follows_edits(tmp_path, monkeypatch):
    monkeypatch.setenv("KZLAW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KZLAW_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.05)
    root = corpus(tmp_path, INFO)
    time.sleep(0.1)
    kzlaw.load(root, cache=True)
    hit = kzlaw.load(root, cache=True)
    assert "_rest" in hit.__dict__  # answered from the cache
    assert hit.info.curated_until == datetime.date(2016, 12, 31)
    assert len(horizon_warnings(hit, ["2017-01-01"])) == 1
    write_text(root, "measures/corpus.yaml", INFO.replace("2016-12-31", "2020-06-30"))
    time.sleep(0.1)
    again = kzlaw.load(root, cache=True)
    assert again.info.curated_until == datetime.date(2020, 6, 30)
    assert horizon_warnings(again, ["2017-01-01"]) == []


@pytest.mark.parametrize("argv", [
    ["in-force", "{day}"], ["diff", "2000-01-01", "{day}"], ["explain", "prohibition", "a",
                                                             "--at", "{day}"]])
def test_an_answer_outside_the_record_carries_the_warning(tmp_path, capsys, argv):
    from kzlaw.cli import main
    root = corpus(tmp_path, INFO)
    for fmt in ("table", "markdown", "json"):
        assert main(["--data", root, "--no-cache"] + [a.format(day="2017-01-01") for a in argv]
                    + ["--format", fmt]) == 0
        assert "2017-01-01 is after 2016-12-31" in capsys.readouterr().out
        assert main(["--data", root, "--no-cache"] + [a.format(day="2016-12-31") for a in argv]
                    + ["--format", fmt]) == 0
        assert "is after 2016-12-31" not in capsys.readouterr().out
