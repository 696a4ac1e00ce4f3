"""The bundled corpus, asked questions where the sources leave no doubt (both sides of each
date), the way python-holidays tests each country's calendar.

Each boundary below is the date a source gives (docs/curation.md lists them with their
evidence); a test asks the day before and the day itself, and the uncertain days between where
the evidence gives a range."""

import datetime
import os

import pytest

import kzlaw


@pytest.fixture(scope="module")
def kz():
    return kzlaw.load()


def status(kz, day, kind, target, about=None):
    key = (kind, target) if about is None else (kind, target, about)
    return kz.at(day).status(*key)


def ordinal(text):
    return datetime.date.fromisoformat(text).toordinal()


def test_bundled_corpus_is_valid_and_names_every_required_measure(kz):
    required = [
        "constitution-1995", "criminal-code-1997", "law-1999-countering-terrorism",
        "amendment-2002-criminal-code-terrorism", "order-2003-knb-anti-terrorism-center",
        "court-2004-supreme-court-terrorist-bans", "court-2005-supreme-court-terrorist-bans",
        "amendment-2005-criminal-code-financing", "law-2005-countering-extremism",
        "court-2005-hizb-ut-tahrir-ban", "mvd-2005-training-center",
        "list-2006-banned-organizations", "list-2006-11-banned-organizations-additions",
        "list-2006-islamic-jihad-union", "committee-2006-religious-affairs",
        "program-2007-religious-freedom", "bill-2008-countering-terrorism",
        "bill-2008-religious-freedom-amendments", "list-2008-islamic-party-of-turkestan",
        "law-2009-aml-cft", "law-2009-aml-cft-companion-amendments",
        "decree-2011-agency-for-religious-affairs", "law-2011-religious-activity",
        "law-2011-religious-activity-amendments", "law-2011-organized-crime-terrorism-extremism",
        "court-2011-jund-al-khilafah", "closure-2011-prison-worship", "veil-ban-reported",
        "law-2013-countering-terrorism-amendments", "decree-2013-anti-terrorist-center",
        "decree-2013-antiterrorist-commissions", "counterterrorism-detachments",
        "court-2013-tablighi-jamaat", "program-2013-religious-extremism-terrorism",
        "reorganization-2014-committee-for-religious-affairs",
        "law-2014-countering-extremism-terrorism", "criminal-code-2014",
        "court-2014-at-takfir-wal-hijra",
        "court-2015-islamic-state", "list-2015-jabhat-al-nusra", "order-2016-school-uniform",
        "decree-2016-ministry-of-religious-affairs",
        "law-2016-countering-extremism-terrorism-amendments",
        "bill-2017-religious-activity-amendments", "decree-2018-ministry-of-social-development",
        "decree-2019-ministry-of-information-and-social-development",
        "decree-2023-ministry-of-culture-and-information", "delisting-2023-taliban",
        "program-2017-concept-religious-policy", "program-2018-religious-extremism-terrorism",
        "decree-2024-antiterrorist-center-amendments",
        "resolution-2007-religious-studies-expertise",
        "resolution-2012-religious-studies-expertise",
    ]
    missing = [m for m in required if m not in kz.measures]
    assert not missing
    assert len(kz.measures) >= 40


