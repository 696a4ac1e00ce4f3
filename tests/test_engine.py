"""semantics.md section 7 on small corpora: each rule of "in force", both sides of every boundary."""

import pytest

import kzlaw
from builder import measure, write_corpus

P = ("prohibition", "a")


def status(corpus, day, key=P):
    return corpus.at(day).status(*key)


def load(tmp_path, *measures, rules=()):
    return kzlaw.load(write_corpus(tmp_path, measures, rules))


def test_exact_day_start(tmp_path):
    c = load(tmp_path, measure("m", "2000-05-10", [{"id": "e", "prohibits": "a"}]))
    assert status(c, "2000-05-09") == "absent"
    assert status(c, "2000-05-10") == "in-force"


def test_month_start_is_uncertain_for_the_month(tmp_path):
    c = load(tmp_path, measure("m", "2000-05", [{"id": "e", "prohibits": "a"}]))
    assert status(c, "2000-04-30") == "absent"
    assert status(c, "2000-05-01") == "uncertain"
    assert status(c, "2000-05-30") == "uncertain"
    assert status(c, "2000-05-31") == "in-force"


def test_in_force_overrides_adopted(tmp_path):
    c = load(tmp_path, measure("m", "2011-10-11", [{"id": "e", "prohibits": "a"}],
                               in_force="2011-10-25"))
    assert status(c, "2011-10-24") == "absent"
    assert status(c, "2011-10-25") == "in-force"


def test_exact_repeal_ends_on_its_day(tmp_path):
    c = load(tmp_path,
             measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}]),
             measure("r", "2003-06-15", [{"id": "x", "repeals": "m"}]))
    assert status(c, "2003-06-14") == "in-force"
    assert status(c, "2003-06-15") == "absent"


def test_month_repeal_is_uncertain_until_its_last_day(tmp_path):
    c = load(tmp_path,
             measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}]),
             measure("r", "2003-06", [{"id": "x", "repeals": "m#e"}]))
    assert status(c, "2003-05-31") == "in-force"
    assert status(c, "2003-06-01") == "uncertain"
    assert status(c, "2003-06-29") == "uncertain"
    assert status(c, "2003-06-30") == "absent"


def test_repeal_of_one_effect_leaves_the_others(tmp_path):
    c = load(tmp_path,
             measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"},
                                         {"id": "g", "prohibits": "b"}]),
             measure("r", "2003-01-01", [{"id": "x", "repeals": "m#e"}]))
    assert status(c, "2003-01-01") == "absent"
    assert status(c, "2003-01-01", ("prohibition", "b")) == "in-force"


def test_amendment_keeps_the_fact_certain_across_its_uncertain_date(tmp_path):
    c = load(tmp_path,
             measure("m", "1999-07-13", [{"id": "e", "prohibits": "a",
                                          "liability": "administrative"}]),
             measure("n", "2002", [{"id": "x", "amends": "m#e",
                                    "with": {"prohibits": "a", "liability": "criminal"}}]))
    for day in ("2001-12-31", "2002-01-01", "2002-07-01", "2002-12-31", "2003-01-01"):
        assert status(c, day) == "in-force", day
    f = c.at("2001-12-31").get(*P)
    assert f.attributes == {"liability": "administrative"}
    assert f.by == ("m#e",)
    f = c.at("2002-06-01").get(*P)
    assert f.attributes == {"liability": ("administrative", "criminal")}
    assert f.by == ("m#e", "n#x")
    f = c.at("2002-12-31").get(*P)
    assert f.attributes == {"liability": "criminal"}
    assert f.by == ("n#x",)


def test_replacement_that_restates_the_fact_has_no_gap(tmp_path):
    c = load(tmp_path,
             measure("old", "1997-07-16", [{"id": "e", "prohibits": "a"}]),
             measure("new", "2014-07-03", [{"id": "r", "replaces": "old"},
                                           {"id": "e", "prohibits": "a"}],
                     in_force="2015"))
    assert status(c, "2014-12-31") == "in-force"
    assert status(c, "2015-06-01") == "in-force"
    assert c.at("2015-06-01").get(*P).by == ("new#e", "old#e")
    assert c.at("2016-01-01").get(*P).by == ("new#e",)


