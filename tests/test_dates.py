"""semantics.md section 3: the uncertain-date notation, both sides of every bound.

Each written form is checked against its earliest and latest day, and against the day just
outside each end, so that an off-by-one in either direction fails a test.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kzlaw.dates import NEG, POS, DateError, parse_day, parse_edtf
from kzlaw.loader import structure_date
from kzlaw.yamlfile import parse as parse_yaml


def d(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def contains(ud, day: str) -> bool:
    return ud.earliest <= d(day) <= ud.latest


def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


# written, earliest, latest (None = unbounded)
TABLE = [
    ("1999-07-13", "1999-07-13", "1999-07-13"),
    ("2011-10", "2011-10-01", "2011-10-31"),
    ("2005", "2005-01-01", "2005-12-31"),
    ("2011-21", "2011-03-01", "2011-05-31"),  # spring
    ("2011-22", "2011-06-01", "2011-08-31"),  # summer
    ("2011-23", "2011-09-01", "2011-11-30"),  # autumn
    ("2011-24", "2011-12-01", "2012-02-29"),  # winter crosses the year (2012 is a leap year)
    ("2010-24", "2010-12-01", "2011-02-28"),  # ... and a common year
    ("[2003-09..2003-12]", "2003-09-01", "2003-12-31"),
    ("[..2011]", None, "2011-12-31"),
    ("[2016-09..]", "2016-09-01", None),
    ("[2011-10-05..2012]", "2011-10-05", "2012-12-31"),
    ("[2011-22..2011-10]", "2011-06-01", "2011-10-31"),
    ("2012-02", "2012-02-01", "2012-02-29"),  # leap February
    ("2011-02", "2011-02-01", "2011-02-28"),
    ("2000-02", "2000-02-01", "2000-02-29"),  # divisible by 400: leap
    ("1900-02", "1900-02-01", "1900-02-28"),  # divisible by 100: not leap
    ("2012-02-29", "2012-02-29", "2012-02-29"),
    ("2011-12", "2011-12-01", "2011-12-31"),
    ("0001", "0001-01-01", "0001-12-31"),
    ("9000-12", "9000-12-01", "9000-12-31"),  # the last month a corpus date may name
    ("9000-23", "9000-09-01", "9000-11-30"),
]


@pytest.mark.parametrize("text, earliest, latest", TABLE)
def test_table_bounds(text, earliest, latest):
    ud = parse_edtf(text)
    if earliest is None:
        assert ud.earliest == NEG
    else:
        assert iso(ud.earliest) == earliest
    if latest is None:
        assert ud.latest == POS
    else:
        assert iso(ud.latest) == latest
    assert ud.flag == ""
    assert ud.exact == (earliest == latest and earliest is not None)


@pytest.mark.parametrize("text, earliest, latest", TABLE)
def test_table_both_sides_of_each_bound(text, earliest, latest):
    ud = parse_edtf(text)
    if earliest is not None:
        assert contains(ud, earliest)
        if earliest != "0001-01-01":
            before = (date.fromisoformat(earliest) - timedelta(days=1)).isoformat()
            assert not contains(ud, before)
    if latest is not None:
        assert contains(ud, latest)
        if latest != "9999-12-31":
            after = (date.fromisoformat(latest) + timedelta(days=1)).isoformat()
            assert not contains(ud, after)


def test_month_example_from_the_brief():
    ud = parse_edtf("2011-10")
    assert contains(ud, "2011-10-01") and contains(ud, "2011-10-31")
    assert not contains(ud, "2011-09-30") and not contains(ud, "2011-11-01")


def test_open_ranges_hold_every_day_on_their_open_side():
    before = parse_edtf("[..2011]")
    assert contains(before, "0001-01-01") and contains(before, "2011-12-31")
    assert not contains(before, "2012-01-01")
    after = parse_edtf("[2016-09..]")
    assert contains(after, "9999-12-31") and contains(after, "2016-09-01")
    assert not contains(after, "2016-08-31")


@pytest.mark.parametrize("text, flag, earliest, latest", [
    ("2005?", "?", "2005-01-01", "2005-12-31"),
    ("2005~", "~", "2005-01-01", "2005-12-31"),
    ("2011-10?", "?", "2011-10-01", "2011-10-31"),
    ("1999-07-13~", "~", "1999-07-13", "1999-07-13"),
    ("2011-22?", "?", "2011-06-01", "2011-08-31"),
    ("[2003-09..2003-12]~", "~", "2003-09-01", "2003-12-31"),
    ("[2003-09?..2003-12]", "?", "2003-09-01", "2003-12-31"),
    ("[..2011]?", "?", None, "2011-12-31"),
])
def test_flags_are_kept_and_do_not_move_the_bounds(text, flag, earliest, latest):
    ud = parse_edtf(text)
    assert ud.flag == flag
    plain = parse_edtf(text.replace("?", "").replace("~", ""))
    assert (ud.earliest, ud.latest) == (plain.earliest, plain.latest)
    assert earliest is None or iso(ud.earliest) == earliest
    assert iso(ud.latest) == latest
    # text + flag reads back as the same date
    again = parse_edtf(ud.text + ud.flag)
    assert (again.earliest, again.latest, again.flag) == (ud.earliest, ud.latest, ud.flag)
    assert flag in ud.describe()


@pytest.mark.parametrize("text", [
    "2011-02-30",  # no such day
    "2011-02-29",  # not a leap year
    "1900-02-29",  # not a leap year (century)
    "2011-04-31",
    "2011-13",  # no month 13
    "2011-25",  # no season 25
    "2011-20",  # nor 20
    "2011-00",
    "2011-10-00",
    "2011-10-32",
    "0000",  # no year 0
    "11-10",  # two-digit year
    "2011-10-5",  # one-digit day
    "2011-1",
    "20111",
    "2011/10/05",
    "10/05/2011",
    "October 2011",
    "late 2003",
    "",
    "   ",
    "2011-22-01",  # a season has no days
    "[2012..2011]",  # ends before it starts
    "[2011-10-02..2011-10-01]",
    "[..]",
    "[2011]",  # brackets hold a range
    "[2011..2012",
    "2011..2012]",
    "2011..2012",  # a range needs its brackets
    "[2011..2012..2013]",
    "2011??",
    "2011?~",
    "?2011",
    "2011-10-05T10:00",
    "２０１１",  # non-ASCII digits
    "9999-24",  # winter 9999 runs into year 10000
    "9000-24",  # winter 9000 runs into year 9001, past corpus dates' last year
    "9001", "9999-12", "9999-12-31", "[2000..9001-01]",
])
def test_refused(text):
    with pytest.raises(DateError):
        parse_edtf(text)


def test_refusal_messages_say_why():
    with pytest.raises(DateError, match="not a calendar day"):
        parse_edtf("2011-02-30")
    with pytest.raises(DateError, match="month 13 does not exist"):
        parse_edtf("2011-13")
    with pytest.raises(DateError, match="season 21-24"):
        parse_edtf("2011-25")
    with pytest.raises(DateError, match="ends before it starts"):
        parse_edtf("[2012..2011]")
    with pytest.raises(DateError, match="cannot parse"):
        parse_edtf("2011-10-5")


@pytest.mark.parametrize("value", [None, 2011, ["a", "b"], {"a": 1}])
def test_parse_edtf_refuses_what_is_not_text(value):
    with pytest.raises(DateError):
        parse_edtf(value)


# --- the YAML forms (semantics.md §3): an unquoted [..2011], the mapping, the alternatives -----------

def yaml_date(text: str):
    """The date field ``d`` of a one-line YAML document, as kzlaw's loader structures it."""
    return structure_date(parse_yaml(text)["d"])


