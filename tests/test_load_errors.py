"""semantics.md sections 2, 4-6 and 8 (issue 2 item 4): every loader and checker error, with the exact
file and line it names, and the way the command line reports them (issue 2 item 6, semantics.md §9).

Files are written as YAML text so that the line of each mistake is known exactly.
"""

from __future__ import annotations

import os

import pytest

import kzlaw
from builder import DEFAULT_SOURCES, DEFAULT_VOCABULARY, write_corpus, write_text
from kzlaw.cli import main
from kzlaw.corpus import validate
from kzlaw.loader import load_raw
from kzlaw.problems import KzlawError

VOCABULARY = {**DEFAULT_VOCABULARY,
              "acts": {**DEFAULT_VOCABULARY["acts"],
                       "membership-in-banned-organization": {"label": "Membership"}}}

# A valid measure; the numbers on the right are line numbers used by the tests below.
GOOD = """\
id: m
title: Measure m
kind: law
status: enacted
dates:
  adopted: 2000-01-01
sources:
  - {ref: s1, quote: words}
effects:
  - id: e
    prohibits: a
    liability: criminal
"""
#   1 id / 2 title / 3 kind / 4 status / 5 dates / 6 adopted / 7 sources / 8 ref s1
#   9 effects / 10 - id: e / 11 prohibits / 12 liability


def corpus(tmp_path, files: dict[str, str], vocabulary=None, sources=None) -> str:
    """A small valid corpus plus the given files (relative path -> YAML text)."""
    root = write_corpus(tmp_path / "c", vocabulary=vocabulary or VOCABULARY,
                        sources=sources or DEFAULT_SOURCES)
    for rel, text in files.items():
        write_text(root, rel, text)
    return root


def problems(root) -> list[str]:
    return [str(p) for p in validate(load_raw(root))]


def one_measure(tmp_path, text: str, rel: str = "measures/2000/m.yaml", **files) -> list[str]:
    return problems(corpus(tmp_path, {rel: text, **files}))


def test_the_base_corpus_is_valid(tmp_path):
    assert problems(corpus(tmp_path, {"measures/2000/m.yaml": GOOD})) == []


# --- unknown fields, duplicate keys ----------------------------------------------------------

def test_unknown_top_level_field_with_suggestion(tmp_path):
    text = GOOD.replace("kind: law\n", "kind: law\nstatuss: enacted\n")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:4: unknown field 'statuss' (did you mean 'status'?)"]


def test_unknown_effect_field_with_suggestion(tmp_path):
    text = GOOD + "    liabilty: criminal\n"
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:13: unknown field 'liabilty' (did you mean 'liability'?)"]


def test_unknown_dates_field_with_suggestion(tmp_path):
    text = GOOD.replace("  adopted: 2000-01-01\n", "  adopted: 2000-01-01\n  inforce: 2000-02\n")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:7: unknown field 'inforce' (did you mean 'in_force'?)"]


def test_unknown_source_ref_field(tmp_path):
    text = GOOD.replace("{ref: s1, quote: words}", "{ref: s1, qoute: words}")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:8: unknown field 'qoute' (did you mean 'quote'?)"]


def test_duplicate_key(tmp_path):
    text = GOOD.replace("kind: law\n", "kind: law\nkind: code\n")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:4: duplicate key 'kind' (first at line 3)"]


def test_duplicate_key_in_an_effect(tmp_path):
    text = GOOD + "    liability: administrative\n"
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:13: duplicate key 'liability' (first at line 12)"]


def test_missing_required_field(tmp_path):
    text = GOOD.replace("title: Measure m\n", "")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:1: missing required field 'title'"]


def test_wrong_choice_is_reported_on_its_line_with_a_suggestion(tmp_path):
    text = GOOD.replace("status: enacted", "status: enacte")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:4: status 'enacte' is not one of enacted, pending, failed, reported "
        "(did you mean 'enacted'?)"]


def test_yaml_boolean_is_a_word_and_is_refused_as_a_status(tmp_path):
    text = GOOD.replace("status: enacted", "status: yes")
    [p] = one_measure(tmp_path, text)
    assert p.startswith("measures/2000/m.yaml:4: status 'yes' is not one of enacted, pending")
    assert "plain words, not booleans" in p


