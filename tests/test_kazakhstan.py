"""The bundled corpus, asked questions where the sources leave no doubt (both sides of each
date), the way python-holidays tests each country's calendar."""

import os

import pytest

import kzlaw


@pytest.fixture(scope="module")
def kz():
    return kzlaw.load()


def test_bundled_corpus_is_valid_and_names_every_required_measure(kz):
    required = [
        "constitution-1995", "law-1999-countering-terrorism",
        "amendment-2002-criminal-code-terrorism", "order-2003-knb-anti-terrorism-center",
        "amendment-2005-criminal-code-financing", "law-2005-countering-extremism",
        "court-2005-hizb-ut-tahrir-ban", "mvd-2005-training-center",
        "list-2006-banned-organizations", "bill-2008-countering-terrorism", "law-2009-aml-cft",
        "decree-2011-agency-for-religious-affairs", "law-2011-religious-activity",
        "closure-2011-prison-worship", "veil-ban-reported",
        "law-2013-countering-terrorism-amendments", "law-2014-countering-extremism-terrorism",
        "criminal-code-2014", "order-2016-school-uniform",
        "decree-2016-ministry-of-religious-affairs",
        "law-2016-countering-extremism-terrorism-amendments",
    ]
    missing = [m for m in required if m not in kz.measures]
    assert not missing


def test_spec_section_10_ids_are_in_the_vocabulary(kz):
    ids = {i for section in kz.vocabulary.values() for i in section}
    for ident in ["terrorist-act", "extremist-propaganda", "advocacy-of-terrorism",
                  "incitement-to-terrorism", "leading-terrorist-group",
                  "participation-in-terrorist-group", "financing-of-terrorism",
                  "financing-of-extremism", "membership-in-banned-organization",
                  "religious-political-party", "prayer-in-workplace", "worship-in-prisons",
                  "hijab-in-schools", "hizb-ut-tahrir", "islamic-movement-of-uzbekistan",
                  "al-qaeda", "taliban", "muslim-brotherhood", "islamic-party-of-turkestan",
                  "kongra-gel", "boz-kurt", "lashkar-e-taiba", "social-reforms-society",
                  "asbat-al-ansar", "knb-anti-terrorism-center", "agency-for-religious-affairs",
                  "ministry-of-religious-affairs-and-civil-society",
                  "designate-extremist-organizations", "block-extremist-websites",
                  "re-registration-of-religious-groups", "forfeiture-of-property",
                  "terrorism-related"]:
        assert ident in ids, ident


def test_every_measure_and_effect_is_sourced_with_a_quote(kz):
    for m in kz.measures.values():
        assert m.sources, m.id
        assert any(s.quote for s in m.sources), m.id
        for s in m.sources:
            assert s.ref in kz.sources


@pytest.mark.parametrize("before,after,key", [
    # Law No. 483-IV, in force 25 October 2011 (verification notes 9b)
    ("2011-10-24", "2011-10-25", ("prohibition", "prayer-in-workplace")),
    ("2011-10-24", "2011-10-25", ("obligation", "re-registration-of-religious-groups")),
    # Astana City Court, 28 March 2005
    ("2005-03-27", "2005-03-28", ("designation", "hizb-ut-tahrir")),
    # Supreme Court bans of 15 October 2004
    ("2004-10-14", "2004-10-15", ("designation", "al-qaeda")),
    # Presidential Order No. 435 of 29 December 2003
    ("2003-12-28", "2003-12-29", ("institution", "knb-anti-terrorism-center")),
    # the 2014 Code in force 1 January 2015 restates membership of banned organizations
    ("2014-12-31", "2015-01-01", ("prohibition", "membership-in-banned-organization")),
])
def test_dates_the_sources_pin_down(kz, before, after, key):
    if key[1] == "membership-in-banned-organization":
        # continuous across the Code's replacement: in force on both sides
        assert kz.at(before).status(*key) == "in-force"
        assert kz.at(after).status(*key) == "in-force"
        return
    assert kz.at(before).status(*key) == "absent"
    assert kz.at(after).status(*key) == "in-force"


def test_prayer_in_workplace_is_traced_to_the_religion_law(kz):
    f = kz.at("2012-06-01").get("prohibition", "prayer-in-workplace")
    assert f.status == "in-force"
    assert f.by == ("law-2011-religious-activity#prayer-in-workplace",)
    assert "almanac-fn51" in f.sources


