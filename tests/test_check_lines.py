"""The loader keeps only the lines of a measure file (check.Lines), not its parsed text, and
`kzlaw check` reads a file again for a line Lines does not keep: every line it gives is the
line the parsed file gives, and a file is read again only where a problem needs it."""

from __future__ import annotations

import os

from hypothesis import given, settings, strategies as st

from builder import measure, write_corpus
from kzlaw import synth_independent
from kzlaw.check import Lines, Reread, _line
from kzlaw.corpus import validate
from kzlaw.loader import load_raw
from kzlaw.yamlfile import load_file, locate

ROOT = os.path.join(os.path.dirname(__file__), "..")


def _paths(node, prefix=()):
    """Every path into parsed YAML, and one step past each container (a key or index that
    is not there)."""
    yield prefix
    if hasattr(node, "lines") and isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
        yield prefix + ("no-such-key",)
    elif hasattr(node, "lines"):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))
        yield prefix + (len(node),)


def _files(root):
    raw = load_raw(root)
    for ident, (rel, kept) in sorted(raw.measure_files.items()):
        yield ident, rel, kept, load_file(os.path.join(root, rel))


def test_the_loader_keeps_lines_not_parsed_files():
    raw = load_raw(ROOT)
    assert raw.measure_files and all(isinstance(kept, Lines) for _, kept in
                                     raw.measure_files.values())


def test_every_line_is_the_parsed_files_line_on_the_bundled_corpus():
    for _ident, rel, kept, tree in _files(ROOT):
        again = Reread(kept, ROOT, rel)
        for path in _paths(tree):
            assert _line(again, *path) == locate(tree, path)[1], (rel, path)
            if kept.exact(path):
                assert kept.find(path) == locate(tree, path)[1], (rel, path)


@given(st.integers(min_value=0, max_value=10_000))
def test_every_line_is_the_parsed_files_line_on_generated_corpora(tmp_path_factory, seed):
    root = str(tmp_path_factory.mktemp("lines"))
    synth_independent.write(root, 12, vocabulary=60, seed=seed)
    for _ident, rel, kept, tree in _files(root):
        again = Reread(kept, root, rel)
        for path in _paths(tree):
            assert _line(again, *path) == locate(tree, path)[1], (rel, path)


def test_a_file_is_read_again_only_for_a_line_lines_does_not_keep():
    raw = load_raw(ROOT)
    rel, kept = raw.measure_files["law-2011-religious-activity"]
    again = Reread(kept, ROOT, rel)
    for path in (("id",), ("dates", "adopted"), ("effects", 0), ("effects", 1, "id")):
        _line(again, *path)
    assert again.parsed is None
    _line(again, "sources", 0)
    assert again.parsed is not None


def test_a_problem_deep_in_an_effect_is_on_its_line(tmp_path):
    root = write_corpus(tmp_path / "c", [measure("m", "2000-01-01", [
        {"id": "e", "prohibits": "a", "sources": [{"ref": "s1"}, {"ref": "nowhere"}]}])])
    [p] = validate(load_raw(root))
    text = open(os.path.join(root, p.path), encoding="utf-8").read().splitlines()
    assert "nowhere" in text[p.line - 1] and "unknown source 'nowhere'" in p.message


def test_a_file_changed_since_it_was_read_gives_the_nearest_line_kept(tmp_path):
    root = write_corpus(tmp_path / "c", [measure("m", "2000-01-01", [
        {"id": "e", "prohibits": "a", "sources": [{"ref": "nowhere"}]}])])
    raw = load_raw(root)
    rel, _kept = raw.measure_files["m"]
    with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
        f.write("id: [broken\n")
    [p] = validate(raw)  # no traceback: the effect's own line
    assert p.path == rel and "unknown source 'nowhere'" in p.message
    assert p.line == raw.measure_files["m"][1].find(("effects", 0))


# --- the quick path for plain effects (check._Plain) against the full checks ---------------

from kzlaw import check  # noqa: E402
from kzlaw.dates import Alternative, parse_edtf  # noqa: E402
from kzlaw.model import EFFECT_KINDS, Effect, SourceRef  # noqa: E402

