"""measures/vocabulary/*.yaml and measures/sources/*.yaml (docs/corpus-format.md, "A folder of
files"): a large corpus splits its vocabulary and sources; an id defined twice is an error that
names both places; the single file and the folder may be used together."""

from __future__ import annotations

import os

import kzlaw
from builder import DEFAULT_SOURCES, DEFAULT_VOCABULARY, dump, measure, write_corpus, write_text
from kzlaw.corpus import validate
from kzlaw.loader import load_raw


def split_corpus(tmp_path, keep_files=False):
    """The default corpus with its vocabulary and sources split over folders."""
    root = write_corpus(tmp_path / "c", [
        measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"},
                                    {"id": "g", "designates": "o", "as": "terrorist",
                                     "sources": [{"ref": "s2", "quote": "banned"}]}])])
    if not keep_files:
        os.remove(os.path.join(root, "measures", "vocabulary.yaml"))
        os.remove(os.path.join(root, "measures", "sources.yaml"))
    os.makedirs(os.path.join(root, "measures", "vocabulary"))
    os.makedirs(os.path.join(root, "measures", "sources"))
    vocab = dict(DEFAULT_VOCABULARY)
    orgs = vocab.pop("organizations")
    if not keep_files:
        dump(os.path.join(root, "measures", "vocabulary", "core.yaml"), vocab)
    dump(os.path.join(root, "measures", "vocabulary", "organizations.yaml"),
         {"organizations": {**orgs, "z": {"label": "Org Z"}}} if not keep_files
         else {"organizations": {"z": {"label": "Org Z"}}})
    if not keep_files:
        dump(os.path.join(root, "measures", "sources", "a.yaml"), {"s1": DEFAULT_SOURCES["s1"]})
        dump(os.path.join(root, "measures", "sources", "b.yaml"), {"s2": DEFAULT_SOURCES["s2"]})
    else:
        dump(os.path.join(root, "measures", "sources", "extra.yaml"),
             {"s3": {"citation": "Source three", "kind": "ngo"}})
    return root


def problems(root) -> list[str]:
    return [str(p) for p in validate(load_raw(root))]


def test_a_corpus_split_into_folders_answers_as_one(tmp_path):
    c = kzlaw.load(split_corpus(tmp_path))
    assert set(c.vocabulary["organizations"]) == {"o", "q", "z"}
    assert set(c.sources) == {"s1", "s2"}
    state = c.at("2000-01-01")
    assert state.status("prohibition", "a") == "in-force"
    assert state.status("designation", "o") == "in-force"
    assert c.at("1999-12-31").status("designation", "o") == "absent"


def test_the_file_and_the_folder_are_read_together(tmp_path):
    c = kzlaw.load(split_corpus(tmp_path, keep_files=True))
    assert set(c.vocabulary["organizations"]) == {"o", "q", "z"}
    assert set(c.sources) == {"s1", "s2", "s3"}


def test_an_id_defined_twice_across_vocabulary_files_names_both_places(tmp_path):
    root = split_corpus(tmp_path)
    write_text(root, "measures/vocabulary/more.yaml", "acts:\n  x2: {label: X2}\n  a: {label: A again}\n")
    [p] = problems(root)
    # core.yaml is read first (sorted): the second definition is the one reported
    assert p.startswith("measures/vocabulary/more.yaml:3: acts: 'a' is defined twice (also at "
                        "measures/vocabulary/core.yaml:")
    core = open(os.path.join(root, "measures", "vocabulary", "core.yaml")).read().splitlines()
    line = int(p.rsplit(":", 1)[1].rstrip(")"))
    assert core[line - 1].strip().startswith("a:")


def test_an_id_defined_in_the_file_and_the_folder_is_an_error(tmp_path):
    root = split_corpus(tmp_path, keep_files=True)
    write_text(root, "measures/sources/again.yaml", "s1: {citation: Again, kind: press}\n")
    [p] = problems(root)
    assert p.startswith("measures/sources/again.yaml:1: source 's1' is defined twice (also at "
                        "measures/sources.yaml:1)")


def test_an_id_in_two_sections_of_two_files_names_both(tmp_path):
    root = split_corpus(tmp_path)
    write_text(root, "measures/vocabulary/zz.yaml", "institutions:\n  o: {label: O the institution}\n")
    [p] = problems(root)
    assert p.startswith("measures/vocabulary/zz.yaml:2: 'o' is in both organizations and "
                        "institutions (also at measures/vocabulary/organizations.yaml:")


def test_a_bad_entry_in_a_folder_file_is_located_in_that_file(tmp_path):
    root = split_corpus(tmp_path)
    write_text(root, "measures/sources/c.yaml", "s9:\n  citation: C\n  kind: blog\n")
    [p] = problems(root)
    assert p.startswith("measures/sources/c.yaml:3: kind 'blog' is not one of primary")
    write_text(root, "measures/sources/c.yaml", "s9:\n  citation: C\n  kind: press\n")
    write_text(root, "measures/vocabulary/bad.yaml", "acts:\n  y: {label: Y, categories: [cc]}\n")
    [p] = problems(root)
    assert p.startswith("measures/vocabulary/bad.yaml:2: unknown category 'cc'")


def test_a_file_nested_in_the_folder_is_refused(tmp_path):
    root = split_corpus(tmp_path)
    write_text(root, "measures/vocabulary/deep/x.yaml", "acts: {}\n")
    assert problems(root) == ["measures/vocabulary/deep/x.yaml: a vocabulary file belongs in "
                              "measures/vocabulary.yaml or measures/vocabulary/<name>.yaml"]


def test_neither_file_nor_folder_is_missing(tmp_path):
    root = split_corpus(tmp_path)
    for name in os.listdir(os.path.join(root, "measures", "sources")):
        os.remove(os.path.join(root, "measures", "sources", name))
    assert problems(root) == ["measures/sources.yaml: missing: every corpus needs this file"]


def test_a_broken_folder_file_does_not_cascade_into_unknown_references(tmp_path):
    root = split_corpus(tmp_path)
    write_text(root, "measures/sources/b.yaml", "s2: [not, a, mapping\n")
    out = problems(root)
    assert len(out) == 1 and out[0].startswith("measures/sources/b.yaml:")