def test_independent_end_and_restart_leave_a_gap_uncertain(tmp_path):
    """Two different events (not the same moment) do not guarantee continuity."""
    c = load(tmp_path,
             measure("m", "2000-01-01", [{"id": "e", "prohibits": "a", "until": "2005"}]),
             measure("n", "2005", [{"id": "e", "prohibits": "a"}]))
    assert status(c, "2004-12-31") == "in-force"
    assert status(c, "2005-06-01") == "uncertain"
    assert status(c, "2005-12-31") == "in-force"


def test_repeal_of_a_repeal_revives_nothing(tmp_path):
    c = load(tmp_path,
             measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}]),
             measure("r", "2003-01-01", [{"id": "x", "repeals": "m"}]),
             measure("q", "2004-01-01", [{"id": "y", "repeals": "r"}]))
    assert status(c, "2002-12-31") == "in-force"
    assert status(c, "2003-01-01") == "absent"
    assert status(c, "2004-01-01") == "absent"
    assert status(c, "2010-01-01") == "absent"


def test_repealing_the_amending_measure_ends_the_amended_effect_and_the_original(tmp_path):
    c = load(tmp_path,
             measure("m", "2000-01-01", [{"id": "e", "prohibits": "a", "liability": "criminal"}]),
             measure("n", "2002-01-01", [{"id": "x", "amends": "m#e",
                                          "with": {"prohibits": "a", "liability": "administrative"}}]),
             measure("r", "2004-01-01", [{"id": "z", "repeals": "n"}]))
    assert c.at("2003-12-31").get(*P).attributes == {"liability": "administrative"}
    assert status(c, "2004-01-01") == "absent"


@pytest.mark.parametrize("bill_status", ["pending", "failed"])
def test_pending_and_failed_measures_change_nothing(tmp_path, bill_status):
    c = load(tmp_path,
             measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}]),
             measure("bill", None, [{"id": "x", "prohibits": "b"}], status=bill_status,
                     kind="bill", dates={"introduced": "2008-04"}))
    assert status(c, "2010-01-01", ("prohibition", "b")) == "absent"
    assert status(c, "2010-01-01") == "in-force"


def test_effect_from_and_until_override_the_measure(tmp_path):
    c = load(tmp_path, measure("m", "2000-01-01", [
        {"id": "e", "prohibits": "a", "from": "2001-03-01", "until": "2001-09-01"}]))
    assert status(c, "2001-02-28") == "absent"
    assert status(c, "2001-03-01") == "in-force"
    assert status(c, "2001-08-31") == "in-force"
    assert status(c, "2001-09-01") == "absent"


def test_expires_ends_every_effect(tmp_path):
    c = load(tmp_path, measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}],
                               expires="2002-12-31", kind="program"))
    assert status(c, "2002-12-30") == "in-force"
    assert status(c, "2002-12-31") == "absent"


def test_open_start_range(tmp_path):
    c = load(tmp_path, measure("m", "[..2011]", [{"id": "e", "prohibits": "a"}]))
    assert status(c, "1900-01-01") == "uncertain"
    assert status(c, "2011-12-30") == "uncertain"
    assert status(c, "2011-12-31") == "in-force"


def test_open_end_range_is_never_certain(tmp_path):
    c = load(tmp_path, measure("m", "[2016-09..]", [{"id": "e", "prohibits": "a"}]))
    assert status(c, "2016-08-31") == "absent"
    assert status(c, "2016-09-01") == "uncertain"
    assert status(c, "2999-01-01") == "uncertain"


def test_season_start(tmp_path):
    c = load(tmp_path, measure("m", "2011-22", [{"id": "e", "establishes": "i"}]))
    key = ("institution", "i")
    assert status(c, "2011-05-31", key) == "absent"
    assert status(c, "2011-06-01", key) == "uncertain"
    assert status(c, "2011-08-30", key) == "uncertain"
    assert status(c, "2011-08-31", key) == "in-force"