@pytest.mark.parametrize("written, earliest, latest", [
    ("[..2011]", None, "2011-12-31"),
    ("[2016-09..]", "2016-09-01", None),
    ("[2003-09..2003-12]", "2003-09-01", "2003-12-31"),
])
def test_unquoted_range_is_a_one_item_list_and_means_the_same(written, earliest, latest):
    raw = parse_yaml(f"d: {written}\n")["d"]
    assert isinstance(raw, list) and len(raw) == 1  # what YAML makes of it
    unquoted, quoted = yaml_date(f"d: {written}\n"), yaml_date(f"d: '{written}'\n")
    assert (unquoted.earliest, unquoted.latest) == (quoted.earliest, quoted.latest)
    assert earliest is None or iso(unquoted.earliest) == earliest
    assert latest is None or iso(unquoted.latest) == latest


def test_plain_scalars_are_text_not_yaml_timestamps_or_numbers():
    ud = yaml_date("d: 1999-07-13\n")
    assert iso(ud.earliest) == iso(ud.latest) == "1999-07-13"
    assert iso(yaml_date("d: 2005\n").latest) == "2005-12-31"


def test_mapping_form_keeps_the_sources_words():
    ud = yaml_date("d: {date: '[2003-09..2003-12]', as_written: late 2003}\n")
    assert (iso(ud.earliest), iso(ud.latest)) == ("2003-09-01", "2003-12-31")
    assert ud.as_written == "late 2003"
    assert "late 2003" in ud.describe() and "[2003-09..2003-12]" in ud.describe()
    assert ud.to_json()["as_written"] == "late 2003"


