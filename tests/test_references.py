"""The words of a reference (docs/corpus-format.md "References"): a verbatim quote, its
translation, the curator's summary; measures' titles in other languages, effects' articles;
rejected date alternatives. Output never puts a summary in quotation marks."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

import kzlaw
from builder import write_corpus, write_text
from kzlaw.cli import main
from kzlaw.corpus import validate
from kzlaw.loader import load_raw

MEASURE = """\
id: m
title: Measure m
kind: law
status: enacted
titles: {ru: Закон о мере, kk: Шара туралы заң}
dates:
  adopted: 2000-01-01
sources:
  - {ref: s1, quote: Запрещается терроризм, translation: Terrorism is prohibited}
  - {ref: s2, summary: The press says the law bans terrorism}
effects:
  - id: e
    prohibits: a
    liability: criminal
    article: "233"
    sources: [{ref: s2, quote: the law bans terrorism, summary: a report of the ban}]
"""
#  5 titles / 8 sources / 9 s1 / 10 s2 / 11 effects / 16 effect sources


def corpus(tmp_path, text=MEASURE, extra=()):
    root = write_corpus(tmp_path / "c")
    write_text(root, "measures/2000/m.yaml", text)
    for rel, body in extra:
        write_text(root, rel, body)
    return root


def problems(root) -> list[str]:
    return [str(p) for p in validate(load_raw(root))]


def run(capsys, *argv) -> tuple[int, str, str]:
    """The command's answer in a terminal wide enough that no line is wrapped."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "400"
    try:
        code = main(list(argv))
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    out = capsys.readouterr()
    return code, out.out, out.err


def test_quotes_translations_summaries_titles_and_articles_are_read(tmp_path):
    c = kzlaw.load(corpus(tmp_path))
    m = c.measures["m"]
    assert dict(m.titles) == {"ru": "Закон о мере", "kk": "Шара туралы заң"}
    assert [(r.quote, r.translation, r.summary) for r in m.sources] == [
        ("Запрещается терроризм", "Terrorism is prohibited", None),
        (None, None, "The press says the law bans terrorism")]
    assert m.effects[0].article == "233"


def test_a_bare_reference_stays_valid(tmp_path):
    text = MEASURE.replace("  - {ref: s2, summary: The press says the law bans terrorism}\n", "") \
        .replace("  - {ref: s1, quote: Запрещается терроризм, translation: Terrorism is prohibited}",
                 "  - {ref: s1}")
    assert problems(corpus(tmp_path, text)) == []


@pytest.mark.parametrize("old, new, expected", [
    ("{ref: s1, quote: Запрещается терроризм, translation: Terrorism is prohibited}",
     "{ref: s1, translation: Terrorism is prohibited}",
     "measures/2000/m.yaml:9: source s1: a translation goes beside the quote it translates: "
     "add quote"),
    ("{ref: s2, summary: The press says the law bans terrorism}", "{ref: s2, summary: '  '}",
     "measures/2000/m.yaml:10: source s2: summary is empty: give the words, or drop the field"),
    ("{ref: s2, quote: the law bans terrorism, summary: a report of the ban}",
     "{ref: s2, quote: the law bans terrorism, summary: the law  bans terrorism}",
     "measures/2000/m.yaml:16: source s2: summary repeats the quote: a summary is the "
     "curator's own words"),
    ("{ref: s2, summary: The press says the law bans terrorism}",
     "{ref: s2, sumary: The press says the law bans terrorism}",
     "measures/2000/m.yaml:10: unknown field 'sumary' (did you mean 'summary'?)"),
    ("titles: {ru: Закон о мере, kk: Шара туралы заң}", "titles: {Russian: Закон о мере}",
     "measures/2000/m.yaml:5: titles: 'Russian' is not a language code (e.g. ru, kk, en)"),
    ("titles: {ru: Закон о мере, kk: Шара туралы заң}", "titles: [Закон о мере]",
     "measures/2000/m.yaml:5: titles: expected a mapping of language codes to titles, found a "
     "list"),
    ('    article: "233"', "    article: [233]",
     "measures/2000/m.yaml:15: effects.0.article: expected text, found a list"),
])
def test_bad_words_titles_and_articles_are_located(tmp_path, old, new, expected):
    assert old in MEASURE
    assert problems(corpus(tmp_path, MEASURE.replace(old, new))) == [expected]


def test_explain_quotes_a_quote_and_never_a_summary(tmp_path, capsys):
    root = corpus(tmp_path)
    code, out, _ = run(capsys, "--data", root, "--no-cache", "explain", "prohibition", "a",
                       "--at", "2000-06-01")
    assert code == 0
    assert '"the law bans terrorism"' in out
    assert "summary: a report of the ban" in out
    assert '"a report of the ban"' not in out
    assert "[article 233]" in out
    assert "title (ru): Закон о мере" in out