def test_liability_choice_in_an_effect(tmp_path):
    text = GOOD.replace("liability: criminal", "liability: criminall")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:12: effects.0: liability 'criminall' is not one of criminal, "
        "administrative, constitutional, regulatory (did you mean 'criminal'?)"]


def test_number_with_a_leading_zero_stays_text(tmp_path):
    text = GOOD.replace("kind: law\n", "kind: law\nnumber: 0416\n")
    root = corpus(tmp_path, {"measures/2000/m.yaml": text})
    assert problems(root) == []
    assert kzlaw.load(root).measures["m"].number == "0416"


# --- ids ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("ident", ["../x", "M", "a_b", "a--b", "-a", "a-", "a b", "a/b", "é",
                                   "x" * 81, "''"])
def test_id_that_is_not_a_slug(tmp_path, ident):
    text = GOOD.replace("id: m\n", f"id: {ident}\n", 1)
    [p] = one_measure(tmp_path, text)
    assert p.startswith("measures/2000/m.yaml:1: id ")
    assert "is not a slug" in p


def test_id_not_matching_the_file_name(tmp_path):
    text = GOOD.replace("id: m\n", "id: other\n", 1)
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:1: id 'other' does not match the file name 'm.yaml'"]


def test_missing_id(tmp_path):
    text = GOOD.replace("id: m\n", "", 1)
    assert one_measure(tmp_path, text) == ["measures/2000/m.yaml:1: missing required field 'id'"]


def test_duplicate_measure_id_across_year_folders(tmp_path):
    root = corpus(tmp_path, {"measures/2000/m.yaml": GOOD, "measures/2001/m.yaml": GOOD})
    assert problems(root) == [
        "measures/2001/m.yaml:1: duplicate measure id 'm' (also in measures/2000/m.yaml)"]


def test_duplicate_effect_id(tmp_path):
    text = GOOD + "  - id: e\n    prohibits: b\n"
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:13: duplicate effect id 'e' in this measure"]


def test_effect_id_not_a_slug(tmp_path):
    text = GOOD.replace("  - id: e\n", "  - id: E\n")
    [p] = one_measure(tmp_path, text)
    assert p.startswith("measures/2000/m.yaml:10: effects.0: id 'E' is not an id")


def test_measure_outside_a_year_folder(tmp_path):
    assert one_measure(tmp_path, GOOD, rel="measures/m.yaml") == [
        "measures/m.yaml: a measure file belongs in measures/<year>/<id>.yaml"]


def test_yml_extension(tmp_path):
    assert one_measure(tmp_path, GOOD, rel="measures/2000/m.yml") == [
        "measures/2000/m.yml: corpus files end in .yaml, not .yml"]


def test_vocabulary_id_not_a_slug(tmp_path):
    root = corpus(tmp_path, {"measures/vocabulary.yaml": "acts:\n  a: {label: A}\n"
                                                          "  Bad_Id: {label: B}\n"})
    assert problems(root) == ["measures/vocabulary.yaml:3: acts: 'Bad_Id' is not a slug"]


def test_unknown_vocabulary_section(tmp_path):
    root = corpus(tmp_path, {"measures/vocabulary.yaml": "acts:\n  a: {label: A}\n"
                                                          "organisations:\n  o: {label: O}\n"})
    assert problems(root) == [
        "measures/vocabulary.yaml:3: unknown vocabulary section 'organisations' "
        "(did you mean 'organizations'?)"]


def test_source_id_not_a_slug_and_bad_kind(tmp_path):
    root = corpus(tmp_path, {"measures/sources.yaml":
                             "s1: {citation: One, kind: primary}\n"
                             "S 2: {citation: Two, kind: press}\n"
                             "s3: {citation: Three, kind: blog}\n"})
    assert problems(root) == [
        "measures/sources.yaml:2: source id 'S 2' is not a slug",
        "measures/sources.yaml:3: kind 'blog' is not one of primary, official-report, press, "
        "ngo, academic"]


