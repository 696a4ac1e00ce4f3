"""``status: reported`` (docs/semantics.md section 7): a measure whose very existence is
uncertain. A world chooses whether it exists; where it does not, none of its effects takes
place. Both sides of every boundary, and the brute-force reference on each corpus."""

from __future__ import annotations

import json

import pytest

import kzlaw
import reference
from builder import measure, write_corpus
from kzlaw.cli import main
from kzlaw.corpus import validate
from kzlaw.loader import load_raw

P = ("prohibition", "a")


def reported(ident, adopted, effects, **kw):
    return measure(ident, adopted, effects, status="reported", **kw)


def load(tmp_path, *measures, rules=()):
    return kzlaw.load(write_corpus(tmp_path, measures, rules))


def status(corpus, day, key=P):
    return corpus.at(day).status(*key)


def agrees_with_reference(corpus, measures, rules=()):
    """The engine's statuses equal the brute force's on every day of the window."""
    spec = {"vocabulary": {}, "measures": list(measures), "rules": list(rules)}
    ref = reference.evaluate(spec)
    for day in ref.days:
        engine = {f.key: f.status for f in corpus.at(day)}
        assert engine == ref.statuses(day), day
    return ref


def test_a_reported_measure_is_never_more_than_uncertain(tmp_path):
    ms = [reported("v", "2011-10-01", [{"id": "e", "prohibits": "a"}])]
    c = load(tmp_path, *ms)
    assert status(c, "2011-09-30") == "absent"
    assert status(c, "2011-10-01") == "uncertain"
    assert status(c, "2030-01-01") == "uncertain"
    assert not c.day_sets(*P, None)[0]  # certain nowhere
    agrees_with_reference(c, ms)


def test_a_reported_repeal_only_makes_its_target_uncertain(tmp_path):
    ms = [measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}]),
          reported("r", "2005-01-01", [{"id": "x", "repeals": "m"}])]
    c = load(tmp_path, *ms)
    assert status(c, "2004-12-31") == "in-force"
    assert status(c, "2005-01-01") == "uncertain"  # not absent: the repeal may not exist
    assert status(c, "2030-01-01") == "uncertain"
    agrees_with_reference(c, ms)


def test_an_enacted_repeal_of_a_reported_measure_ends_it(tmp_path):
    ms = [reported("v", "2000-01-01", [{"id": "e", "prohibits": "a"}]),
          measure("r", "2005-01-01", [{"id": "x", "repeals": "v"}])]
    c = load(tmp_path, *ms)
    assert status(c, "2004-12-31") == "uncertain"
    assert status(c, "2005-01-01") == "absent"
    agrees_with_reference(c, ms)


def test_a_reported_replacement_that_restates_the_fact_keeps_it_in_force(tmp_path):
    # in every world the prohibition holds: the old law where the report is false, the
    # reported one from the day it replaces the old law where it is true
    ms = [measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}]),
          reported("r", "[2005-01-01..2005-01-10]", [{"id": "x", "replaces": "m"},
                                                      {"id": "y", "prohibits": "a"}])]
    c = load(tmp_path, *ms)
    assert status(c, "2004-12-31") == "in-force"
    assert status(c, "2005-01-05") == "in-force"
    assert status(c, "2005-01-10") == "in-force"
    agrees_with_reference(c, ms)


def test_a_reported_amendment_establishes_an_uncertain_fact(tmp_path):
    ms = [measure("m", "2000-01-01", [{"id": "e", "prohibits": "a", "liability": "criminal"}]),
          reported("r", "2005-01-01", [{"id": "x", "amends": "m#e",
                                        "with": {"prohibits": "b"}}])]
    c = load(tmp_path, *ms)
    assert status(c, "2004-12-31") == "in-force"
    assert status(c, "2004-12-31", ("prohibition", "b")) == "absent"
    assert status(c, "2005-01-01") == "uncertain"
    assert status(c, "2005-01-01", ("prohibition", "b")) == "uncertain"
    agrees_with_reference(c, ms)


def test_a_reported_amendment_of_an_attribute_keeps_the_fact_with_both_values(tmp_path):
    ms = [measure("m", "2000-01-01", [{"id": "e", "prohibits": "a", "liability": "criminal"}]),
          reported("r", "2005-01-01", [{"id": "x", "amends": "m#e",
                                        "with": {"prohibits": "a",
                                                 "liability": "administrative"}}])]
    c = load(tmp_path, *ms)
    after = c.at("2005-01-01").get(*P)
    assert after.status == "in-force"
    assert after.attributes == {"liability": ("administrative", "criminal")}
    assert c.at("2004-12-31").get(*P).attributes == {"liability": "criminal"}
    agrees_with_reference(c, ms)


