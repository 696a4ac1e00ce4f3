"""The loader keeps only the lines of a measure file (check.Lines), not its parsed text, and
`kzlaw check` reads a file again for a line Lines does not keep: every line it gives is the
line the parsed file gives, and a file is read again only where a problem needs it."""

from __future__ import annotations

import os

from hypothesis import given, strategies as st

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
        again = Reread(kept, os.path.join(ROOT, rel))
        for path in _paths(tree):
            assert _line(again, *path) == locate(tree, path)[1], (rel, path)
            if kept.exact(path):
                assert kept.find(path) == locate(tree, path)[1], (rel, path)


@given(st.integers(min_value=0, max_value=10_000))
def test_every_line_is_the_parsed_files_line_on_generated_corpora(tmp_path_factory, seed):
    root = str(tmp_path_factory.mktemp("lines"))
    synth_independent.write(root, 12, vocabulary=60, seed=seed)
    for _ident, rel, kept, tree in _files(root):
        again = Reread(kept, os.path.join(root, rel))
        for path in _paths(tree):
            assert _line(again, *path) == locate(tree, path)[1], (rel, path)


def test_a_file_is_read_again_only_for_a_line_lines_does_not_keep():
    raw = load_raw(ROOT)
    rel, kept = raw.measure_files["law-2011-religious-activity"]
    again = Reread(kept, os.path.join(ROOT, rel))
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
