"""The second synthetic generator (kzlaw.synth_independent, written from docs/corpus-format.md)
writes a corpus that `kzlaw check` passes, and that has what it is for: vocabulary and sources
split over folders, many files in one folder, long amendment and repeal chains, every date
notation, reported and failed measures. And `kzlaw check`, which leaves the timeline
uncompiled, says exactly what a fully compiled corpus says."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest

from kzlaw import synth_independent
from kzlaw.corpus import Corpus, validate
from kzlaw.loader import load_raw

N = 400


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("independent"))
    entries = synth_independent.FILE_ENTRIES
    synth_independent.FILE_ENTRIES = 60  # several files per folder at this small size
    try:
        synth_independent.write(root, N, vocabulary=500)
    finally:
        synth_independent.FILE_ENTRIES = entries
    return root


def _depth(targets: dict) -> int:
    """The longest chain measure -> the measure it changes -> ..."""
    depth: dict = {}
    for start in targets:
        path = []
        m = start
        while m in targets and m not in depth:
            path.append(m)
            m = targets[m]
        base = depth.get(m, 0)
        for k, mid in enumerate(reversed(path)):
            depth[mid] = base + k + 1
    return max(depth.values(), default=0)


def test_the_independent_corpus_passes_check_with_no_problems(corpus_root):
    raw = load_raw(corpus_root)
    assert validate(raw) == []
    assert len(raw.measures) == N
    assert sum(len(v) for v in raw.vocabulary.values()) == 500


def test_kzlaw_check_passes_it_from_the_command_line(corpus_root):
    result = subprocess.run([sys.executable, "-m", "kzlaw", "--data", corpus_root, "check"],
                            capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, KZLAW_NO_CACHE="1"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert f"ok: {N} measures, 5 rules," in result.stdout.splitlines()[-1]


def test_it_has_what_the_generator_is_for(corpus_root):
    raw = load_raw(corpus_root)
    measures = raw.measures.values()
    folders = Counter(rel.split("/")[1] for rel, _ in raw.measure_files.values())
    assert max(folders.values()) >= N // 10  # one year folder holds many files
    for sub in ("vocabulary", "sources"):
        assert len(os.listdir(os.path.join(corpus_root, "measures", sub))) >= 3
    statuses = Counter(m.status for m in measures)
    assert {"enacted", "reported", "pending", "failed"} <= set(statuses)
    assert max(len(m.effects) for m in measures) >= 10
    effects = [e for m in measures for e in m.effects]
    assert sum(e.article is not None for e in effects) > len(effects) // 4
    assert any(m.titles for m in measures)
    refs = [r for m in measures for r in m.sources]
    assert any(r.quote and r.translation for r in refs) and any(r.summary for r in refs)
    dates = [d for m in measures for d in (m.dates.adopted, m.dates.introduced) if d]
    assert any(a.rejected for d in dates for a in d.alternatives)
    assert any(d.as_written for d in dates)
    assert {d.earliest == d.latest for d in dates} == {True, False}
    amends = {m.id: e.amends.partition("#")[0] for m in measures for e in m.effects if e.amends}
    repeals = {m.id: e.repeals.partition("#")[0] for m in measures for e in m.effects
               if e.repeals and "#" in e.repeals}
    assert _depth(amends) >= 15 and _depth(repeals) >= 8
    # many distinct ids: most acts and organizations of the vocabulary are named by some effect
    named = {e.value for e in effects if e.kind in ("prohibits", "designates")}
    assert len(named) > 0.7 * (len(raw.vocabulary["acts"]) + len(raw.vocabulary["organizations"]))


def test_the_same_size_and_seed_write_the_same_files(tmp_path):
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    synth_independent.write(a, 60)
    synth_independent.write(b, 60)
    for folder, _, files in os.walk(a):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f, open(path.replace(a, b, 1), "rb") as g:
                assert f.read() == g.read()


def test_check_without_the_timeline_says_what_the_compiled_corpus_says(corpus_root):
    lazy = Corpus(load_raw(corpus_root), timeline=False)
    full = Corpus(load_raw(corpus_root))
    assert lazy.warnings() + lazy.notes() == full.warnings() + full.notes()
    assert lazy.warnings()  # the integrity rules do report here
    assert "compiled" not in vars(lazy)  # the warnings did not compile the timeline
    # asked for later, the timeline is the one a full load builds
    assert lazy.compiled.segments == full.compiled.segments
    assert lazy.compiled.why == full.compiled.why
    for day in (727000, 732000, 734567, 738000):
        assert list(lazy.at(day)) == list(full.at(day))


def test_check_without_the_timeline_on_the_bundled_corpus():
    root = os.path.join(os.path.dirname(__file__), "..")
    lazy = Corpus(load_raw(root), timeline=False)
    full = Corpus(load_raw(root))
    assert lazy.warnings() + lazy.notes() == full.warnings() + full.notes()
    assert lazy.citation() == full.citation()
    assert lazy.compiled.segments == full.compiled.segments


def test_holdings_keep_equal_values_once_and_each_is_what_it_would_be_alone(corpus_root):
    import attrs

    from kzlaw.engine import build_holdings
    measures = load_raw(corpus_root).measures
    holdings, _events, _changes = build_holdings(measures.values())
    for h in holdings:
        again = attrs.evolve(h)  # its days computed afresh, shared with nothing
        assert (again.possible, again.certain) == (h.possible, h.certain)
        eff = h.effect
        body = eff.with_ if eff.kind == "amends" else eff
        cited = body.sources or eff.sources or measures[h.measure].sources
        assert h.sources == tuple(sorted({s.ref for s in cited}))
        assert h.attributes == tuple(sorted(body.attributes().items()))
    # far fewer distinct objects than holdings: a measure's effects share their days
    assert len({id(h.possible) for h in holdings}) < len(holdings) / 2
    assert len({id(h.sources) for h in holdings}) < len(holdings) / 2
    assert len({id(h.fact) for h in holdings}) == len({h.fact for h in holdings})