SPEC_IDS = {
    "acts": ["terrorist-act", "extremist-propaganda", "advocacy-of-terrorism",
             "incitement-to-terrorism", "leading-terrorist-group",
             "participation-in-terrorist-group", "financing-of-terrorism",
             "financing-of-extremism", "membership-in-banned-organization",
             "religious-political-party", "prayer-in-workplace", "worship-in-prisons",
             "hijab-in-schools", "unregistered-religious-activity"],
    "organizations": ["hizb-ut-tahrir", "islamic-movement-of-uzbekistan", "al-qaeda", "taliban",
                      "muslim-brotherhood", "islamic-party-of-turkestan", "kongra-gel",
                      "boz-kurt", "lashkar-e-taiba", "social-reforms-society", "asbat-al-ansar",
                      "jamaat-of-central-asian-mujahedins",
                      "east-turkistan-liberation-organization", "aum-shinrikyo",
                      "islamic-party-of-east-turkestan", "islamic-jihad-union",
                      "jund-al-khilafah", "tablighi-jamaat", "islamic-state", "jabhat-al-nusra"],
    "institutions": ["knb-anti-terrorism-center", "agency-for-religious-affairs",
                     "ministry-of-religious-affairs-and-civil-society",
                     "committee-for-religious-affairs"],
    "powers": ["designate-extremist-organizations", "designate-terrorist-organizations",
               "block-extremist-websites"],
    "duties": ["re-registration-of-religious-groups", "registration-of-religious-associations",
               "registration-of-missionaries", "counterterrorism-duties-of-state-agencies"],
    "penalties": ["forfeiture-of-property"],
    "categories": ["terrorism-related"],
}


@pytest.mark.parametrize("section", sorted(SPEC_IDS))
def test_spec_section_10_ids_are_in_the_vocabulary(kz, section):
    missing = [i for i in SPEC_IDS[section] if i not in kz.vocabulary[section]]
    assert not missing


def test_every_spec_organization_is_designated_by_some_measure(kz):
    designated = {h.fact[1] for h in kz.holdings if h.fact[0] == "designation"}
    missing = [o for o in SPEC_IDS["organizations"] if o not in designated]
    assert not missing


def test_every_measure_and_effect_is_sourced_with_a_quote(kz):
    for m in kz.measures.values():
        assert m.sources, m.id
        assert any(s.quote for s in m.sources), m.id
        for s in m.sources:
            assert s.ref in kz.sources