def test_hizb_ut_tahrir_membership_is_derived_by_the_rule(kz):
    key = ("prohibition", "membership-in-banned-organization", "hizb-ut-tahrir")
    f = kz.at("2006-06-01").get(*key)
    assert f.status == "in-force"
    assert f.by == ("rule:membership-of-designated-organization",)
    assert kz.at("2004-06-01").status(*key) == "absent"


def test_forfeiture_attaches_to_every_prohibited_terrorism_related_act(kz):
    st = kz.at("2014-01-01")
    acts = [a for a, e in kz.vocabulary["acts"].items() if "terrorism-related" in e.categories]
    assert len(acts) >= 5
    for act in acts:
        if st.status("prohibition", act) == "in-force":
            f = st.get("penalty", act, "forfeiture-of-property")
            assert f is not None and f.status == "in-force", act
            assert "rule:forfeiture-for-terrorism-related-acts" in f.by
    # before Law No. 63-V (8 January 2013) there was no such penalty
    for act in acts:
        assert kz.at("2012-12-31").status("penalty", act, "forfeiture-of-property") == "absent"


def test_the_failed_2008_bill_changes_nothing(kz):
    bill = kz.measures["bill-2008-countering-terrorism"]
    assert bill.status == "failed"
    assert not any(h.measure == bill.id for h in kz.holdings)


def test_aml_law_date_conflict_is_recorded(kz):
    adopted = kz.measures["law-2009-aml-cft"].dates.adopted
    assert adopted.conflicting
    assert {a.date.text[:7] for a in adopted.alternatives} >= {"2009-08", "2009-09"}
    notes = [p.message for p in kz.notes()]
    assert any("law-2009-aml-cft" in p or "sources disagree on adopted" in p for p in notes)


def test_hijab_ban_is_an_order_not_a_law(kz):
    m = kz.measures["order-2016-school-uniform"]
    assert m.kind == "order"
    assert kz.at("2015-06-01").status("prohibition", "hijab-in-schools") == "absent"
    assert kz.at("2016-10-20").status("prohibition", "hijab-in-schools") == "in-force"


def test_veil_ban_is_only_known_to_predate_2012(kz):
    m = kz.measures["veil-ban-reported"]
    assert m.dates.adopted.earliest < -10**6  # open start
    assert kz.at("2012-01-01").status("prohibition", "wearing-of-veil") == "in-force"
    assert kz.at("2000-01-01").status("prohibition", "wearing-of-veil") == "uncertain"


def test_ministry_of_religious_affairs_2016(kz):
    key = ("institution", "ministry-of-religious-affairs-and-civil-society")
    assert kz.at("2016-08-31").status(*key) == "absent"
    assert kz.at("2016-09-14").status(*key) == "in-force"


def test_integrity_warnings_are_explained_in_notes(kz):
    warnings = kz.warnings()
    for w in warnings:
        if "designat" in w.message:
            # every designation warning concerns the 2004 bans, explained in that measure's note
            assert "2004-10-15" in w.message
    assert "designation" in (kz.measures["court-2004-supreme-court-terrorist-bans"].note or "").lower()


SHARED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..",
                      "shared", "sources")


def _norm(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
                    .split())


@pytest.mark.skipif(not os.path.isdir(SHARED), reason="the source documents are not beside "
                    "this checkout (../shared/sources)")
def test_every_quote_is_in_its_source_document(kz):
    """Quotes are the sources' own words: each is found in the document its source names."""
    docs = {}
    for name in os.listdir(SHARED):
        with open(os.path.join(SHARED, name), encoding="utf-8") as f:
            docs[name] = _norm(f.read())
    refs = []
    for m in kz.measures.values():
        refs += list(m.sources)
        for e in m.effects:
            refs += list(e.sources) + list(e.with_.sources if e.with_ else ())
    for r in kz.rules.values():
        refs += list(r.sources)
    checked = 0
    for ref in refs:
        src = kz.sources[ref.ref]
        if not ref.quote or src.document not in docs:
            continue
        assert _norm(ref.quote) in docs[src.document], (ref.ref, ref.quote)
        checked += 1
    assert checked >= 50