# --- references, with "did you mean" --------------------------------------------------------

def test_unknown_act_with_suggestion_the_example_of_the_brief(tmp_path):
    text = GOOD.replace("prohibits: a", "prohibits: membrship-in-banned-organization")
    assert one_measure(tmp_path, text, rel="measures/2005/m.yaml") == [
        "measures/2005/m.yaml:11: unknown act 'membrship-in-banned-organization' "
        "(did you mean 'membership-in-banned-organization'?)"]


@pytest.mark.parametrize("effect, message", [
    ("designates: oo\n    as: terrorist", "unknown organization 'oo' (did you mean 'o'?)"),
    ("establishes: ii", "unknown institution 'ii' (did you mean 'i'?)"),
    ("empowers: pp", "unknown power 'pp' (did you mean 'p'?)"),
    ("requires: dd", "unknown duty 'dd' (did you mean 'd'?)"),
    ("penalizes: cc\n    penalty: f", "unknown act or category 'cc' (did you mean 'c'?)"),
])
def test_unknown_vocabulary_of_each_kind(tmp_path, effect, message):
    text = GOOD.replace("prohibits: a\n    liability: criminal", effect)
    assert one_measure(tmp_path, text) == [f"measures/2000/m.yaml:11: {message}"]


def test_unknown_penalty(tmp_path):
    text = GOOD.replace("prohibits: a\n    liability: criminal", "penalizes: a\n    penalty: ff")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:12: unknown penalty 'ff' (did you mean 'f'?)"]


def test_penalizes_without_penalty(tmp_path):
    text = GOOD.replace("prohibits: a\n    liability: criminal", "penalizes: a")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:11: a 'penalizes' effect needs 'penalty:'"]


def test_attribute_of_another_kind(tmp_path):
    text = GOOD.replace("prohibits: a\n    liability: criminal",
                        "establishes: i\n    as: terrorist")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:12: 'as' belongs to a 'designates' effect, not 'establishes'"]


def test_unknown_category_in_vocabulary(tmp_path):
    root = corpus(tmp_path, {"measures/vocabulary.yaml":
                             "acts:\n  a: {label: A, categories: [terrorism]}\n"
                             "categories:\n  terrorism-related: {label: T}\n"})
    assert problems(root) == [
        "measures/vocabulary.yaml:2: unknown category 'terrorism' "
        "(did you mean 'terrorism-related'?)"]


def test_unknown_source_ref(tmp_path):
    text = GOOD.replace("{ref: s1, quote: words}", "{ref: s11, quote: words}")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:8: unknown source 's11' (did you mean 's1'?); "
        "add it to measures/sources.yaml"]


def test_unknown_source_ref_in_an_effect(tmp_path):
    text = GOOD + "    sources: [{ref: s3}]\n"
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:13: unknown source 's3'; "
        "add it to measures/sources.yaml"]


def test_unknown_source_in_a_date_alternative(tmp_path):
    text = GOOD.replace("  adopted: 2000-01-01\n",
                        "  adopted: [{date: 2000-01, ref: s1}, {date: 2000-02, ref: s9}]\n")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:6: unknown source 's9'; "
        "add it to measures/sources.yaml"]


def test_measure_without_sources(tmp_path):
    text = GOOD.replace("sources:\n  - {ref: s1, quote: words}\n", "sources: []\n")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:7: a measure cites at least one source ({ref: ..., quote: ...})"]


def test_measure_with_no_sources_field(tmp_path):
    text = GOOD.replace("sources:\n  - {ref: s1, quote: words}\n", "")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:1: missing required field 'sources'"]


# --- effects: kinds and changing effects ----------------------------------------------------

def test_effect_with_no_kind(tmp_path):
    text = GOOD.replace("    prohibits: a\n    liability: criminal\n", "    note: nothing\n")
    [p] = one_measure(tmp_path, text)
    assert p.startswith("measures/2000/m.yaml:10: effect has no kind: give exactly one of ")


def test_effect_with_two_kinds(tmp_path):
    text = GOOD + "    designates: o\n"
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:10: effect has 2 kinds (prohibits and designates): "
        "split it into 2 effects"]