# ---------------------------------------------------------------- boundaries, one per fact
# (kind, target, about, last day absent, first day in force, a day uncertain or None)
BOUNDARIES = [
    # Constitution: in force on 5 September 1995, the day the referendum results were published
    ("prohibition", "religious-political-party", None, "1995-09-04", "1995-09-05", None),
    # 1997 Criminal Code in force on 1 January 1998 (Law No. 168 on its introduction)
    ("prohibition", "terrorist-act", None, "1997-12-31", "1998-01-01", None),
    # 1999 law, Art. 21: in force between 13 July 1999 and its application on 15 October 2004
    ("power", "designate-terrorist-organizations", None, "1999-07-12", "2004-10-15",
     "2000-06-01"),
    # Supreme Court, 15 October 2004: the Islamic Party of EAST Turkestan
    ("designation", "islamic-party-of-east-turkestan", None, "2004-10-14", "2004-10-15", None),
    ("designation", "al-qaeda", None, "2004-10-14", "2004-10-15", None),
    # Supreme Court, 15 March 2005: seven organizations (IRNA; Times of Central Asia)
    ("designation", "taliban", None, "2005-03-14", "2005-03-15", None),
    ("designation", "asbat-al-ansar", None, "2005-03-14", "2005-03-15", None),
    ("designation", "muslim-brotherhood", None, "2005-03-14", "2005-03-15", None),
    ("designation", "boz-kurt", None, "2005-03-14", "2005-03-15", None),
    ("designation", "jamaat-of-central-asian-mujahedins", None, "2005-03-14", "2005-03-15", None),
    ("designation", "lashkar-e-taiba", None, "2005-03-14", "2005-03-15", None),
    ("designation", "social-reforms-society", None, "2005-03-14", "2005-03-15", None),
    # Astana City Court, 28 March 2005
    ("designation", "hizb-ut-tahrir", None, "2005-03-27", "2005-03-28", None),
    # National-security amendments enacted 8 July 2005, in force by the end of 2005
    ("obligation", "registration-of-missionaries", None, "2005-07-07", "2006-01-01",
     "2005-07-08"),
    ("prohibition", "financing-of-terrorism", None, "2005-07-07", "2006-01-01", "2005-09-01"),
    # the 2002 amendments of the Criminal Code, dated only by their year
    ("prohibition", "advocacy-of-terrorism", None, "2001-12-31", "2003-01-01", "2002-06-01"),
    # the 2005 extremism law: in force by the HT ban of 28 March 2005 made under it
    ("power", "designate-extremist-organizations", None, "2005-02-17", "2005-03-28",
     "2005-03-01"),
    # November 2006 (CRT 2006)
    ("designation", "east-turkistan-liberation-organization", None, "2006-10-31", "2006-12-01",
     "2006-11-15"),
    # the Islamic Jihad Union: not on the list of 12 October 2006, on it by the end of 2006
    ("designation", "islamic-jihad-union", None, "2006-10-12", "2007-01-01", "2006-11-15"),
    # the Committee for Religious Affairs, created in 2006 (approximately)
    ("institution", "committee-for-religious-affairs", None, "2005-12-31", "2007-01-01",
     "2006-06-01"),
    # the Islamic Party of Turkestan, added in 2008 (CRT 2008)
    ("designation", "islamic-party-of-turkestan", None, "2007-12-31", "2009-01-01",
     "2008-06-01"),
    # Agency for Religious Affairs: decree signed "in recent days" before 4 June 2011
    ("institution", "agency-for-religious-affairs", None, "2011-04-30", "2011-06-04",
     "2011-05-15"),
    # Religion Law in force 25 October 2011
    ("prohibition", "unregistered-religious-activity", None, "2011-10-24", "2011-10-25", None),
    ("prohibition", "prayer-in-workplace", None, "2011-10-24", "2011-10-25", None),
    ("obligation", "re-registration-of-religious-groups", None, "2011-10-24", "2011-10-25", None),
    # Rules for religious-studies expertise, Government Resolution No. 70 of 30 January 2007
    ("power", "review-of-religious-literature", None, "2007-01-29", "2007-01-30", None),
    # Atyrau City Court, 25 November 2011
    ("designation", "jund-al-khilafah", None, "2011-11-24", "2011-11-25", None),
    # Saryarka District Court, announced 26 February 2013
    ("designation", "tablighi-jamaat", None, "2013-01-31", "2013-02-26", "2013-02-10"),
    # the AML/CFT law of 28 August 2009, "implemented in 2010"
    ("obligation", "aml-cft-compliance", None, "2009-08-27", "2010-12-31", "2010-01-01"),
    # prison places of worship closed from October 2011 (AsiaNews of 12 November 2011)
    ("prohibition", "worship-in-prisons", None, "2011-09-30", "2011-11-12", "2011-10-20"),
    # Law No. 63-V: in force ten days after publication, by the decrees of 24 June 2013
    ("obligation", "counterterrorism-duties-of-state-agencies", None, "2013-01-17",
     "2013-06-24", "2013-03-01"),
    # Decree No. 589 of 24 June 2013
    ("institution", "antiterrorist-commissions", None, "2013-06-23", "2013-06-24", None),
    # At-Takfir wal-Hijra, banned as extremist "in 2014"
    ("designation", "at-takfir-wal-hijra", None, "2013-12-31", "2015-01-01", "2014-06-01"),
    # Law No. 244-V of 3 November 2014, in force by 2 January 2015
    ("power", "block-extremist-websites", None, "2014-11-02", "2015-01-02", "2014-12-01"),
    # Esil District Court, 15 October 2015
    ("designation", "islamic-state", None, "2015-10-14", "2015-10-15", None),
    # Jabhat al-Nusra: after the 16 of 2010, on the list published 2 November 2015
    ("designation", "jabhat-al-nusra", None, "2010-12-31", "2015-11-02", "2013-06-01"),
    # the 2016 ministry: decree reported on Tuesday 13 September 2016
    ("institution", "ministry-of-religious-affairs-and-civil-society", None, "2016-08-31",
     "2016-09-13", "2016-09-05"),
    # Decree No. 707 of 28 June 2018
    ("institution", "ministry-of-social-development", None, "2018-06-27", "2018-06-28", None),
    # February 2019: the reshuffle of 21 February, in effect by the meeting of 26 February
    ("institution", "ministry-of-information-and-social-development", None, "2019-02-20",
     "2019-02-26", "2019-02-23"),
    # September 2023 (reported 2 September)
    ("institution", "ministry-of-culture-and-information", None, "2023-08-31", "2023-09-02",
     "2023-09-01"),
]


