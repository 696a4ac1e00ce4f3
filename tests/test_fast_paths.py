"""The two fast paths of loading agree with the general ones they stand in for.

``yamlfile._fast`` reads the simple part of YAML line by line and declines the rest;
``loader._direct_measure`` / ``_direct_vocab`` build model objects without cattrs and decline
anything unusual. Wherever a fast path answers, its answer must be exactly the general path's
(values, types and every line number), and it must never answer where the general path
reports a problem.
"""

from __future__ import annotations

import glob
import os
import random

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from kzlaw import loader, synth, yamlfile
from kzlaw.model import Measure, VocabEntry
from kzlaw.yamlfile import LMap, LSeq, YamlProblem

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shape(value):
    """Everything the reader gives, lines included, as comparable tuples."""
    if isinstance(value, LMap):
        return ("map", value.line, tuple((k, value.lines[k], shape(v)) for k, v in value.items()),
                tuple(value.lines.items()))
    if isinstance(value, LSeq):
        return ("seq", value.line, tuple(value.lines), tuple(shape(v) for v in value))
    assert value is None or type(value) is str
    return value


def general(text):
    try:
        return shape(yamlfile.parse_general(text))
    except YamlProblem as e:
        return ("problem", e.line, e.message)


def agree(text) -> bool:
    """True when the fast path answered (and then it must agree), False when it declined."""
    fast = yamlfile._fast(text)
    if fast is yamlfile._DECLINE:
        return False
    assert shape(fast) == general(text), text
    return True


@pytest.fixture(scope="module")
def synth_corpus(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("synth"))
    synth.write(root, synth.generate(150, seed=3))
    return root


def corpus_texts(root):
    files = sorted(glob.glob(os.path.join(root, "measures", "**", "*.yaml"), recursive=True)
                   + glob.glob(os.path.join(root, "rules", "*.yaml")))
    return [(f, open(f, encoding="utf-8").read()) for f in files]


def test_fast_reader_agrees_on_the_bundled_corpus():
    for _path, text in corpus_texts(REPO):
        agree(text)


def test_fast_reader_reads_generated_corpora(synth_corpus):
    texts = corpus_texts(synth_corpus)
    taken = sum(agree(text) for _path, text in texts)
    # kzlaw.synth writes plain block YAML: nearly every file goes the fast way (a guard that
    # the fast path is not silently declining everything)
    assert taken >= 0.9 * len(texts)