def test_conflicting_alternatives_use_the_hull(tmp_path):
    alts = [{"date": "2009-08-28", "ref": "s1"}, {"date": "2009-09", "ref": "s2"}]
    c = load(tmp_path, measure("m", alts, [{"id": "e", "empowers": "p"}]))
    key = ("power", "p")
    assert status(c, "2009-08-27", key) == "absent"
    assert status(c, "2009-08-28", key) == "uncertain"
    assert status(c, "2009-09-29", key) == "uncertain"
    assert status(c, "2009-09-30", key) == "in-force"


def test_attributes_disagreeing_effects_give_sorted_alternatives(tmp_path):
    c = load(tmp_path,
             measure("m", "2000-01-01", [{"id": "e", "designates": "o", "as": "terrorist"}]),
             measure("n", "2000-01-01", [{"id": "e", "designates": "o", "as": "extremist"}]))
    f = c.at("2001-01-01").get("designation", "o")
    assert f.status == "in-force"
    assert f.attributes == {"as": ("extremist", "terrorist")}


def test_penalty_fact_is_about_the_penalty(tmp_path):
    c = load(tmp_path, measure("m", "2013-01-08", [{"id": "f", "penalizes": "c", "penalty": "f"}]))
    assert c.at("2013-01-08").status("penalty", "c", "f") == "in-force"
    assert c.at("2013-01-07").status("penalty", "c", "f") == "absent"
    assert c.at("2013-01-08").status("penalty", "c") == "absent"


def test_by_and_sources_trace_to_the_effect(tmp_path):
    c = load(tmp_path, measure("m", "2000-01-01", [
        {"id": "e", "prohibits": "a", "sources": [{"ref": "s2", "quote": "q"}]},
        {"id": "g", "prohibits": "b"}]))
    st = c.at("2001-01-01")
    assert st.get(*P).sources == ("s2",)
    assert st.get("prohibition", "b").sources == ("s1",)
    assert st.get(*P).by == ("m#e",)


def test_diff_groups_and_inverse(tmp_path):
    c = load(tmp_path,
             measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}]),
             measure("r", "2003-06", [{"id": "x", "repeals": "m"}]),
             measure("n", "2001-01-01", [{"id": "g", "prohibits": "b"}]))
    d = c.diff("2000-06-01", "2003-06-10")
    got = {(ch["target"], ch["before"], ch["after"]) for ch in d["changes"]}
    assert got == {("a", "in-force", "uncertain"), ("b", "absent", "in-force")}
    back = c.diff("2003-06-10", "2000-06-01")
    assert {(ch["target"], ch["after"], ch["before"]) for ch in back["changes"]} == got
    assert c.diff("2001-01-01", "2001-01-01")["changes"] == []


def test_diff_lists_attribute_changes(tmp_path):
    c = load(tmp_path,
             measure("m", "2000-01-01", [{"id": "e", "prohibits": "a", "liability": "administrative"}]),
             measure("n", "2002-01-01", [{"id": "x", "amends": "m#e",
                                          "with": {"prohibits": "a", "liability": "criminal"}}]))
    [ch] = c.diff("2001-01-01", "2003-01-01")["changes"]
    assert ch["before"] == ch["after"] == "in-force"
    assert ch["changed"] == {"liability": ["administrative", "criminal"]}
    assert "n#x" in ch["by"]


def test_state_iteration_matches_status(tmp_path):
    c = load(tmp_path,
             measure("m", "2000-05", [{"id": "e", "prohibits": "a"}, {"id": "g", "empowers": "p"}]))
    st = c.at("2000-05-15")
    facts = {f.key: f.status for f in st}
    assert facts == {("prohibition", "a", None): "uncertain", ("power", "p", None): "uncertain"}
    assert len(st) == 2
    assert len(c.at("2000-04-30")) == 0