@pytest.mark.parametrize("kind,target,about,absent,in_force,between", BOUNDARIES,
                         ids=[f"{b[1]}@{b[4]}" for b in BOUNDARIES])
def test_the_day_a_fact_starts(kz, kind, target, about, absent, in_force, between):
    assert status(kz, absent, kind, target, about) == "absent"
    assert status(kz, in_force, kind, target, about) == "in-force"
    if between is not None:
        assert status(kz, between, kind, target, about) == "uncertain"
    else:
        day_before = datetime.date.fromisoformat(in_force) - datetime.timedelta(days=1)
        assert day_before.isoformat() == absent  # a certain day: no uncertain days between


ENDS = [
    # (kind, target, last day in force, a day uncertain or None, first day absent)
    # the Committee became the Agency (decree before 4 June 2011)
    ("institution", "committee-for-religious-affairs", "2011-04-30", "2011-05-15", "2011-06-04"),
    # the Agency: at work in June 2014; its Regulation lapsed 23 September 2014
    ("institution", "agency-for-religious-affairs", "2014-05-31", "2014-07-01", "2014-09-23"),
    # the 2016 ministry renamed on 28 June 2018
    ("institution", "ministry-of-religious-affairs-and-civil-society", "2018-06-27", None,
     "2018-06-28"),
    ("institution", "ministry-of-social-development", "2019-02-20", "2019-02-23", "2019-02-26"),
    ("institution", "ministry-of-information-and-social-development", "2023-08-31",
     "2023-09-01", "2023-09-02"),
    # the Taliban removed from the list: known by 20 December 2023, not before August 2021
    ("designation", "taliban", "2021-07-31", "2022-06-01", "2023-12-20"),
    # the 2007-2009 program's term is not a fact; the 1997 Code's 2005 financing article lapses
    # with the Code and is restated by the 2014 Code: no gap (tested below)
]


@pytest.mark.parametrize("kind,target,last,between,gone", ENDS,
                         ids=[f"{e[1]}-until-{e[4]}" for e in ENDS])
def test_the_day_a_fact_ends(kz, kind, target, last, between, gone):
    assert status(kz, last, kind, target) == "in-force"
    if between is not None:
        assert status(kz, between, kind, target) == "uncertain"
    assert status(kz, gone, kind, target) == "absent"


def test_the_committee_exists_again_from_the_2014_reorganization_to_today(kz):
    key = ("institution", "committee-for-religious-affairs")
    assert kz.at("2014-05-31").status(*key) == "absent"  # the Agency still at work
    assert kz.at("2014-07-01").status(*key) == "uncertain"
    for day in ("2014-09-23", "2016-09-01", "2016-09-14", "2019-03-20", "2021-06-01"):
        assert kz.at(day).status(*key) == "in-force", day
    # from September 2016 it is held by the ministry's decree (moved to the new ministry)
    f = kz.at("2017-01-01").get(*key)
    assert f.by == ("decree-2016-ministry-of-religious-affairs#committee-for-religious-affairs",)
    # some religion authority exists on every day from 2007 except the Agency's first weeks
    for day in ("2007-01-01", "2010-01-01", "2012-01-01", "2015-06-01", "2017-01-01"):
        st = kz.at(day)
        assert "in-force" in (st.status(*key),
                              st.status("institution", "agency-for-religious-affairs")), day


def test_state_1999_has_the_constitution_and_the_terrorism_prohibition(kz):
    st = kz.at("1999-06-01")
    assert st.status("prohibition", "religious-political-party") == "in-force"
    f = st.get("prohibition", "terrorist-act")
    assert f.status == "in-force"
    assert f.by == ("criminal-code-1997#terrorist-act",)
    # nothing reported (the veil ban) or open-started leaks into 1999 as a prohibition
    prohibitions = st.facts("prohibition")
    assert {x.target for x in prohibitions} == {"religious-political-party", "terrorist-act"}