SAMPLES = [
    "id: m1\ntitle: T\n",
    "id: m1\nsources: [{ref: s1, quote: synthetic}, {ref: s2}]\ndates: {adopted: 2001-04-09}\n",
    "a:\n- x\n- y\nb: z\n",
    "a:\n  - x\n  - {k: v}\nb:\n",
    "a:\n- k: v\n  j:\n    deep: 1\n  l:\n  - 1\n- m: n\n",
    "# comment\na: b  \n\n   # indented comment\nc: 'it''s'\nd: \"q\"\ne: null\nf: ~\n",
    "a: b\na: c\n",                    # duplicate key
    "a: b\n  c: d\n",                  # bad indentation
    "a: b: c\n",                       # a mapping value in a plain scalar
    "a: [x, y\n",                      # an unclosed flow list
    "a: {x: 1, x: 2}\n",              # a duplicate key in a flow mapping
    "a: &anchor x\nb: *anchor\n",
    "a: !!python/object x\n",
    "a: |\n  text\n",
    "a: long\n  continued\n",
    "- x\n- y\n",
    "---\na: b\n",
    "a: b\n---\nc: d\n",
    "a: b #c\n",
    "null: x\n",
    "a:\n-\n- x\n",
    "a:\n- - x\n",
    "a: [{}, {b: []}]\n",
    "a: {b: c, d: [e, {f: g}]}\n",
    "a: {b: c,}\n",
    "a: {b: 'x, y', c: \"z\"}\n",
    "a:b\n",
    "a: b\n\tc: d\n",
    "a: 'unterminated\n",
    "a: x:y\n",
    "a: x :\n",
    "a: {b: 1999-0]4-22}\n",           # a bracket inside a flow mapping
    "a: {b: c[d}\n",
    "a: [{b: c}d]\n",
    "a: [{b: c], {d: e}]\n",
    "a: [{b: 'c'}, {d: e}]\n",
    "a: {b: c: d}\n",
    "a: >-\n  one\n  two: three\nb: c\n",       # block texts
    "a: |\n  one\n  two\n\nb: c\n",
    "a: >\n  one\n\n  two\n",                    # a paragraph break
    "a: >-\n  one\n  # not a comment\nb: c\n",
    "a: >-\n  one\n   \n",                          # spaces past the indentation are text
    "a: >-\n    one\n  two\n",
    "a: |-\n  x: y\n  - z\nb:\n- >-\n  w\n",
    "a: >-\nb: c\n",
    "a: >2\n  x\n",
    "t: Закон о противодействии терроризму\nu: 'қазақ тілі'\nv: \"«Халифат»\"\n",
    "t: «x»\n",
    "t: x\u2028y\n",
    "t: \ufeffx\n",
    "t: x\u0085y\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_fast_reader_agrees_or_declines(text):
    agree(text)


COMMON = SAMPLES[:6] + [t for t in SAMPLES if t.startswith(("a: >-\n  one\n  two",
                                                            "a: |\n", "t: Закон"))]


def test_fast_reader_takes_the_common_shapes():
    for text in COMMON:
        assert yamlfile._fast(text) is not yamlfile._DECLINE, text


ALPHABET = " :-#'\"{}[],\n\nab0~.?&*!|>\t"


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(text) + 1)
        op = rng.random()
        if op < 0.4:
            text = text[:i] + rng.choice(ALPHABET) + text[i:]
        elif op < 0.7:
            text = text[:i] + text[i + 1:]
        elif op < 0.85:
            j = rng.randrange(len(text) + 1)
            text = text[:i] + text[j:j + rng.randint(1, 20)] + text[i:]
        else:
            lines = text.split("\n")
            k = rng.randrange(len(lines))
            lines[k] = " " * rng.randint(0, 4) + lines[k].lstrip(" ")
            text = "\n".join(lines)
    return text


def test_fast_reader_agrees_on_mutated_files(synth_corpus):
    # block style (kzlaw.synth), and flow style as people and other generators write it
    flow_style = ("id: s-000001-0\ntitle: Switch 0\nkind: law\nstatus: enacted\n"
                  "dates: {adopted: 2001-04-09, in_force: 2001-05}\n"
                  "sources: [{ref: s1, quote: synthetic}, {ref: s2, summary: two words}]\n"
                  "effects:\n- id: on\n  prohibits: p-000001\n  until: 2003-06-25\n"
                  "- {id: off, repeals: m-1, from: '[2004..2005]'}\n")
    block_style = ("id: s-000002-0\ntitle: Закон о противодействии\nkind: law\n"
                   "status: enacted\n# a comment\ndates:\n  adopted: 2001-04-09\n"
                   "note: >-\n  A note over\n  two lines.\nsources:\n  - ref: s1\n"
                   "    quote: |-\n      Verbatim\n      words\n")
    texts = [t for _p, t in corpus_texts(synth_corpus)] + COMMON * 10 + \
        [flow_style] * 100 + [block_style] * 100
    rng = random.Random(15)
    taken = 0
    for _ in range(8000):
        taken += agree(mutate(rng, rng.choice(texts)))
    assert taken > 500  # the mutations that stay in the fast path's part of YAML were checked


keys = st.sampled_from(["id", "a", "b-c", "in_force", "p-000001", "x1", "null", "Yes"])
scalars = st.one_of(st.none(), st.sampled_from(["x", "two words", "2001-04-09", "[..2011]",
                                                 "it's", 'say "hi"', "a: b", "#", "", " ",
                                                 "null", "~", "-", "- x", "{", "a,b", "x:y"]),
                    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, documents, min_size=1, max_size=5),
       st.sampled_from([None, False, True]), st.integers(2, 4), st.booleans())
def test_fast_reader_agrees_on_generated_documents(doc, flow, indent, extra_indent):
    text = yaml.safe_dump(doc, default_flow_style=flow, indent=indent, sort_keys=False,
                          width=60)
    if extra_indent:  # lists indented under their key, as people often write them
        text = text.replace("\n-", "\n  -") if not text.startswith("-") else text
    agree(text)


# --- the direct structuring -------------------------------------------------------------------

