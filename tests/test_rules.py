"""semantics.md section 8: the rule language, its static checks and its evaluation over day sets."""

import subprocess
import sys

import pytest

import kzlaw
from builder import measure, write_corpus

MEMBERSHIP = {"id": "membership", "sources": [{"ref": "s1"}],
              "when": [{"designation": "?org"}, {"prohibition": "membership"}],
              "then": {"prohibition": "membership", "about": "?org"}}
FORFEITURE = {"id": "forfeiture",
              "when": [{"penalty": "c", "about": "?p"}, {"category": "c", "about": "?act"},
                       {"prohibition": "?act"}],
              "then": {"penalty": "?act", "about": "?p"}}


def load(tmp_path, measures, rules):
    return kzlaw.load(write_corpus(tmp_path, measures, rules))


def test_derived_fact_needs_every_premise_on_the_day(tmp_path):
    c = load(tmp_path, [
        measure("ban", "2005-03-28", [{"id": "o", "designates": "o", "as": "extremist"}]),
        measure("law", "2005-02-18", [{"id": "m", "prohibits": "membership",
                                       "liability": "criminal"}]),
        measure("unban", "2010-06-01", [{"id": "r", "repeals": "ban"}]),
    ], [MEMBERSHIP])
    key = ("prohibition", "membership", "o")
    assert c.at("2005-03-27").status(*key) == "absent"
    assert c.at("2005-03-28").status(*key) == "in-force"
    assert c.at("2010-05-31").status(*key) == "in-force"
    assert c.at("2010-06-01").status(*key) == "absent"
    f = c.at("2006-01-01").get(*key)
    assert f.by == ("rule:membership",)
    assert f.sources == ("s1",)


def test_derived_fact_is_uncertain_where_a_premise_is(tmp_path):
    c = load(tmp_path, [
        measure("ban", "2005-03", [{"id": "o", "designates": "o"}]),
        measure("law", "2000-01-01", [{"id": "m", "prohibits": "membership"}]),
    ], [MEMBERSHIP])
    key = ("prohibition", "membership", "o")
    assert c.at("2005-02-28").status(*key) == "absent"
    assert c.at("2005-03-01").status(*key) == "uncertain"
    assert c.at("2005-03-30").status(*key) == "uncertain"
    assert c.at("2005-03-31").status(*key) == "in-force"


def test_category_rule_attaches_penalty_to_each_prohibited_act(tmp_path):
    c = load(tmp_path, [
        measure("code", "2000-01-01", [{"id": "a", "prohibits": "a"}, {"id": "x", "prohibits": "x"}]),
        measure("amend", "2013-01-08", [{"id": "f", "penalizes": "c", "penalty": "f"}]),
    ], [FORFEITURE])
    assert c.at("2013-01-08").status("penalty", "a", "f") == "in-force"
    assert c.at("2013-01-07").status("penalty", "a", "f") == "absent"
    # b is in the category but not prohibited; x is prohibited but not in the category
    assert c.at("2014-01-01").status("penalty", "b", "f") == "absent"
    assert c.at("2014-01-01").status("penalty", "x", "f") == "absent"
    # category facts are not listed by in-force
    assert not [f for f in c.at("2014-01-01") if f.kind == "category"]


def test_negation_subtracts_possible_from_certain_and_certain_from_possible(tmp_path):
    rule = {"id": "unchecked", "when": [{"designation": "?org"}, {"not": {"power": "p"}}],
            "then": {"prohibition": "x", "about": "?org"}}
    c = load(tmp_path, [
        measure("ban", "2004-10-15", [{"id": "o", "designates": "o"}]),
        measure("power", "2005-02", [{"id": "p", "empowers": "p"}]),
    ], [rule])
    key = ("prohibition", "x", "o")
    assert c.at("2004-10-14").status(*key) == "absent"
    assert c.at("2004-10-15").status(*key) == "in-force"
    assert c.at("2005-01-31").status(*key) == "in-force"
    assert c.at("2005-02-01").status(*key) == "uncertain"
    assert c.at("2005-02-27").status(*key) == "uncertain"
    assert c.at("2005-02-28").status(*key) == "absent"


def test_rules_chain_through_derived_facts(tmp_path):
    helper = {"id": "any-power", "when": [{"category": "c", "about": "?a"}, {"prohibition": "?a"}],
              "then": {"power": "p"}}
    uses = {"id": "uses", "when": [{"power": "p"}, {"designation": "?o"}],
            "then": {"obligation": "d", "about": "?o"}}
    c = load(tmp_path, [
        measure("m", "2001-01-01", [{"id": "a", "prohibits": "a"}]),
        measure("n", "2002-01-01", [{"id": "o", "designates": "o"}]),
    ], [uses, helper])
    assert c.at("2002-01-01").status("obligation", "d", "o") == "in-force"
    assert c.at("2001-12-31").status("obligation", "d", "o") == "absent"
    assert c.at("2001-06-01").get("power", "p").by == ("rule:any-power",)


def test_integrity_rule_reports_certain_and_possible_ranges(tmp_path):
    check = {"id": "designation-without-power", "when": [{"designation": "?org"},
                                                          {"not": {"power": "p"}}],
             "check": "designated without a power"}
    c = load(tmp_path, [
        measure("ban", "2004-10-15", [{"id": "o", "designates": "o"}]),
        measure("power", "2005-02", [{"id": "p", "empowers": "p"}]),
    ], [check])
    [w] = c.warnings()
    assert w.severity == "warning"
    assert "?org=o" in w.message
    assert "certainly on 2004-10-15..2005-01-31" in w.message
    assert "possibly on 2005-02-01..2005-02-27" in w.message