def test_terrorism_is_prohibited_in_2000_by_the_code_alone(kz):
    f = kz.at("2000-06-01").get("prohibition", "terrorist-act")
    assert f.status == "in-force"
    assert dict(f.attributes)["liability"] == "criminal"
    # the 1999 framework law carries no criminal liability of its own (1997 Code, Art. 1)
    assert not [h for h in kz.holdings if h.measure == "law-1999-countering-terrorism"
                and h.fact[0] == "prohibition"]


def test_no_designation_lacks_a_power_so_check_has_no_integrity_warnings(kz):
    assert kz.warnings() == []
    # the 2004 bans rest on Art. 21 of the 1999 law, certainly in force on 15 October 2004
    f = kz.at("2004-10-15").get("power", "designate-terrorist-organizations")
    assert f.status == "in-force"
    assert f.by == ("law-1999-countering-terrorism#designate-terrorist-organizations",)
    # the 2014 law amends (simplifies) it: the power continues, now held by the 2014 law
    f = kz.at("2016-01-01").get("power", "designate-terrorist-organizations")
    assert f.status == "in-force"
    assert f.by == ("law-2014-countering-extremism-terrorism#designate-terrorist-organizations",)


def test_the_2006_list_compiles_the_earlier_bans_and_designates_only_its_own_claim(kz):
    holdings = [h for h in kz.holdings if h.measure == "list-2006-banned-organizations"]
    assert [h.fact for h in holdings] == [("designation", "hizb-ut-tahrir", None)]
    # the seven of March 2005 are in force long before the list, from their own decision
    f = kz.at("2006-06-01").get("designation", "taliban")
    assert f.status == "in-force"
    assert f.by == ("court-2005-supreme-court-terrorist-bans#taliban",)
    # HT: extremist from March 2005, extremist or terrorist once the list is out
    assert dict(kz.at("2006-06-01").get("designation", "hizb-ut-tahrir").attributes)["as"] \
        == "extremist"
    assert dict(kz.at("2006-11-01").get("designation", "hizb-ut-tahrir").attributes)["as"] \
        == ("extremist", "terrorist")


def test_the_two_turkestan_parties_are_kept_apart(kz):
    st = kz.at("2006-06-01")
    assert st.status("designation", "islamic-party-of-east-turkestan") == "in-force"
    assert st.status("designation", "islamic-party-of-turkestan") == "absent"
    st = kz.at("2016-01-01")
    assert st.status("designation", "islamic-party-of-east-turkestan") == "in-force"
    assert st.status("designation", "islamic-party-of-turkestan") == "in-force"


def test_membership_of_the_seven_is_prohibited_from_march_2005(kz):
    key = ("prohibition", "membership-in-banned-organization", "taliban")
    assert kz.at("2005-03-14").status(*key) == "absent"
    # the membership prohibition itself starts with the extremism law (by 28 March 2005)
    assert kz.at("2005-03-28").status(*key) == "in-force"
    assert kz.at("2024-01-01").status(*key) == "absent"  # delisted


def test_the_taliban_delisting_ends_nothing_else(kz):
    st = kz.at("2024-01-01")
    for org in ("al-qaeda", "muslim-brotherhood", "asbat-al-ansar", "islamic-state"):
        assert st.status("designation", org) == "in-force", org
    assert st.status("designation", "taliban") == "absent"


def test_the_religion_law_restates_the_2005_registration_duties(kz):
    for duty in ("registration-of-missionaries", "registration-of-religious-associations"):
        before = kz.at("2010-01-01").get("obligation", duty)
        after = kz.at("2012-01-01").get("obligation", duty)
        assert before.status == after.status == "in-force"
        assert before.by == (f"amendment-2005-criminal-code-financing#{duty}",)
        assert after.by == (f"law-2011-religious-activity#{duty}",)
    # the 2014 Code repeals only the 2005 financing articles, not the registration duties
    assert kz.at("2016-01-01").status("obligation", "registration-of-missionaries") == "in-force"
    f = kz.at("2011-10-25").get("prohibition", "unregistered-religious-activity")
    assert dict(f.attributes)["liability"] == "administrative"