_VALUES = st.sampled_from(["a", "b", "x", "o", "c", "p", "nope", "Not A Slug", "m", "m#e", "q"])
_WORDS = st.sampled_from([None, None, "", "  ", "banned", "Banned", "terrorism is banned"])
_REFS = st.builds(SourceRef, st.sampled_from(["s1", "s2", "unknown-source"]), _WORDS, _WORDS,
                  _WORDS) | st.builds(SourceRef, st.sampled_from(["s1", "s2"]))


@st.composite
def _dates(draw):
    if draw(st.booleans()):
        return None
    d = parse_edtf(draw(st.sampled_from(["2001", "2001-05", "2001-05-06"])))
    import attrs
    if draw(st.booleans()):
        d = attrs.evolve(d, ref=draw(st.sampled_from(["s1", "unknown-source"])))
    if draw(st.booleans()):
        d = attrs.evolve(d, alternatives=tuple(
            Alternative(parse_edtf("2001"), r)
            for r in draw(st.lists(st.sampled_from(["s1", "s2", "unknown-source"]),
                                   max_size=2))))
    return d


_VALID = {"prohibits": "a", "requires": "d", "designates": "o", "establishes": "i",
          "empowers": "p", "penalizes": "c", "repeals": "m", "replaces": "m", "amends": "m#e"}


@st.composite
def _effects(draw, depth=0):
    """Mostly plain effects (one kind, a known id), each with a few things that may be wrong."""
    kinds = [draw(st.sampled_from(EFFECT_KINDS))]
    if draw(st.integers(0, 5)) == 0:
        kinds.append(draw(st.sampled_from(EFFECT_KINDS)))
    fields = {k: draw(st.one_of(st.just(_VALID[k]), _VALUES)) for k in kinds}
    for key, values in (("liability", st.sampled_from([None, "criminal"])),
                        ("as_", st.sampled_from([None, "terrorist"])),
                        ("penalty", st.sampled_from([None, "fine", "fine", "nope"])),
                        ("deadline", _dates()), ("from_", _dates()), ("until", _dates())):
        if draw(st.integers(0, 3)) == 0:
            fields[key] = draw(values)
    if "penalizes" in fields and draw(st.booleans()):
        fields["penalty"] = "fine"
    if depth == 0 and draw(st.integers(0, 4)) == 0:
        fields["with_"] = draw(_effects(depth=1))
    fields["sources"] = tuple(draw(st.lists(_REFS, max_size=2)))
    return Effect(id="e", **fields)


_PLAIN_RAW: list = []


def _plain_raw():
    if not _PLAIN_RAW:
        _PLAIN_RAW.append(load_raw(write_corpus(
            _PLAIN_ROOT, [measure("m", "2000", [{"id": "e", "prohibits": "a"}])],
            vocabulary=_PLAIN_VOCABULARY)))
    return _PLAIN_RAW[0]


@settings(max_examples=400)
@given(_effects())
def test_an_effect_passed_quickly_is_one_the_full_checks_pass(eff):
    raw = _plain_raw()
    problems = []
    m = raw.measures["m"]
    rel, kept = raw.measure_files["m"]
    check._check_effect(raw, m, eff, rel, kept, ("effects", 0), problems, top=True)
    if check._Plain(raw).ok(eff):
        assert problems == []


_PLAIN_ROOT = os.path.join(__import__("tempfile").mkdtemp(prefix="kzlaw-plain-"), "c")
_PLAIN_VOCABULARY = {
    "acts": {"a": {"label": "A", "categories": ["c"]}, "b": {"label": "B"}},
    "organizations": {"o": {"label": "O"}}, "institutions": {"i": {"label": "I"}},
    "powers": {"p": {"label": "P"}}, "duties": {"d": {"label": "D"}},
    "penalties": {"fine": {"label": "Fine"}}, "categories": {"c": {"label": "C"}},
}