def test_two_effects_of_one_reported_measure_exist_together(tmp_path):
    # the same existence choice for both: a and b are each uncertain, never certain together
    ms = [reported("v", "2001-01-01", [{"id": "e", "prohibits": "a"},
                                       {"id": "g", "prohibits": "b", "until": "2001-06-01"}]),
          reported("w", "2001-03-01", [{"id": "x", "repeals": "v#e"}])]
    c = load(tmp_path, *ms)
    assert status(c, "2000-12-31") == "absent"
    assert status(c, "2001-03-01") == "uncertain"
    assert status(c, "2001-06-01", ("prohibition", "b")) == "absent"
    assert status(c, "2001-05-31", ("prohibition", "b")) == "uncertain"
    agrees_with_reference(c, ms)


def test_a_rule_premise_held_only_by_a_reported_measure_is_uncertain(tmp_path):
    rule = {"id": "r", "description": "membership", "sources": [{"ref": "s1"}],
            "when": [{"designation": "?org"}, {"prohibition": "membership"}],
            "then": {"prohibition": "membership", "about": "?org"}}
    ms = [measure("m", "2000-01-01", [{"id": "e", "prohibits": "membership"},
                                      {"id": "g", "designates": "q"}]),
          reported("v", "2001-01-01", [{"id": "d", "designates": "o"}])]
    c = load(tmp_path, *ms, rules=[rule])
    key = ("prohibition", "membership", "o")
    assert status(c, "2000-12-31", key) == "absent"
    assert status(c, "2001-01-01", key) == "uncertain"
    assert status(c, "2001-01-01", ("prohibition", "membership", "q")) == "in-force"


def test_reported_events_are_marked_in_the_timeline_history_show_and_explain(tmp_path, capsys):
    ms = [measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}]),
          reported("r", "2005-01-01", [{"id": "x", "repeals": "m"},
                                       {"id": "y", "prohibits": "b"}])]
    root = write_corpus(tmp_path, ms)
    assert main(["--data", root, "--no-cache", "timeline", "--format", "json"]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    marked = {e["event"] for e in events if e["measure"] == "r"}
    assert marked == {"reported: adopted and in force", "reported: repeals m"}
    assert all(not e["event"].startswith("reported") for e in events if e["measure"] == "m")
    assert main(["--data", root, "--no-cache", "history", "b", "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [e["event"] for e in history["events"]] == ["reported: adopted and in force"]
    assert {p["status"] for p in history["periods"]} == {"uncertain"}
    assert main(["--data", root, "--no-cache", "show", "r", "--at", "2006-01-01"]) == 0
    out = capsys.readouterr().out
    assert "reported" in out and "may apply" in out
    assert main(["--data", root, "--no-cache", "explain", "prohibition", "b", "--at",
                 "2006-01-01"]) == 0
    out = capsys.readouterr().out
    assert "uncertain" in out and "(reported)" in out


def test_a_reported_measure_needs_a_date_and_may_be_changed(tmp_path):
    ms = [reported("v", None, [{"id": "e", "prohibits": "a"}])]
    root = write_corpus(tmp_path / "a", ms)
    [p] = [str(x) for x in validate(load_raw(root))]
    assert "a reported measure needs dates.adopted" in p
    ms = [reported("v", "2000-01-01", [{"id": "e", "prohibits": "a"}], in_force="2000-02-01"),
          measure("r", "2005-01-01", [{"id": "x", "amends": "v#e", "with": {"prohibits": "b"}}])]
    c = kzlaw.load(write_corpus(tmp_path / "b", ms))
    assert status(c, "2000-01-31") == "absent"
    assert status(c, "2000-02-01") == "uncertain"
    assert status(c, "2005-01-01") == "absent"
    assert status(c, "2005-01-01", ("prohibition", "b")) == "in-force"  # the amendment is enacted


def test_the_property_suite_generates_reported_measures_and_rejected_alternatives():
    """The generators the property suite checks the engine with do produce what this page is
    about (else the suite, and the mutation check, would pass without looking at them)."""
    from hypothesis import Phase, find, settings
    import strategies as S

    def reported_change(spec):
        ids = {m["id"] for m in spec["measures"] if m["status"] == "reported"}
        return any(m["id"] in ids and any(k in e for e in m["effects"]
                                          for k in ("repeals", "replaces", "amends"))
                   for m in spec["measures"])

    def rejected(spec):
        return any(isinstance(d, list) and any(isinstance(a, dict) and a.get("rejected")
                                               for a in d)
                   for m in spec["measures"] for d in m["dates"].values())

    quick = settings(max_examples=2000, database=None, phases=[Phase.generate])  # no shrinking
    for wanted in (reported_change, rejected):
        spec = find(S.tiny_specs(rules=False), wanted, settings=quick)
        assert reference.count_worlds(spec) <= 50_000
        reference.evaluate(spec)  # and the reference can enumerate it