def test_show_puts_quotes_in_quotation_marks_and_summaries_plainly(tmp_path, capsys):
    root = corpus(tmp_path)
    code, out, _ = run(capsys, "--data", root, "--no-cache", "show", "m")
    assert code == 0
    assert '"Запрещается терроризм" translation: Terrorism is prohibited' in out
    assert "s2: summary: The press says the law bans terrorism" in out
    assert '"The press says' not in out
    assert "title (kk)" in out and "Шара туралы заң" in out
    assert "[article 233]" in out


def test_json_carries_the_words_the_titles_and_the_article(tmp_path, capsys):
    root = corpus(tmp_path)
    _, out, _ = run(capsys, "--data", root, "--no-cache", "show", "m", "--format", "json")
    data = json.loads(out)
    assert data["titles"] == {"ru": "Закон о мере", "kk": "Шара туралы заң"}
    assert data["sources"][0]["translation"] == "Terrorism is prohibited"
    assert data["sources"][1] == {"ref": "s2", "summary": "The press says the law bans terrorism",
                                  "citation": "Source two", "kind": "press"}
    assert data["effects"][0]["article"] == "233"
    _, out, _ = run(capsys, "--data", root, "--no-cache", "explain", "prohibition", "a", "--at",
                    "2000-06-01", "--format", "json")
    [effect] = json.loads(out)["effects"]
    assert effect["article"] == "233" and effect["titles"]["ru"] == "Закон о мере"


def test_an_amendment_shows_the_article_of_the_amended_text(tmp_path, capsys):
    amending = """\
id: n
title: Measure n
kind: amendment
status: enacted
dates: {adopted: 2001-01-01}
sources: [{ref: s1, summary: amends m}]
effects:
  - id: e2
    amends: m#e
    article: "1"
    with: {prohibits: a, liability: administrative, article: 233-1}
"""
    root = corpus(tmp_path, extra=[("measures/2000/n.yaml", amending)])
    _, out, _ = run(capsys, "--data", root, "--no-cache", "show", "n", "--format", "json")
    [effect] = json.loads(out)["effects"]
    assert effect["article"] == "233-1"
    assert effect["effect"] == ("amends m#e [article 1]: prohibits a (liability: administrative) "
                                "[article 233-1]")


# --- rejected alternatives -----------------------------------------------------------------

REJECTED = """\
id: m
title: Measure m
kind: law
status: enacted
dates:
  adopted:
    - {date: 2000-03-01, ref: s1, quote: adopted on 1 March 2000}
    - {date: 2000-03-10, ref: s2}
    - {date: 2000-09, ref: s2, rejected: the act itself is dated March 2000}
sources: [{ref: s1, quote: words}]
effects:
  - {id: e, prohibits: a}
"""


def day(text):
    return date.fromisoformat(text).toordinal()


def test_a_rejected_alternative_does_not_widen_the_range(tmp_path):
    c = kzlaw.load(corpus(tmp_path, REJECTED))
    adopted = c.measures["m"].dates.adopted
    assert (adopted.earliest, adopted.latest) == (day("2000-03-01"), day("2000-03-10"))
    assert [a.rejected for a in adopted.alternatives] == [
        None, None, "the act itself is dated March 2000"]
    assert c.at("2000-02-29").status("prohibition", "a") == "absent"
    assert c.at("2000-03-01").status("prohibition", "a") == "uncertain"
    assert c.at("2000-03-09").status("prohibition", "a") == "uncertain"
    assert c.at("2000-03-10").status("prohibition", "a") == "in-force"
    # without the rejection September would widen the range to 2000-09-30
    widened = kzlaw.load(corpus(tmp_path / "w", REJECTED.replace(
        ", rejected: the act itself is dated March 2000", "")))
    assert widened.at("2000-03-10").status("prohibition", "a") == "uncertain"
    assert widened.at("2000-09-30").status("prohibition", "a") == "in-force"


def test_one_standing_alternative_is_the_date(tmp_path):
    text = REJECTED.replace("    - {date: 2000-03-10, ref: s2}\n", "")
    c = kzlaw.load(corpus(tmp_path, text))
    assert c.at("2000-02-29").status("prohibition", "a") == "absent"
    assert c.at("2000-03-01").status("prohibition", "a") == "in-force"


def test_check_lists_a_rejected_alternative_with_its_reason(tmp_path, capsys):
    code, out, _ = run(capsys, "--data", corpus(tmp_path, REJECTED), "--no-cache", "check")
    assert code == 0
    [line] = [x for x in out.splitlines() if "sources disagree" in x]
    assert line.startswith("measures/2000/m.yaml:6: sources disagree on adopted: ")
    assert "2000-09 (s2) rejected: the act itself is dated March 2000" in line
    assert line.endswith("using 2000-03-01..2000-03-10")