def clone(value):
    if isinstance(value, LMap):
        out = LMap({k: clone(v) for k, v in value.items()})
        out.line, out.lines = value.line, dict(value.lines)
        return out
    if isinstance(value, LSeq):
        out = LSeq(clone(v) for v in value)
        out.line, out.lines = value.line, list(value.lines)
        return out
    return value


def made(value):
    if isinstance(value, dict):
        out = LMap(value)
        out.line, out.lines = 1, {k: 1 for k in value}
        return out
    if isinstance(value, list):
        out = LSeq(value)
        out.line, out.lines = 1, [1] * len(value)
        return out
    return value


def direct_or_none(data, build=loader._direct_measure):
    try:
        return build(data)
    except loader._Decline:
        return None


def cattrs_way(data, cls=Measure):
    problems = []
    return loader.structure(data, cls, "m.yaml", problems), problems


def measure_documents(root):
    out = []
    for path, text in corpus_texts(root):
        if "/rules/" in path or os.path.basename(path) in ("corpus.yaml",) or \
                "vocabulary" in path or "sources" in path:
            continue
        data = yamlfile.parse(text)
        if isinstance(data, LMap):
            out.append(data)
    return out


def test_direct_measures_equal_cattrs_on_real_and_generated_files(synth_corpus):
    docs = measure_documents(REPO) + measure_documents(synth_corpus)
    taken = 0
    for data in docs:
        got = direct_or_none(data)
        if got is None:
            continue
        taken += 1
        want, problems = cattrs_way(data)
        assert problems == [] and got == want
    assert taken >= 0.9 * len(docs)


def test_measures_built_sharing_equal_parts_equal_those_built_alone(synth_corpus):
    """One corpus's measures share equal citations, lists of them and dates blocks (one dict
    for the whole load): each is still exactly what its file says, and equal parts are one
    object."""
    docs = measure_documents(REPO) + measure_documents(synth_corpus)
    shared: dict = {}
    built = [(direct_or_none(d, lambda d: loader._direct_measure(d, shared)), direct_or_none(d))
             for d in docs]
    assert sum(got is not None for got, _ in built) >= 0.9 * len(docs)
    parts: dict = {}
    refs = 0
    for got, alone in built:
        assert got == alone
        if got is None:
            continue
        effects = got.effects + tuple(e.with_ for e in got.effects if e.with_ is not None)
        cited = got.sources + tuple(r for e in effects for r in e.sources)
        refs += len(cited)
        for part in (got.dates, got.sources, *cited, *(e.sources for e in effects)):
            assert parts.setdefault(part, part) is part  # an equal one met before is this one
    assert len({id(p) for p in parts if type(p).__name__ == "SourceRef"}) < refs


VALUES = [None, "", "x", "bad id", "law", "enacted", "reported", "criminal", "terrorist", "2001",
          "2001-13", "[..2001]", "2001-02-30", "s1", {}, [], ["a"], {"date": "2001"},
          {"date": "2001", "ref": "s1"}, [{"date": "2001", "ref": "s1"},
                                          {"date": "2002", "ref": "s2"}],
          {"ru": "T"}, {"ref": "s1"}, [{"ref": "s1"}], [{"ref": "Bad"}]]
FIELDS = ["id", "title", "kind", "status", "dates", "sources", "number", "titles", "note",
          "effects", "bogus", "adopted", "in_force", "ref", "quote", "summary", "prohibits",
          "repeals", "with", "from", "until", "liability", "as", "deadline", "penalty", "article",
          "as_", "from_"]


def containers(value, out):
    if isinstance(value, (LMap, LSeq)):
        out.append(value)
        for v in (value.values() if isinstance(value, LMap) else value):
            containers(v, out)
    return out


def test_direct_measures_decline_what_cattrs_refuses(synth_corpus):
    docs = measure_documents(REPO) + measure_documents(synth_corpus)
    rng = random.Random(46)
    taken = 0
    for _ in range(3000):
        data = clone(rng.choice(docs))
        for _ in range(rng.randint(1, 3)):
            c = rng.choice(containers(data, []))
            value = clone(made(rng.choice(VALUES)))
            if isinstance(c, LMap):
                if c and rng.random() < 0.3:
                    key = rng.choice(list(c))
                    del c[key]
                    c.lines.pop(key, None)
                    continue
                key = rng.choice(list(c)) if c and rng.random() < 0.5 else rng.choice(FIELDS)
                c[key] = value
                c.lines[key] = 1
            else:
                c.append(value)
                c.lines.append(1)
        got = direct_or_none(data)
        if got is None:
            continue
        taken += 1
        want, problems = cattrs_way(data)
        assert problems == [] and got == want, data
    assert taken > 100