def test_explain_names_the_failing_premise_and_when_it_holds(tmp_path):
    c = load(tmp_path, [
        measure("ban", "2005-03-28", [{"id": "o", "designates": "o"}]),
        measure("law", "2005-02-18", [{"id": "m", "prohibits": "membership"}]),
    ], [MEMBERSHIP])
    e = c.explain("prohibition", "membership", "o", at="2004-06-01")
    assert e["status"] == "absent"
    [r] = e["rules"]
    assert "designation o is absent" in r["failing"]
    designation = next(p for p in r["premises"] if p["kind"] == "designation")
    assert designation["nearest"]["next-in-force"]["from"] == "2005-03-28"
    e = c.explain("prohibition", "membership", "o", at="2006-01-01")
    assert e["status"] == "in-force"
    assert e["rules"][0]["applies"] == "applies"
    # the tree reaches the measures and their quoted sources
    prem = e["rules"][0]["premises"][0]
    assert prem["effects"][0]["by"] == "ban#o"
    assert prem["effects"][0]["sources"][0]["quote"] == "words"


def test_explain_a_fact_no_derivation_produces(tmp_path):
    c = load(tmp_path, [measure("law", "2005-02-18", [{"id": "m", "prohibits": "membership"}])],
             [MEMBERSHIP])
    e = c.explain("prohibition", "membership", "q", at="2006-01-01")
    [r] = e["rules"]
    assert r["failing"] == ["designation q is absent"]


def test_result_does_not_depend_on_rule_or_pattern_order(tmp_path):
    ms = [measure("code", "2000-01", [{"id": "a", "prohibits": "a"}, {"id": "b", "prohibits": "b"}]),
          measure("amend", "2013", [{"id": "f", "penalizes": "c", "penalty": "f"}]),
          measure("ban", "2005-03", [{"id": "o", "designates": "o"}]),
          measure("law", "2005", [{"id": "m", "prohibits": "membership"}])]
    a = load(tmp_path / "a", ms, [MEMBERSHIP, FORFEITURE])
    reordered = dict(FORFEITURE, when=list(reversed(FORFEITURE["when"])))
    b = load(tmp_path / "b", list(reversed(ms)), [dict(MEMBERSHIP, id="membership"), reordered])
    assert a.facts.sets == b.facts.sets


@pytest.mark.parametrize("rule,message", [
    ({"id": "r", "when": [{"designation": "?org"}], "then": {"prohibition": "membership", "about": "?x"}},
     "unsafe variable ?x in 'then'"),
    ({"id": "r", "when": [{"designation": "?org"}, {"not": {"power": "?p"}}], "then": {"power": "p"}},
     "unsafe variable ?p in a negated pattern"),
    ({"id": "r", "when": [{"designation": "oo"}], "then": {"power": "p"}},
     "unknown designation target 'oo' (did you mean 'o'?)"),
    ({"id": "r", "when": [{"designaton": "o"}], "then": {"power": "p"}},
     "unknown fact kind 'designaton' (did you mean 'designation'?)"),
    ({"id": "r", "when": [{"designation": "o", "power": "p"}], "then": {"power": "p"}},
     "a pattern has exactly one KIND: TARGET"),
    ({"id": "r", "when": [{"designation": "o"}], "then": {"power": "p"}, "check": "x"},
     "exactly one of 'then:'"),
    ({"id": "r", "when": [{"designation": "o"}]}, "exactly one of 'then:'"),
    ({"id": "r", "when": [], "then": {"power": "p"}}, "a rule needs 'when:'"),
    ({"id": "r", "when": [{"designation": "o"}], "then": {"power": "p"}, "whenn": 1},
     "unknown field 'whenn' (did you mean 'when'?)"),
])
def test_malformed_rules_are_reported_with_their_line(tmp_path, rule, message):
    path = write_corpus(tmp_path, [measure("m", "2000", [{"id": "o", "designates": "o"}])], [rule])
    with pytest.raises(kzlaw.KzlawError) as err:
        kzlaw.load(path)
    lines = [str(p) for p in err.value.problems]
    assert any(line.startswith("rules/r.yaml:") and message in line for line in lines), lines


def test_negation_cycle_is_an_error(tmp_path):
    r1 = {"id": "r1", "when": [{"designation": "?o"}, {"not": {"power": "p"}}],
          "then": {"obligation": "d", "about": "?o"}}
    r2 = {"id": "r2", "when": [{"obligation": "d", "about": "?o"}], "then": {"power": "p"}}
    path = write_corpus(tmp_path, [measure("m", "2000", [{"id": "o", "designates": "o"}])], [r1, r2])
    result = subprocess.run([sys.executable, "-m", "kzlaw", "--data", path, "check"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "negation must not be part of a cycle" in result.stderr
    assert "Traceback" not in result.stderr


def test_positive_recursion_reaches_a_fixpoint(tmp_path):
    # obligation d about ?o holds while designated; power p holds while any such obligation does
    r1 = {"id": "r1", "when": [{"designation": "?o"}], "then": {"obligation": "d", "about": "?o"}}
    r2 = {"id": "r2", "when": [{"obligation": "d", "about": "?o"}, {"power": "p"}],
          "then": {"obligation": "d", "about": "?o"}}
    c = load(tmp_path, [measure("m", "2000-01-01", [{"id": "o", "designates": "o"},
                                                    {"id": "p", "empowers": "p"}])], [r1, r2])
    f = c.at("2001-01-01").get("obligation", "d", "o")
    assert f.status == "in-force"
    assert f.by == ("rule:r1", "rule:r2")