def test_show_and_timeline_show_the_rejected_alternative_and_why(tmp_path, capsys):
    root = corpus(tmp_path, REJECTED)
    _, out, _ = run(capsys, "--data", root, "--no-cache", "show", "m")
    assert "2000-09 per s2 (rejected: the act itself is dated March 2000)" in out
    _, out, _ = run(capsys, "--data", root, "--no-cache", "timeline", "--format", "json")
    [event] = json.loads(out)["events"]
    assert event["alternatives"][2] == {"date": "2000-09", "ref": "s2",
                                        "rejected": "the act itself is dated March 2000"}
    assert event["range"] == "2000-03-01..2000-03-10"


@pytest.mark.parametrize("old, new, expected", [
    ("    - {date: 2000-03-01, ref: s1, quote: adopted on 1 March 2000}\n"
     "    - {date: 2000-03-10, ref: s2}\n",
     "    - {date: 2000-03-01, ref: s1, rejected: a typo}\n"
     "    - {date: 2000-03-10, ref: s2, rejected: a typo}\n",
     "measures/2000/m.yaml:6: dates.adopted: every alternative is rejected: at least one must "
     "stand"),
    ("rejected: the act itself is dated March 2000", "rejected: ''",
     "measures/2000/m.yaml:9: dates.adopted: alternative 3: rejected needs the reason the "
     "curator set it aside"),
    ("rejected: the act itself is dated March 2000", "rejected: [no]",
     "measures/2000/m.yaml:9: dates.adopted: alternative 3: rejected must be text"),
    ("rejected: the act itself is dated March 2000", "rejectd: yes",
     "measures/2000/m.yaml:9: dates.adopted: alternative 3: unknown field 'rejectd' (did you "
     "mean 'rejected'?)"),
])
def test_bad_rejections_are_located(tmp_path, old, new, expected):
    assert old in REJECTED
    assert problems(corpus(tmp_path, REJECTED.replace(old, new))) == [expected]


# --- the ids every version of the bundled corpus uses (docs/corpus-format.md "Fixed ids") -----

FIXED_IDS = {
    "acts": "terrorist-act extremist-propaganda advocacy-of-terrorism incitement-to-terrorism "
            "leading-terrorist-group participation-in-terrorist-group financing-of-terrorism "
            "financing-of-extremism membership-in-banned-organization religious-political-party "
            "prayer-in-workplace worship-in-prisons hijab-in-schools "
            "unregistered-religious-activity",
    "organizations": "hizb-ut-tahrir islamic-movement-of-uzbekistan al-qaeda taliban "
                     "muslim-brotherhood islamic-party-of-turkestan kongra-gel boz-kurt "
                     "lashkar-e-taiba social-reforms-society asbat-al-ansar "
                     "jamaat-of-central-asian-mujahedins east-turkistan-liberation-organization "
                     "aum-shinrikyo islamic-party-of-east-turkestan islamic-jihad-union "
                     "jund-al-khilafah tablighi-jamaat islamic-state jabhat-al-nusra",
    "institutions": "knb-anti-terrorism-center agency-for-religious-affairs "
                    "ministry-of-religious-affairs-and-civil-society "
                    "committee-for-religious-affairs",
    "powers": "designate-extremist-organizations designate-terrorist-organizations "
              "block-extremist-websites",
    "duties": "re-registration-of-religious-groups registration-of-religious-associations "
              "registration-of-missionaries counterterrorism-duties-of-state-agencies",
    "penalties": "forfeiture-of-property",
    "categories": "terrorism-related",
}
KEYS = {"acts": "prohibits", "organizations": "designates", "institutions": "establishes",
        "powers": "empowers", "duties": "requires"}


def test_the_loader_accepts_every_fixed_id(tmp_path):
    vocabulary = {section: {i: {"label": i} for i in ids.split()}
                  for section, ids in FIXED_IDS.items()}
    effects = [{"id": f"e{n}", key: ident}
               for n, (key, ident) in enumerate((KEYS[s], i) for s in KEYS
                                                for i in FIXED_IDS[s].split())]
    effects.append({"id": "pen", "penalizes": "terrorism-related",
                    "penalty": "forfeiture-of-property"})
    from builder import measure
    root = write_corpus(tmp_path / "ids", [measure("m", "2000-01-01", effects)],
                        vocabulary=vocabulary)
    c = kzlaw.load(root)
    state = c.at("2000-01-01")
    assert {f.target for f in state} == {i for s in FIXED_IDS.values() for i in s.split()
                                         if s not in (FIXED_IDS["penalties"],)}