def test_direct_vocabulary_entries_equal_cattrs():
    rng = random.Random(7)
    taken = 0
    bodies = [{"label": "L"}, {"label": "L", "aliases": ["a", "b"], "note": "n",
                                "categories": ["c"]}]
    for _ in range(2000):
        body = dict(rng.choice(bodies))
        for _ in range(rng.randint(0, 2)):
            body[rng.choice(["label", "aliases", "note", "categories", "bogus"])] = \
                rng.choice([None, "x", [], ["a"], [None], {}, {"a": "b"}])
        data = made({k: made(v) for k, v in body.items()})
        got = direct_or_none(data, loader._direct_vocab)
        want, problems = cattrs_way(data, VocabEntry)
        if got is None:
            continue
        taken += 1
        assert problems == [] and got == want, body
    assert taken > 100


GOOD = ("id: m1\ntitle: T\nkind: law\nstatus: enacted\ndates: {adopted: 2001-04-09}\n"
        "sources: [{ref: s1}]\neffects:\n- id: e1\n  prohibits: act-1\n")


@pytest.mark.parametrize("change", [
    ("effects:\n- id: e1\n  prohibits: act-1\n", "effects:\n"),
    ("sources: [{ref: s1}]", "sources:"),
    ("sources: [{ref: s1}]", "sources: [{ref: S1}]"),
    ("kind: law", "kind: law-x"),
    ("status: enacted", "status:"),
    ("title: T", "title: [T]"),
    ("title: T", "titles:\ntitle: T"),
    ("title: T", "titles: {russian: T}\ntitle: T"),
    ("dates: {adopted: 2001-04-09}", "dates: {adopted: 2001-13}"),
    ("dates: {adopted: 2001-04-09}", "dates: {adopted: 2001, signed: 2001}"),
    ("dates: {adopted: 2001-04-09}", "dates:"),
    ("  prohibits: act-1\n", "  prohibits: act-1\n  liability: civil\n"),
    ("  prohibits: act-1\n", "  prohibits: act-1\n  as_: terrorist\n"),
    ("  prohibits: act-1\n", "  prohibits: act-1\n  sources:\n"),
    ("  prohibits: act-1\n", "  prohibits: act-1\n  with: x\n"),
    ("- id: e1", "- id: E1"),
])
def test_direct_measures_decline_each_problem(change):
    assert direct_or_none(yamlfile.parse(GOOD)) == cattrs_way(yamlfile.parse(GOOD))[0]
    data = yamlfile.parse(GOOD.replace(*change))
    want, problems = cattrs_way(data)
    assert want is None and problems  # cattrs says what is wrong ...
    assert direct_or_none(data) is None  # ... and the direct path left it to cattrs


def test_direct_sources_equal_cattrs_and_decline_what_it_refuses():
    from kzlaw.model import Source
    bodies = []
    for path in sorted(glob.glob(os.path.join(REPO, "measures", "sources", "*.yaml"))):
        bodies += list(yamlfile.parse(open(path, encoding="utf-8").read()).values())
    taken = 0
    for body in bodies:
        got = direct_or_none(body, loader._direct_source)
        want, problems = cattrs_way(body, Source)
        assert got is not None and problems == [] and got == want
    rng = random.Random(3)
    for _ in range(1500):
        body = clone(rng.choice(bodies))
        key = rng.choice(["citation", "kind", "url", "published", "footnote", "note", "bogus"])
        body[key] = clone(made(rng.choice([None, "x", "press", "12", "1a", "2011-13", "2011",
                                           [], {}, ["a"]])))
        body.lines[key] = 1
        got = direct_or_none(body, loader._direct_source)
        want, problems = cattrs_way(body, Source)
        if got is None:
            continue
        taken += 1
        assert problems == [] and got == want, body
    assert taken > 100
