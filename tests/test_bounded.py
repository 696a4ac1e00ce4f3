"""Issue 11, item 5: bounded work on any corpus.

Each case is a corpus from ``tests/scale_cases.py`` that once asked for quadratic, exponential
or unbounded work. The tests count work (facts tried by joins, holdings visited, nodes of a
document, lines of output), never time, and check that where a corpus still asks for too much
it is stopped with a located message naming the rule or measure and the limit
(docs/limits.md), on both sides of the limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import kzlaw
import scale_cases
from kzlaw import engine, rules
from kzlaw.problems import KzlawError


def _load(tmp_path, case, n, **kw):
    return kzlaw.load(getattr(scale_cases, case)(tmp_path / f"{case}-{n}", n, **kw))


def _steps(fn) -> int:
    before = rules.COUNTERS["join_steps"]
    fn()
    return rules.COUNTERS["join_steps"] - before


# --- rules: join order and the match limit ---------------------------------------------------

def test_join_follows_shared_variables_so_its_work_does_not_grow_with_unrelated_facts(tmp_path):
    # 4 organizations and 4 acts are in category c, whatever N: the rule has 16 matches. A
    # fixed join order tried every organization with every act (N**2 facts) first.
    small = _steps(lambda: _load(tmp_path, "join", 40))
    big = _steps(lambda: _load(tmp_path, "join", 160))
    assert small == big
    assert big < 160 * 4
    corpus = _load(tmp_path, "join", 50)
    derived = [k for k in corpus.derivations if k[0] == "prohibition" and k[2]]
    assert len(derived) == 16


def test_a_rule_with_more_matches_than_the_limit_stops_with_its_file_and_the_limit(
        tmp_path, monkeypatch):
    root = scale_cases.cross(tmp_path / "cross", 6)  # 6**4 = 1296 matches
    monkeypatch.setenv("KZLAW_MAX_MATCHES", "1296")
    corpus = kzlaw.load(root)
    assert sum(len(v) for v in corpus.derivations.values()) == 1296
    monkeypatch.setenv("KZLAW_MAX_MATCHES", "1295")
    with pytest.raises(KzlawError) as e:
        kzlaw.load(root)
    assert str(e.value) == ("rules/cross.yaml:1: rule 'cross' has more than 1295 matches "
                            "(combinations of facts), the limit: set KZLAW_MAX_MATCHES to "
                            "raise it")


def test_a_join_that_tries_more_facts_than_the_limit_stops(tmp_path, monkeypatch):
    root = scale_cases.cross(tmp_path / "cross", 5)
    steps = _steps(lambda: kzlaw.load(root))
    monkeypatch.setenv("KZLAW_MAX_JOIN_STEPS", str(steps))
    kzlaw.load(root)
    monkeypatch.setenv("KZLAW_MAX_JOIN_STEPS", str(steps - 1))
    with pytest.raises(KzlawError, match=r"^rules/cross.yaml:1: rule 'cross' needs more than "
                       rf"{steps - 1} join steps .*set KZLAW_MAX_JOIN_STEPS to raise it$"):
        kzlaw.load(root)


def test_a_ring_of_rules_revisits_only_the_rules_a_changed_fact_can_match(tmp_path,
                                                                          monkeypatch):
    calls = []
    real = rules._bind
    monkeypatch.setattr(rules, "_bind", lambda *a: calls.append(1) or real(*a))
    corpus = _load(tmp_path, "rules", 300)
    assert all(corpus.day_sets("power", f"p-{i}")[1] for i in range(300))
    # once per rule to join, once per rule to seed it from the fact that changed: not once
    # per rule per round (300 rounds)
    assert len(calls) <= 4 * 300


# --- integrity rules: output collapsed with a count ------------------------------------------

def _integrity_lines(corpus):
    return [str(p) for p in corpus.warnings() if p.path == "rules/triples.yaml"]


def test_an_integrity_rule_shows_its_first_matches_and_counts_the_rest(tmp_path, monkeypatch):
    corpus = _load(tmp_path, "integrity", 10)  # 1000 matches
    lines = _integrity_lines(corpus)
    assert len(lines) == 21
    assert lines[-1] == ("rules/triples.yaml:1: warning: Three designations at once: 980 more "
                         "matches not shown (1000 in all; set KZLAW_MAX_WARNINGS to show more)")
    monkeypatch.setenv("KZLAW_MAX_WARNINGS", "1000")
    assert len(_integrity_lines(corpus)) == 1000
    monkeypatch.setenv("KZLAW_MAX_WARNINGS", "999")
    lines = _integrity_lines(corpus)
    assert len(lines) == 1000 and "1 more matches not shown (1000 in all" in lines[-1]


def test_an_integrity_rule_over_the_match_limit_is_cut_short_not_an_error(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("KZLAW_MAX_MATCHES", "100")
    corpus = _load(tmp_path, "integrity", 10)
    lines = _integrity_lines(corpus)
    assert len(lines) == 21
    assert "100 matches found, 80 of them not shown, and the search stopped: rule 'triples' " \
        "has more than 100 matches" in lines[-1]


# --- explain: each fact once -------------------------------------------------------------

def _nodes(doc) -> int:
    if isinstance(doc, dict):
        return 1 + sum(_nodes(v) for v in doc.values())
    if isinstance(doc, list):
        return sum(_nodes(v) for v in doc)
    return 0


def _explained(doc, out):
    """target -> how many times the document explains it in full (with its effects)."""
    if isinstance(doc, dict):
        if "effects" in doc and "target" in doc:
            out[doc["target"]] = out.get(doc["target"], 0) + 1
        for v in doc.values():
            _explained(v, out)
    elif isinstance(doc, list):
        for v in doc:
            _explained(v, out)
    return out


def test_explain_of_stacked_rules_explains_each_fact_once(tmp_path):
    # 5 layers, 4 derivations each: 4**5 = 1024 paths to the base power
    corpus = _load(tmp_path, "stacked", 5, width=4)
    doc = corpus.explain("power", "layer-5", at="2012-01-01")
    text = json.dumps(doc)
    assert "in-force" in text
    assert text.count('"explained": "above"') == 5 * 3  # each layer's 2nd to 4th premise
    assert _explained(doc, {}) == {f"layer-{k}": 1 for k in range(6)}
    assert _nodes(doc) < 3000  # was over 40,000 (and 6 layers of 10: millions)


# --- the engine: amendment chains and repeals ------------------------------------------------

def test_an_amendment_chain_visits_each_holding_on_few_stretches(tmp_path, monkeypatch):
    visited = []
    real = engine._covered
    monkeypatch.setattr(engine, "_covered", lambda hs, d: visited.append(len(hs)) or real(hs, d))
    corpus = _load(tmp_path, "chain", 400)
    assert corpus.at("2002-06-01").status("prohibition", "membership") == "in-force"
    assert sum(visited) <= 4 * 400  # was 400 holdings on each of 800 stretches


def test_repeals_of_a_whole_measure_share_one_list_of_causes(tmp_path):
    corpus = _load(tmp_path, "repeals", 300)
    causes = {id(h.end_causes) for h in corpus.holdings}
    assert len(causes) == 1 and len(corpus.holdings[0].end_causes) == 300
    assert corpus.at("2001-06-01").status("prohibition", "act-7") == "in-force"
    assert corpus.at("2002-02-01").status("prohibition", "act-7") == "absent"


def test_more_end_causes_than_the_limit_stop_at_the_measure(tmp_path, monkeypatch):
    root = scale_cases.repeals(tmp_path / "repeals", 40)  # 40 effects ended by 40 repeals
    monkeypatch.setenv("KZLAW_MAX_END_CAUSES", "1600")
    kzlaw.load(root)
    monkeypatch.setenv("KZLAW_MAX_END_CAUSES", "1599")
    with pytest.raises(KzlawError) as e:
        kzlaw.load(root)
    assert str(e.value) == ("measures/2000/law-a.yaml:1: measure 'law-a' has 1600 end causes, "
                            "and the corpus more than 1599, the limit of end causes in the "
                            "corpus (each repeal, replacement, amendment, expiry or until that "
                            "ends an effect): set KZLAW_MAX_END_CAUSES to raise it")


def test_a_timeline_row_listing_every_fact_does_not_widen_every_row(tmp_path):
    from kzlaw import report
    n = 1500
    corpus = _load(tmp_path, "repeals_each", n)
    doc = corpus.timeline()
    text = report.render_timeline(doc, "markdown")
    longest = max(len(", ".join(f["title"] for f in r["ends"])) for r in doc["events"])
    assert longest > 20 * n  # one row ends every prohibition
    assert len(text) < 4 * longest + 200 * n  # not n rows as wide as that one (45 MB)
    table = report.render_timeline(doc, "table")
    assert f"(+{n - report.MAX_LISTED} more)" in table and len(table) < 200 * n


# --- the limits themselves -------------------------------------------------------------------

@pytest.mark.parametrize("value", ["abc", "0", "-5", "1e9", "nan", " "])
def test_a_limit_that_is_not_a_whole_number_is_refused_in_one_line(tmp_path, value):
    root = scale_cases.cross(tmp_path / "cross", 2)
    env = dict(os.environ, KZLAW_MAX_MATCHES=value)
    r = subprocess.run([sys.executable, "-m", "kzlaw", "--no-cache", "--data", root, "check"],
                       capture_output=True, text=True, env=env)
    if value == " ":  # blank is unset
        assert r.returncode == 0, r.stderr
        return
    assert r.returncode == 1
    assert r.stderr == (f"KZLAW_MAX_MATCHES: expected a whole number of at least 1, found "
                        f"{value.strip()!r}\n")
    assert r.stdout == ""


# --- "did you mean": an index, not a pass over every id per unknown id -----------------------

def _difflib_suggestion(value, choices):
    import difflib
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def test_suggestions_from_a_large_vocabulary_are_difflibs_and_compare_few_ids():
    from kzlaw import problems
    vocabulary = [f"organization-number-{i}" for i in range(12000)]
    problems.suggest("warm-up", vocabulary)  # builds the index once
    before = problems.RATIOS["computed"]
    for i in range(0, 12000, 600):
        wrong = f"organisation-number-{i}"
        assert problems.suggest(wrong, vocabulary) == \
            f" (did you mean {_difflib_suggestion(wrong, vocabulary)!r}?)"
    assert problems.RATIOS["computed"] - before <= 20 * 20  # was 12,000 an unknown id


def test_suggestions_agree_with_difflib_on_random_vocabularies():
    import random
    from kzlaw import problems
    rng = random.Random(11)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-"
    for _ in range(8):
        letters = alphabet[:rng.randint(3, len(alphabet))]
        vocabulary = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(1, 25)))
                             for _ in range(rng.randint(problems.INDEX_FROM, 900))})
        for _ in range(30):
            word = list(rng.choice(vocabulary))
            for _ in range(rng.randint(0, 4)):
                i = rng.randrange(len(word) + 1)
                if rng.random() < 0.5:
                    word.insert(i, rng.choice(letters))
                elif len(word) > 1:
                    word.pop(min(i, len(word) - 1))
            word = "".join(word)
            expected = _difflib_suggestion(word, vocabulary)
            got = problems.suggest(word, vocabulary)
            if expected is not None:
                assert got == f" (did you mean {expected!r}?)", word
            else:
                assert "did you mean" not in got or word in got, word


# --- reports: the work shared across the set -------------------------------------------------

def test_the_reports_build_the_timeline_once_for_every_history(tmp_path, monkeypatch):
    from kzlaw import queries, reports
    corpus = kzlaw.load(scale_cases.integrity(tmp_path / "orgs", 12))  # 12 designations
    calls = []
    real = queries._event_facts
    monkeypatch.setattr(queries, "_event_facts", lambda c: calls.append(1) or real(c))
    files = reports.generate(corpus)
    assert len([n for n in files if n.startswith("history-org-")]) == 12  # and the acts
    assert len(calls) == 1  # was once for the timeline and once more for each history
    # and each history lists exactly its organization's events
    events = corpus.timeline()["events"]
    for org in ("org-0", "org-11"):
        mine = [e for e in events if any(org in (f["target"], f["about"])
                                         for f in e["starts"] + e["ends"])]
        assert corpus.history(org)["events"] == mine


def test_overlapping_uncertain_holdings_of_one_fact_cost_in_proportion_to_their_number(
        tmp_path, monkeypatch):
    # N measures prohibit the same act from overlapping uncertain days, all repealed by one
    # measure: no holding is ever certain alone. The exact "certain" check and the "why
    # uncertain" phrase each tried every holding on every one of the 2N stretches.
    from kzlaw import daysets
    n = 300
    calls = []
    real = daysets.contains
    monkeypatch.setattr(daysets, "contains", lambda a, d: calls.append(1) or real(a, d))
    visited = []
    covered = engine._covered
    monkeypatch.setattr(engine, "_covered",
                        lambda hs, d: visited.append(len(hs)) or covered(hs, d))
    corpus = _load(tmp_path, "overlapping", n)
    assert corpus.at("2011-01-01").status("prohibition", "membership") == "uncertain"
    assert corpus.at("2013-01-01").status("prohibition", "membership") == "absent"
    assert len(calls) <= 20 * n  # was 2 * n * 2n
    fact = corpus.in_force("2005-01-01")["facts"][0]
    assert fact["why"] == ("took effect between 2001-01-01 and 2012-06; "
                           "took effect between 2001-01-02 and 2012-06")  # m-0 and m-1