def test_check_says_the_same_with_and_without_the_quick_path(tmp_path, monkeypatch):
    root = str(tmp_path / "c")
    synth_independent.write(root, 300, vocabulary=400, seed=3)
    # break some effects: unknown ids, foreign fields, unknown sources, empty words
    import glob
    files = sorted(glob.glob(os.path.join(root, "measures", "2*", "*.yaml")))
    for k, path in enumerate(files[::7]):
        text = open(path, encoding="utf-8").read()
        text = text.replace("-offence", "-offense", 1) if k % 3 == 0 else \
            text.replace("    article:", "    penalty: nope\n    article:", 1) if k % 3 == 1 else \
            text.replace("{ref: src-", "{ref: srx-", 1).replace('quote: "', 'quote: " ', 1)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    raw = load_raw(root)
    quick = validate(raw)
    monkeypatch.setattr(check, "FAST", False)
    assert validate(raw) == quick
    assert len(quick) > 20


def _one_wrong():
    import attrs
    day = parse_edtf("2001")
    return [
        Effect(id="e", prohibits="a", as_="terrorist"),  # a field of another kind
        Effect(id="e", prohibits="a", penalty="fine"),
        Effect(id="e", designates="o", liability="criminal"),
        Effect(id="e", prohibits="nope"),  # unknown id
        Effect(id="e", prohibits="o"),  # an id of another section
        Effect(id="e", prohibits="Not A Slug"),
        Effect(id="e", penalizes="a"),  # no penalty
        Effect(id="e", penalizes="a", penalty="nope"),
        Effect(id="e", prohibits="a", sources=(SourceRef("unknown-source"),)),
        Effect(id="e", prohibits="a", sources=(SourceRef("s1", quote=" "),)),
        Effect(id="e", prohibits="a", sources=(SourceRef("s1", translation="t"),)),
        Effect(id="e", prohibits="a", sources=(SourceRef("s1", quote="x y", summary="x  y"),)),
        Effect(id="e", prohibits="a", from_=attrs.evolve(day, ref="unknown-source")),
        Effect(id="e", prohibits="a", until=attrs.evolve(day, alternatives=(
            Alternative(day, "s1"), Alternative(day, "unknown-source")))),
        Effect(id="e", requires="d", deadline=attrs.evolve(day, alternatives=(
            Alternative(day, "unknown-source"),))),
    ]


def test_a_plain_effect_with_one_thing_wrong_is_left_to_the_full_checks():
    raw = _plain_raw()
    rel, kept = raw.measure_files["m"]
    plain = check._Plain(raw)
    for eff in _one_wrong():
        problems = []
        check._check_effect(raw, raw.measures["m"], eff, rel, kept, ("effects", 0), problems,
                            top=True)
        assert problems and not plain.ok(eff), eff
    for eff in (Effect(id="e", prohibits="a", liability="criminal",
                       sources=(SourceRef("s1", quote="q", translation="t", summary="s"),)),
                Effect(id="e", penalizes="c", penalty="fine"),
                Effect(id="e", requires="d", deadline=parse_edtf("2001"))):
        assert plain.ok(eff)


def test_lines_of_a_file_with_keys_kzlaw_does_not_know_are_still_its_lines():
    from kzlaw.yamlfile import parse
    tree = parse("id: m\nextra: 1\ndates:\n  adopted: '2000'\n  odd: x\neffects:\n"
                 "  - id: e\n    prohibits: a\n    from: '2001'\n")
    kept = Lines(tree)
    for path in _paths(tree):
        if kept.exact(path):
            assert kept.find(path) == locate(tree, path)[1], path


def test_a_compiled_corpus_keeps_no_parsed_vocabulary_or_sources_file(tmp_path):
    from kzlaw.corpus import Corpus
    root = str(tmp_path / "c")
    synth_independent.write(root, 30, vocabulary=100)
    raw = load_raw(root)
    assert raw.vocabulary_where and raw.sources_where  # what the checks locate lines with
    assert validate(raw) == []
    corpus = Corpus(raw)
    assert raw.vocabulary_where == {} and raw.sources_where == {}
    assert corpus.facts.by_kt == {}  # the join indexes are dropped once the rules have run
    assert corpus.vocabulary and corpus.sources and list(corpus.at(733000))