@pytest.mark.parametrize("text, message", [
    ("d: {as_written: late 2003}\n", "needs 'date'"),
    ("d: {date: 2003, writen: late 2003}\n", "did you mean 'as_written'"),
    ("d: {date: 2003-13}\n", "month 13"),
    ("d: {date: [2003]}\n", "must be text"),
])
def test_mapping_form_refusals(text, message):
    with pytest.raises(DateError, match=message):
        yaml_date(text)


def test_alternatives_give_the_hull_and_keep_each_source():
    ud = yaml_date("d: [{date: 2009-08, ref: almanac-fn42}, {date: 2009-09, ref: almanac}]\n")
    assert (iso(ud.earliest), iso(ud.latest)) == ("2009-08-01", "2009-09-30")
    assert ud.conflicting
    assert [a.ref for a in ud.alternatives] == ["almanac-fn42", "almanac"]
    assert [a.date.text for a in ud.alternatives] == ["2009-08", "2009-09"]
    assert not contains(ud, "2009-07-31") and not contains(ud, "2009-10-01")
    assert "sources disagree" in ud.describe()


def test_alternatives_hull_of_disjoint_and_open_dates():
    ud = yaml_date("d: [{date: 2009-08-28, ref: a}, {date: '[2010..]', ref: b}]\n")
    assert iso(ud.earliest) == "2009-08-28" and ud.latest == POS


@pytest.mark.parametrize("text, message", [
    ("d: [{date: 2009-08}, {date: 2009-09, ref: b}]\n", "needs both 'date' and 'ref'"),
    ("d: [{ref: a}, {date: 2009-09, ref: b}]\n", "needs both 'date' and 'ref'"),
    ("d: [{date: 2009-08, ref: a}]\n", "at least two"),
    ("d: [{date: 2009-08, ref: a}, {date: 2009-13, ref: b}]\n", "month 13"),
    ("d: [{date: 2009-08, ref: a, qoute: x}, {date: 2009-09, ref: b}]\n", "did you mean 'quote'"),
    ("d: [2009-08, 2009-09]\n", "either one range"),
    ("d: []\n", "either one range"),
    ("d: [{date: 2009-08, ref: a}, 2009-09]\n", "either one range"),
])
def test_alternatives_refusals(text, message):
    with pytest.raises(DateError, match=message):
        yaml_date(text)


# --- a question's DATE ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2012-03-01", "2012-02-29", "0001-01-01", "9999-12-31"])
def test_parse_day_accepts_days(text):
    assert parse_day(text) == d(text)


def test_parse_day_accepts_a_date_object():
    assert parse_day(date(2012, 3, 1)) == d("2012-03-01")


@pytest.mark.parametrize("text", [
    "2012-02-30", "2011-02-29", "2012-13-01", "2012-00-10", "2012-04-31", "2012", "2012-03",
    "2012-22", "[2012..2013]", "2012-3-1", "12-03-01", "2012/03/01", "tomorrow", "",
    "２０１２-03-01", "2012-03-01?",
])
def test_parse_day_refuses_what_is_not_one_calendar_day(text):
    with pytest.raises(DateError):
        parse_day(text)


def test_parse_day_messages():
    with pytest.raises(DateError, match="not a calendar day"):
        parse_day("2012-02-30")
    with pytest.raises(DateError, match="write YYYY-MM-DD"):
        parse_day("2012-03")