def test_effect_that_is_not_a_mapping(tmp_path):
    text = GOOD + "  - just words\n"
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:13: effects.1: expected a mapping, found 'just words'"]


CHANGER = """\
id: n
title: Measure n
kind: law
status: enacted
dates: {adopted: 2005}
sources: [{ref: s1}]
effects:
  - id: r
    {change}
"""


def changer(change: str) -> str:
    return CHANGER.replace("{change}", change)


@pytest.mark.parametrize("change, message", [
    ("repeals: mm", "unknown measure 'mm' (did you mean 'm'?)"),
    ("repeals: m#ee", "unknown effect of m 'ee' (did you mean 'e'?)"),
    ("replaces: mm", "unknown measure 'mm' (did you mean 'm'?)"),
    ("replaces: m#e", "'replaces' names a whole measure, not an effect ('m#e')"),
    ("amends: m\n    with: {prohibits: b}", "'amends' names one effect: MEASURE#EFFECT, not 'm'"),
    ("amends: m#ee\n    with: {prohibits: b}", "unknown effect of m 'ee' (did you mean 'e'?)"),
    ("amends: m#e", "an 'amends' effect needs 'with:' (the effect as amended)"),
    ("repeals: n", "a measure cannot repeal itself"),
    ("repeals: ../m", "repeals target '../m' is not MEASURE or MEASURE#EFFECT"),
])
def test_changing_effect_with_a_missing_target(tmp_path, change, message):
    root = corpus(tmp_path, {"measures/2000/m.yaml": GOOD, "measures/2005/n.yaml": changer(change)})
    assert problems(root) == [f"measures/2005/n.yaml:9: {message}"]


def test_amends_with_an_unknown_act(tmp_path):
    root = corpus(tmp_path, {"measures/2000/m.yaml": GOOD,
                             "measures/2005/n.yaml":
                             changer("amends: m#e\n    with: {prohibits: bb}")})
    assert problems(root) == ["measures/2005/n.yaml:10: unknown act 'bb' (did you mean 'b'?)"]


def test_amends_with_a_changing_effect(tmp_path):
    root = corpus(tmp_path, {"measures/2000/m.yaml": GOOD,
                             "measures/2005/n.yaml":
                             changer("amends: m#e\n    with: {repeals: m}")})
    assert problems(root) == [
        "measures/2005/n.yaml:10: 'with' holds an establishing effect, not 'repeals'"]


@pytest.mark.parametrize("status", ["pending", "failed"])
def test_changing_effect_on_a_pending_or_failed_measure(tmp_path, status):
    bill = GOOD.replace("status: enacted", f"status: {status}")
    root = corpus(tmp_path, {"measures/2000/m.yaml": bill,
                             "measures/2005/n.yaml": changer("repeals: m")})
    assert problems(root) == [
        f"measures/2005/n.yaml:9: repeals 'm', which is a {status} measure and never had effects"]


def test_amending_a_repeal_is_refused(tmp_path):
    root = corpus(tmp_path, {
        "measures/2000/m.yaml": GOOD,
        "measures/2005/n.yaml": changer("repeals: m#e"),
        "measures/2006/k.yaml": changer("amends: n#r\n    with: {prohibits: b}")
        .replace("id: n", "id: k").replace("2005", "2006")})
    assert problems(root) == [
        "measures/2006/k.yaml:9: amends 'n#r', which is a 'repeals' effect: only establishing "
        "effects can be amended"]


def test_reference_to_a_broken_measure_is_not_reported_twice(tmp_path):
    root = corpus(tmp_path, {"measures/2000/m.yaml": "id: m\ntitle: [unclosed\n",
                             "measures/2005/n.yaml": changer("repeals: m")})
    [p] = problems(root)
    assert p.startswith("measures/2000/m.yaml:")


def test_enacted_measure_without_adopted(tmp_path):
    text = GOOD.replace("  adopted: 2000-01-01\n", "  in_force: 2000-01-01\n")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:5: an enacted measure needs dates.adopted"]