def test_review_of_religious_literature_passes_from_the_2007_rules_to_the_2011_law(kz):
    key = ("power", "review-of-religious-literature")
    assert kz.at("2010-01-01").get(*key).by == (
        "resolution-2007-religious-studies-expertise#review-of-religious-literature",)
    both = kz.at("2012-01-01").get(*key)
    assert set(both.by) == {
        "resolution-2007-religious-studies-expertise#review-of-religious-literature",
        "law-2011-religious-activity#review-of-religious-literature"}
    # the 2012 rules replace the 2007 ones on 7 February 2012: the law alone holds it after
    assert kz.at("2012-02-07").get(*key).by == (
        "law-2011-religious-activity#review-of-religious-literature",)
    assert kz.at("2012-02-07").status(*key) == "in-force"


def test_financing_offences_continue_across_the_codes_replacement(kz):
    for act in ("financing-of-terrorism", "financing-of-extremism"):
        a = kz.at("2014-12-31").get("prohibition", act)
        b = kz.at("2015-01-01").get("prohibition", act)
        assert a.status == b.status == "in-force"
        assert a.by == (f"amendment-2005-criminal-code-financing#{act}",)
        assert b.by == (f"criminal-code-2014#{act}",)


def test_detachments_are_uncertain_until_the_end_of_the_year_that_names_them(kz):
    key = ("institution", "counterterrorism-detachments")
    assert kz.at("2000-01-01").status(*key) == "uncertain"
    assert kz.at("2013-12-30").status(*key) == "uncertain"
    assert kz.at("2013-12-31").status(*key) == "in-force"
    assert kz.at("2017-06-01").status(*key) == "in-force"


@pytest.mark.parametrize("measure,adopted,expires", [
    ("program-2007-religious-freedom", "2007-12-05", "2010-01-01"),
    ("program-2013-religious-extremism-terrorism", "2013-09-24", "2018-01-01"),
    ("program-2017-concept-religious-policy", "2017-06-20", "2021-01-01"),
    ("program-2018-religious-extremism-terrorism", "2018-03-15", "2023-01-01"),
])
def test_programs_have_their_terms(kz, measure, adopted, expires):
    m = kz.measures[measure]
    assert m.kind == "program"
    assert m.dates.adopted.earliest == m.dates.adopted.latest == ordinal(adopted)
    assert m.dates.expires.earliest == m.dates.expires.latest == ordinal(expires)


@pytest.mark.parametrize("measure,adopted", [
    ("law-2009-aml-cft-companion-amendments", "2009-08-28"),
    ("law-2011-organized-crime-terrorism-extremism", "2011-11-29"),
    ("decree-2024-antiterrorist-center-amendments", "2024-02-28"),
    ("court-2017-supreme-court-normative-resolution-11", "2017-12-08"),
    ("law-2010-countering-terrorism-amendments", "2010-04-08"),
])
def test_amending_acts_whose_content_is_not_found_are_dated_and_change_nothing(kz, measure,
                                                                              adopted):
    m = kz.measures[measure]
    assert m.dates.adopted.earliest == m.dates.adopted.latest == ordinal(adopted)
    assert not m.effects
    assert "NOT FOUND" in m.note


@pytest.mark.parametrize("measure,failed", [
    ("bill-2008-countering-terrorism", None),
    ("bill-2008-religious-freedom-amendments", "2009-02-11"),
    ("bill-2017-religious-activity-amendments", "2019-01-29"),
])
def test_failed_bills_change_nothing(kz, measure, failed):
    bill = kz.measures[measure]
    assert bill.status == "failed"
    assert not any(h.measure == bill.id for h in kz.holdings)
    if failed:
        assert bill.dates.failed.earliest == bill.dates.failed.latest == ordinal(failed)