def test_pending_measure_with_in_force(tmp_path):
    text = GOOD.replace("status: enacted", "status: pending").replace(
        "  adopted: 2000-01-01\n", "  introduced: 2000-01-01\n  in_force: 2001\n")
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:7: a pending measure is not in force: drop dates.in_force"]


def test_effect_that_ends_before_it_starts(tmp_path):
    text = GOOD + "    until: 1999\n"
    [p] = one_measure(tmp_path, text)
    assert p.startswith("measures/2000/m.yaml:13: effect 'e' ends (until 1999")
    assert "before it starts" in p


def test_measure_that_expires_before_it_comes_into_force(tmp_path):
    text = GOOD.replace("  adopted: 2000-01-01\n", "  adopted: 2000-01-01\n  expires: 1999\n")
    [p] = one_measure(tmp_path, text)
    assert p.startswith("measures/2000/m.yaml:7: dates.expires 1999")


def test_in_force_before_adopted(tmp_path):
    text = GOOD.replace("  adopted: 2000-01-01\n", "  adopted: 2000-01-01\n  in_force: 1999\n")
    [p] = one_measure(tmp_path, text)
    assert p.startswith("measures/2000/m.yaml:7: dates.in_force 1999")


# --- dates that do not parse ------------------------------------------------------------------

@pytest.mark.parametrize("written, message", [
    ("2011-02-30", "'2011-02-30' is not a calendar day"),
    ("2011-13", "'2011-13': month 13 does not exist (01-12, or a season 21-24)"),
    ("2011-25", "'2011-25': month 25 does not exist (01-12, or a season 21-24)"),
    ("soon", "cannot parse date 'soon'"),
    ("'[2012..2011]'", "date range '[2012..2011]' ends before it starts"),
    ("{as_written: late 2003}", "a date written as a mapping needs 'date'"),
    ("[{date: 2009-08, ref: s1}]", "a list of alternatives needs at least two"),
])
def test_dates_that_do_not_parse(tmp_path, written, message):
    text = GOOD.replace("  adopted: 2000-01-01\n", f"  adopted: {written}\n")
    [p] = one_measure(tmp_path, text)
    assert p.startswith("measures/2000/m.yaml:6: dates.adopted: ")
    assert message in p


def test_effect_date_that_does_not_parse(tmp_path):
    text = GOOD + "    from: 2011-02-30\n"
    assert one_measure(tmp_path, text) == [
        "measures/2000/m.yaml:13: effects.0.from: '2011-02-30' is not a calendar day"]


def test_source_published_date_that_does_not_parse(tmp_path):
    root = corpus(tmp_path, {"measures/sources.yaml":
                             "s1: {citation: One, kind: primary}\n"
                             "s2:\n  citation: Two\n  kind: press\n  published: 2011-13\n"})
    assert problems(root) == [
        "measures/sources.yaml:5: published: '2011-13': month 13 does not exist "
        "(01-12, or a season 21-24)"]


# --- files that are not corpus files ----------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("", "measures/2000/m.yaml:1: file is empty"),
    ("# only a comment\n", "measures/2000/m.yaml:1: file is empty"),
    ("- a\n- b\n", "measures/2000/m.yaml:1: expected a mapping at the top of the file, "
                   "found a list"),
    ("just words\n", "measures/2000/m.yaml:1: expected a mapping at the top of the file, "
                     "found 'just words'"),
    ("id: m\n---\nid: m\n", "measures/2000/m.yaml:2: more than one YAML document in the file"),
    ("id: m\ntitle: &t T\n",
     "measures/2000/m.yaml:2: anchors (&t) are not allowed in corpus files"),
    ("id: m\ntitle: !foo T\n", "measures/2000/m.yaml:2: explicit tag '!foo' is not allowed "
                               "(write plain text)"),
    ("id: m\ntitle: !!python/object/apply:os.system ['true']\n",
     "measures/2000/m.yaml:2: explicit tag 'tag:yaml.org,2002:python/object/apply:os.system' "
     "is not allowed"),
    ("id: m\ntitle: [a\n", "measures/2000/m.yaml:3: YAML syntax error: did not find expected "
                           "',' or ']'"),
])
def test_unusable_files(tmp_path, text, message):
    assert one_measure(tmp_path, text) == [message]


def test_missing_vocabulary_and_sources(tmp_path):
    root = corpus(tmp_path, {})
    os.remove(os.path.join(root, "measures", "vocabulary.yaml"))
    os.remove(os.path.join(root, "measures", "sources.yaml"))
    assert problems(root) == [
        "measures/sources.yaml: missing: every corpus needs this file",
        "measures/vocabulary.yaml: missing: every corpus needs this file"]


def test_not_a_corpus(tmp_path):
    with pytest.raises(KzlawError, match="not a kzlaw corpus: no measures/ folder"):
        kzlaw.load(str(tmp_path))


# --- rules: the static checks of semantics.md §8 -------------------------------------------------------

RULE = """\
id: r
description: A rule.
when:
  - designation: '?org'
  - prohibition: membership
then:
  prohibition: membership
  about: '?org'
"""
#  1 id / 2 description / 3 when / 4 designation / 5 prohibition / 6 then / 7 prohibition / 8 about


def rule_problems(tmp_path, text: str, rel: str = "rules/r.yaml", **more) -> list[str]:
    return problems(corpus(tmp_path, {rel: text, **more}))


def test_the_base_rule_is_valid(tmp_path):
    assert rule_problems(tmp_path, RULE) == []


@pytest.mark.parametrize("old, new, message", [
    ("- prohibition: membership", "- designation: oo",
     "rules/r.yaml:5: unknown designation target 'oo' (did you mean 'o'?)"),
    ("- prohibition: membership", "- prohibition: membershp",
     "rules/r.yaml:5: unknown prohibition target 'membershp' (did you mean 'membership'?)"),
    ("designation: '?org'", "designaton: '?org'",
     "rules/r.yaml:4: unknown fact kind 'designaton' (did you mean 'designation'?)"),
    ("about: '?org'", "about: '?x'", "rules/r.yaml:7: unsafe variable ?x in 'then': no positive "
                                     "pattern of 'when' binds it"),
    ("designation: '?org'", "designation: '?org'\n    about: zz",
     "rules/r.yaml:4: unknown id 'zz' in about"),
    ("designation: '?org'", "designation: Bad Id",
     "rules/r.yaml:4: target 'Bad Id' is neither an id nor a ?variable"),
    ("description: A rule.", "descripton: A rule.",
     "rules/r.yaml:2: unknown field 'descripton' (did you mean 'description'?)"),
])
def test_rule_static_checks(tmp_path, old, new, message):
    assert rule_problems(tmp_path, RULE.replace(old, new)) == [message]


def test_rule_unsafe_variable_in_a_negated_pattern(tmp_path):
    text = RULE.replace("  - prohibition: membership\n",
                        "  - prohibition: membership\n  - not: {designation: '?other'}\n")
    assert rule_problems(tmp_path, text) == [
        "rules/r.yaml:6: unsafe variable ?other in a negated pattern: no positive pattern of "
        "'when' binds it"]


def test_rule_pattern_with_two_kinds(tmp_path):
    text = RULE.replace("  - prohibition: membership\n",
                        "  - prohibition: membership\n    designation: o\n")
    assert rule_problems(tmp_path, text) == [
        "rules/r.yaml:5: a pattern has exactly one KIND: TARGET, found prohibition, designation"]


def test_rule_with_both_then_and_check(tmp_path):
    text = RULE + "check: Something is wrong\n"
    assert rule_problems(tmp_path, text) == [
        "rules/r.yaml:1: a rule has exactly one of 'then:' (a derived fact) and 'check:' "
        "(an integrity message)"]


def test_rule_with_neither_then_nor_check(tmp_path):
    text = RULE.split("then:")[0]
    assert rule_problems(tmp_path, text) == [
        "rules/r.yaml:1: a rule has exactly one of 'then:' (a derived fact) and 'check:' "
        "(an integrity message)"]