def test_the_veil_ban_is_reported_so_never_more_than_uncertain(kz):
    m = kz.measures["veil-ban-reported"]
    assert m.status == "reported"
    key = ("prohibition", "wearing-of-veil")
    # a finite start: nothing before the religion law it is identified with
    assert status(kz, "1999-01-01", *key) == "absent"
    assert status(kz, "2011-10-10", *key) == "absent"
    for day in ("2011-10-11", "2012-01-01", "2020-01-01"):
        assert status(kz, day, *key) == "uncertain", day
    # its reported prohibition is never in force, even after its latest possible date
    f = kz.at("2012-01-01").get(*key)
    assert f.by == ("veil-ban-reported#wearing-of-veil",)


@pytest.mark.parametrize("measure,act_date,rejected", [
    # the act is dated 28 August 2009; the almanac's "September 2009" is rejected
    ("law-2009-aml-cft", "2009-08-28", ["2009-09"]),
    # dated 11 October 2011; the press's 13 October and CRT 2011's "late September" rejected
    ("law-2011-religious-activity", "2011-10-11", ["2011-10-13", "[2011-09-21..2011-09-30]"]),
    # dated Friday 18 February 2005; AP's "Monday" rejected
    ("law-2005-countering-extremism", "2005-02-18", ["[2005-02-14..2005-02-21]"]),
])
def test_the_acts_own_date_beats_secondary_dates(kz, measure, act_date, rejected):
    adopted = kz.measures[measure].dates.adopted
    assert adopted.earliest == adopted.latest == ordinal(act_date)  # not widened
    assert [a.date.text for a in adopted.alternatives if a.rejected] == rejected
    assert all(a.rejected.strip() for a in adopted.alternatives if a.rejected)
    standing = [a for a in adopted.alternatives if not a.rejected]
    assert [a.date.text for a in standing] == [act_date]
    # check lists every alternative, rejected ones with their reason
    line = next(p.message for p in kz.notes() if p.path.endswith(f"{measure}.yaml"))
    assert line.count("rejected:") == len(rejected)


def test_the_2016_bill_introduction_records_both_reports(kz):
    introduced = kz.measures["law-2016-countering-extremism-terrorism-amendments"] \
        .dates.introduced
    assert introduced.conflicting
    assert (introduced.earliest, introduced.latest) == (ordinal("2016-09-07"),
                                                       ordinal("2016-09-08"))
    assert any("law-2016-countering-extremism-terrorism-amendments" in p.path
               or "sources disagree on introduced" in p.message for p in kz.notes())


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


def test_hijab_ban_is_an_order_not_a_law(kz):
    m = kz.measures["order-2016-school-uniform"]
    assert m.kind == "order"
    assert kz.at("2015-06-01").status("prohibition", "hijab-in-schools") == "absent"
    assert kz.at("2016-10-20").status("prohibition", "hijab-in-schools") == "in-force"


def test_knb_anti_terrorism_center_from_29_december_2003(kz):
    key = ("institution", "knb-anti-terrorism-center")
    assert kz.at("2003-12-28").status(*key) == "absent"
    assert kz.at("2003-12-29").status(*key) == "in-force"
    assert kz.at("2014-01-01").status(*key) == "in-force"


SHARED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..",
                      "shared", "sources")


def _norm(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
                    .split())


def _all_refs(kz):
    """Every (source id, quote) pair: measure, effect, rule and date references."""
    pairs = []

    def date_refs(d):
        if d is None:
            return
        if d.ref:
            pairs.append((d.ref, d.quote))
        for alt in d.alternatives:
            pairs.append((alt.ref, alt.quote))

    for m in kz.measures.values():
        pairs += [(r.ref, r.quote) for r in m.sources]
        for e in m.effects:
            refs = list(e.sources) + list(e.with_.sources if e.with_ else ())
            pairs += [(r.ref, r.quote) for r in refs]
            date_refs(e.from_)
            date_refs(e.until)
            date_refs(e.deadline)
        for field in ("introduced", "adopted", "in_force", "expires", "failed"):
            date_refs(getattr(m.dates, field))
    for r in kz.rules.values():
        pairs += [(s.ref, s.quote) for s in r.sources]
    return [(ref, q) for ref, q in pairs if ref]