def test_rule_without_when(tmp_path):
    text = "id: r\ncheck: x\n"
    assert rule_problems(tmp_path, text) == [
        "rules/r.yaml:1: a rule needs 'when:', a list of at least one pattern"]


def test_rule_only_negated(tmp_path):
    text = "id: r\nwhen:\n  - not: {designation: o}\ncheck: x\n"
    assert rule_problems(tmp_path, text) == [
        "rules/r.yaml:1: a rule needs at least one pattern that is not negated"]


def test_rule_not_with_other_keys(tmp_path):
    text = "id: r\nwhen:\n  - designation: o\n  - not: {designation: q}\n    about: x\ncheck: x\n"
    assert rule_problems(tmp_path, text) == [
        "rules/r.yaml:4: 'not' stands alone in its item: write - not: {KIND: TARGET, about: ...}"]


def test_rule_negation_cycle(tmp_path):
    a = ("id: a\nwhen:\n  - designation: '?o'\n  - not: {prohibition: membership, about: '?o'}\n"
         "then: {power: p, about: '?o'}\n")
    b = ("id: b\nwhen:\n  - designation: '?o'\n  - power: p\n    about: '?o'\n"
         "then: {prohibition: membership, about: '?o'}\n")
    assert problems(corpus(tmp_path, {"rules/a.yaml": a, "rules/b.yaml": b})) == [
        "rules/a.yaml:1: rule depends on itself through 'not' (a -> b -> a): negation must not "
        "be part of a cycle"]


def test_rule_deriving_a_category(tmp_path):
    text = RULE.replace("then:\n  prohibition: membership", "then:\n  category: c")
    assert rule_problems(tmp_path, text) == ["rules/r.yaml:6: a rule cannot derive category facts"]


def test_rule_unknown_source(tmp_path):
    text = RULE + "sources: [{ref: s11}]\n"
    assert rule_problems(tmp_path, text) == [
        "rules/r.yaml:9: unknown source 's11' (did you mean 's1'?); add it to "
        "measures/sources.yaml"]


def test_rule_id_not_matching_file_and_nested_file(tmp_path):
    assert rule_problems(tmp_path, RULE.replace("id: r", "id: s")) == [
        "rules/r.yaml:1: id 's' does not match the file name 'r.yaml'"]


def test_rule_in_a_subfolder(tmp_path):
    assert rule_problems(tmp_path, RULE, rel="rules/x/r.yaml") == [
        "rules/x/r.yaml: a rule file belongs in rules/<id>.yaml"]


# --- all problems at once, and the command line -----------------------------------------------

BROKEN = {
    "measures/2000/a.yaml": GOOD.replace("id: m\n", "id: a\n", 1).replace("prohibits: a",
                                                                            "prohibits: aa"),
    "measures/2000/b.yaml": GOOD.replace("id: m\n", "id: b\n", 1).replace(
        "kind: law\n", "kind: law\nkind: law\n"),
    "measures/2001/c.yaml": GOOD.replace("id: m\n", "id: c\n", 1).replace("2000-01-01",
                                                                            "2001-02-30"),
    "rules/r.yaml": RULE.replace("- prohibition: membership", "- prohibition: membershp"),
}
BROKEN_LINES = [
    "measures/2000/a.yaml:11: unknown act 'aa' (did you mean 'a'?)",
    "measures/2000/b.yaml:4: duplicate key 'kind' (first at line 3)",
    "measures/2001/c.yaml:6: dates.adopted: '2001-02-30' is not a calendar day",
    "rules/r.yaml:5: unknown prohibition target 'membershp' (did you mean 'membership'?)",
]


def run(argv, capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as e:  # argparse
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def test_check_reports_every_problem_at_once(tmp_path, capsys):
    root = corpus(tmp_path, BROKEN)
    code, out, err = run(["--data", root, "check"], capsys)
    assert code == 1
    assert out == ""
    assert err.splitlines() == BROKEN_LINES
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["in-force", "2012-01-01"],
    ["in-force", "2012-01-01", "--format", "json"],
    ["diff", "2000-01-01", "2012-01-01"],
    ["timeline"],
    ["history", "a"],
    ["explain", "prohibition", "a", "--at", "2012-01-01"],
    ["show", "a"],
])
def test_every_command_refuses_a_broken_corpus_the_same_way(tmp_path, capsys, argv):
    root = corpus(tmp_path, BROKEN)
    code, out, err = run(["--data", root] + argv, capsys)
    assert code == 1
    assert out == ""
    assert err.splitlines() == BROKEN_LINES


def test_python_api_raises_with_every_problem(tmp_path):
    root = corpus(tmp_path, BROKEN)
    with pytest.raises(KzlawError) as info:
        kzlaw.load(root)
    assert [str(p) for p in info.value.problems] == BROKEN_LINES


def test_the_bundled_corpus_passes_check(capsys):
    code, out, err = run(["check"], capsys)
    assert code == 0, err
    assert "ok:" in out


# --- the safe reader itself -----------------------------------------------------------------

def test_reader_reports_raw_control_characters_on_their_line():
    from kzlaw.yamlfile import YamlProblem, parse
    with pytest.raises(YamlProblem) as info:
        parse("a: b\nc: d\x07\n")
    assert info.value.line == 2 and "0x0007" in info.value.message
    assert "\n" not in info.value.message


def test_reader_refuses_escaped_terminal_controls():
    from kzlaw.yamlfile import YamlProblem, parse
    with pytest.raises(YamlProblem, match="control character 0x001b"):
        parse('a: "\\e[31mred"\n')
    assert parse('a: "tab\\there"\n') == {"a": "tab\there"}


def test_reader_limits_the_number_of_values(monkeypatch):
    from kzlaw import yamlfile
    monkeypatch.setattr(yamlfile, "MAX_NODES", 10)
    with pytest.raises(yamlfile.YamlProblem, match="more than 10 values"):
        yamlfile.parse("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n")


def test_plain_scalars_stay_text():
    from kzlaw.yamlfile import parse
    assert parse("a: yes\nb: 0416\nc: 1999-07-13\nd: 1.5\ne: ~\nf:\n") == {
        "a": "yes", "b": "0416", "c": "1999-07-13", "d": "1.5", "e": None, "f": None}


def test_then_with_not_is_refused(tmp_path):
    text = RULE.replace("then:\n  prohibition: membership", "then:\n  not: membership")
    assert rule_problems(tmp_path, text) == [
        "rules/r.yaml:7: 'not' negates an item of 'when': - not: {KIND: TARGET}; it cannot be "
        "nested or used in 'then'"]


# --- a bug in kzlaw is one line too -------------------------------------------------------------

def test_internal_error_is_one_line_with_exit_code_3(tmp_path, capsys, monkeypatch):
    import kzlaw.commands

    def broken(args, fmt):
        raise RuntimeError("something\nmulti-line")
    monkeypatch.setattr(kzlaw.commands, "run", broken)
    monkeypatch.delenv("KZLAW_DEBUG", raising=False)
    code, out, err = run(["in-force", "2012-01-01"], capsys)
    assert code == 3
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("kzlaw: internal error") and "RuntimeError: something multi-line" in err
    monkeypatch.setenv("KZLAW_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["in-force", "2012-01-01"])


def test_every_bad_choice_and_unknown_field_of_one_file_is_reported(tmp_path):
    """A file with a bad status, a bad kind and an unknown field: three problems, three lines."""
    import kzlaw
    from builder import write_text, write_corpus
    root = write_corpus(tmp_path, [])
    write_text(root, "measures/2005/m.yaml", """id: m
title: M
kind: lawx
status: yes
dates: {adoptd: 2005-02-18}
sources: [{ref: s1}]
""")
    with pytest.raises(kzlaw.KzlawError) as err:
        kzlaw.load(root)
    lines = [str(p) for p in err.value.problems]
    assert "measures/2005/m.yaml:3: kind 'lawx' is not one of" in "\n".join(lines)
    assert any(l.startswith("measures/2005/m.yaml:4: status 'yes' is not one of") for l in lines)
    assert any(l.startswith("measures/2005/m.yaml:5: unknown field 'adoptd'") for l in lines)