@pytest.mark.skipif(not os.path.isdir(SHARED), reason="the source documents are not beside "
                    "this checkout (../shared/sources)")
def test_every_quote_is_in_its_source_document(kz):
    """Quotes are the sources' own words: each is found in the document its source names."""
    docs = {}
    for name in os.listdir(SHARED):
        with open(os.path.join(SHARED, name), encoding="utf-8") as f:
            docs[name] = _norm(f.read())
    checked = 0
    for ref, quote in _all_refs(kz):
        src = kz.sources[ref]
        if not quote or src.document not in docs:
            continue
        assert _norm(quote) in docs[src.document], (ref, quote)
        checked += 1
    assert checked >= 150


PARAPHRASES = [  # notes' words once shown as quotes (evidence-2.md section 4): now summaries
    ("criminal-code-2014", "terrorist-act", "vn-legislationline-cc2014"),
    ("criminal-code-2014", "extremist-propaganda", "vn-zakonpravo-extremist-crimes"),
    ("law-2011-religious-activity", "prayer-in-workplace", "vn-moscowtimes-2011"),
    ("law-2016-countering-extremism-terrorism-amendments", None, "vn-sputnik-2016-09-07"),
]


@pytest.mark.parametrize("measure,effect,ref", PARAPHRASES)
def test_paraphrases_are_summaries_not_quotes(kz, measure, effect, ref):
    m = kz.measures[measure]
    refs = m.sources if effect is None else next(e for e in m.effects if e.id == effect).sources
    cited = [r for r in refs if r.ref == ref]
    assert cited and all(r.quote is None and r.summary for r in cited)


def test_quotes_in_other_languages_carry_translations(kz):
    """The Persian names of the seven organizations of March 2005, and every quote of the
    main boundary dates in Kazakh or Russian, have an English translation."""
    seven = kz.measures["court-2005-supreme-court-terrorist-bans"]
    for e in seven.effects:
        (r,) = e.sources
        assert r.ref == "ev2-irna-9232071" and r.quote and r.translation
    for mid in ("criminal-code-1997", "court-2011-jund-al-khilafah", "court-2015-islamic-state",
                "delisting-2023-taliban"):
        d = kz.measures[mid].dates
        d = d.in_force if mid == "criminal-code-1997" else d.adopted
        assert d.quote and d.translation, mid


def test_articles(kz):
    articles = {(m.id, e.id): e.article for m in kz.measures.values() for e in m.effects}
    assert articles[("constitution-1995", "religious-political-party")] == "5(4)"
    assert articles[("criminal-code-1997", "terrorist-act")] == "233"
    assert articles[("law-1999-countering-terrorism", "designate-terrorist-organizations")] == "21"
    assert articles[("criminal-code-2014", "terrorist-act")] == "255"


def test_every_source_is_cited_and_names_a_document_or_a_url(kz):
    """A quote of a stored web page not beside the checkout (no `document`) is at least
    non-empty, and its source has the page's URL; every source is cited somewhere."""
    cited = {ref for ref, _ in _all_refs(kz)}
    for sid, src in kz.sources.items():
        assert src.document or src.url, sid
        if sid.startswith(("web-", "ev2-")) and sid not in ("ev2-eurasiareview-tablighi",
                                                            "ev2-adilet-s090000001",
                                                            "ev2-program-2018"):
            assert src.url, sid  # every new fact cites a URL
    for ref, quote in _all_refs(kz):
        if quote is not None and not kz.sources[ref].document:
            assert quote.strip(), ref
    # where a reference has both, the summary is the curator's words, not the quote again
    for m in kz.measures.values():
        refs = list(m.sources) + [r for e in m.effects for r in e.sources]
        for r in refs:
            if r.quote and r.summary:
                assert _norm(r.summary) != _norm(r.quote), r.ref
    web = {sid for sid in kz.sources if sid.startswith("web-")}
    assert web and web <= cited
