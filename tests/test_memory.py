"""What a loaded corpus keeps (issue 15: memory after a load without the cache).

Equal immutable values are one object, what served only the load is let go, and nothing
kept differently changes a value: each test counts objects or compares values, never bytes
or seconds.
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import given, settings, strategies as st

import kzlaw
from kzlaw import bench_openfisca, synth
from kzlaw import daysets as ds
from kzlaw.engine import EventTable
from kzlaw.model import Dates, Effect, Measure, SourceRef

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def synth_corpus(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("synth"))
    synth.write(root, synth.generate(150, seed=5))
    return kzlaw.load(root)


def _parts(corpus):
    for m in corpus.measures.values():
        yield m.dates
        yield m.sources
        yield from m.sources
        for e in m.effects:
            yield e.sources
            yield from e.sources


@pytest.mark.parametrize("which", ["bundled", "synth"])
def test_equal_citations_and_dates_blocks_of_a_corpus_are_one_object(which, synth_corpus):
    corpus = kzlaw.load(REPO) if which == "bundled" else synth_corpus
    first: dict = {}
    met = 0
    for part in _parts(corpus):
        met += 1
        assert first.setdefault(part, part) is part
    assert len({id(p) for p in first}) < met


def test_a_corpus_of_one_citation_everywhere_keeps_one(tmp_path):
    # the OpenFisca side-by-side corpus: every measure cites s1 with the same quote
    folder = tmp_path / "of"
    folder.mkdir()
    (folder / "measures" / "2001").mkdir(parents=True)
    (folder / "rules").mkdir()
    (folder / "measures" / "vocabulary.yaml").write_text(
        "acts:\n" + "".join(f"  p-{i}: {{label: P {i}}}\n" for i in range(5)))
    (folder / "measures" / "sources.yaml").write_text("s1: {citation: S, kind: primary}\n")
    for i in range(20):
        (folder / "measures" / "2001" / f"m-{i}.yaml").write_text(
            f"id: m-{i}\ntitle: M {i}\nkind: law\nstatus: enacted\n"
            f"dates: {{adopted: 2001-0{1 + i % 3}-01}}\nsources: [{{ref: s1, quote: q}}]\n"
            f"effects:\n- id: on\n  prohibits: p-{i % 5}\n  until: 2003-01-0{1 + i % 2}\n")
    corpus = kzlaw.load(str(folder))
    measures = list(corpus.measures.values())
    assert len({id(m.sources) for m in measures}) == 1
    assert len({id(m.dates) for m in measures}) == 3  # three adopted days
    assert measures[0].sources == (SourceRef("s1", "q"),)


def test_the_event_table_forgets_its_events_and_asking_again_gives_equal_ones(synth_corpus):
    corpus = synth_corpus
    assert corpus.events.events == {}
    for h in corpus.holdings:
        m = corpus.measures[h.measure]
        eff = next(e for e in m.effects if f"{m.id}#{e.id}" == h.by)
        assert corpus.events.effect_start(m, eff) == h.start
    assert corpus.events.events  # what was asked again is kept, as before


def test_event_labels_are_made_from_their_keys_as_they_were_written():
    day = kzlaw.dates.parse_edtf("2001-04-09")
    m = Measure("law-1", "T", "law", "enacted", Dates(adopted=day), (),
                effects=(Effect(id="ban", prohibits="x", from_=day, until=day),))
    table = EventTable()
    assert table.measure_start(m).label == "law-1 adopted (in force)"
    assert table.effect_start(m, m.effects[0]).label == "law-1#ban from"
    assert table.get(("e", "law-1", "ban", "until"), day).label == "law-1#ban until"
    assert table.get(("m", "law-1", "expires"), day).label == "law-1 expires"
    m2 = Measure("law-2", "T", "law", "enacted", Dates(adopted=day, in_force=day), ())
    assert table.measure_start(m2).label == "law-2 in force"


def test_a_fact_without_uncertain_days_keeps_one_day_set_for_both(synth_corpus):
    sets = synth_corpus.facts.sets
    same = [(c, p) for c, p in sets.values() if c == p]
    assert same and all(c is p for c, p in same)
    assert any(c != p for c, p in sets.values())  # the corpus has uncertain facts too


def test_a_compiled_corpus_keeps_no_parsed_vocabulary_or_sources_file(synth_corpus):
    raw = synth_corpus.raw
    assert raw.vocabulary_file == ("measures/vocabulary.yaml", None)
    assert raw.sources_file == ("measures/sources.yaml", None)


def test_the_side_by_side_workload_answers_as_before_on_a_small_corpus(tmp_path, monkeypatch):
    # The OpenFisca corpus's measures share their citation and most dates blocks: the
    # states and diffs asked of it are those of a plain computation over its switches.
    monkeypatch.setattr(bench_openfisca.tempfile, "gettempdir", lambda: str(tmp_path))
    _of, kz = bench_openfisca.write_corpora(30)
    corpus = kzlaw.load(kz)
    work = bench_openfisca.workload(30)
    edges = [d for sw in work[:4] for on, off in sw for d in (on - 1, on, off - 1, off)]
    for day in [bench_openfisca.FIRST, bench_openfisca.LAST] + edges:
        want = sorted(f"p-{i:06d}" for i, sw in enumerate(work)
                      if any(on <= day < off for on, off in sw))
        got = sorted(f.target for f in corpus.at(day).facts() if f.status == "in-force")
        assert got == want, day


def test_equal_texts_of_different_files_are_one_object_and_the_load_lets_go_of_its_table():
    from kzlaw import yamlfile
    corpus = kzlaw.load(REPO)
    assert yamlfile._TEXTS == {}
    ids = {}
    for entries in corpus.vocabulary.values():
        ids.update((k, k) for k in entries)
    named = [e.value for m in corpus.measures.values() for e in m.effects
             if e.value in ids and e.kind in ("prohibits", "designates")]
    assert named and all(ids[v] is v for v in named)  # the vocabulary file's own id object


def _normalize_reference(ranges):
    out = []
    for s, e in sorted((s, e) for s, e in ranges if s < e):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


_RANGES = st.lists(st.tuples(st.integers(-5, 40), st.integers(-5, 40)), max_size=12)


@given(_RANGES, st.booleans())
def test_day_set_unions_equal_the_plain_computation_and_keep_unmerged_ranges(ranges, as_lists):
    given_ranges = [list(r) for r in ranges] if as_lists else ranges
    got = ds.normalize(given_ranges)
    assert got == _normalize_reference(ranges)
    assert all(type(r) is tuple and len(r) == 2 for r in got)
    if not as_lists:
        mine = {id(r) for r in ranges}
        kept = [r for r in got if sum(1 for s, e in ranges if s < e and
                                      not (e < r[0] or s > r[1])) == 1]
        assert all(id(r) in mine for r in kept)  # a range merged with no other is its own


def test_a_fact_shares_the_ranges_of_its_holdings(synth_corpus):
    for key, hs in synth_corpus.holdings_by_fact.items():
        _certain, possible = synth_corpus.facts.sets.get(key, ((), ()))
        theirs = {id(r) for h in hs for r in h.possible}
        alone = [r for r in possible if sum(r[0] <= s[0] and s[1] <= r[1]
                                            for h in hs for s in h.possible) == 1]
        assert all(id(r) in theirs for r in alone if key not in synth_corpus.derivations)


def _sharing(segments: dict) -> list:
    """Each value and part of a value, as the index of the first equal one met that is the
    same object: two timelines share alike when these lists are equal."""
    first: dict = {}
    out = []
    for key in segments:
        for v in segments[key][1]:
            for x in (v,) if v is None else (v, v[1], v[2], v[3]):
                out.append(first.setdefault(id(x), len(first)))
    return out


@pytest.mark.parametrize("which", ["bundled", "synth"])
def test_the_timeline_compiled_fact_by_fact_is_the_one_compiled_at_once(which, synth_corpus):
    from kzlaw.timeline import Compiled
    corpus = kzlaw.load(REPO) if which == "bundled" else synth_corpus
    want = Compiled(dict(corpus._fact_segments()))
    got = corpus._compile()
    assert list(got.segments) == list(want.segments)
    for key, (starts, values) in want.segments.items():
        g_starts, g_values = got.segments[key]
        assert g_starts == starts and g_values == values
        assert [type(v) for v in g_values] == [type(v) for v in values]
    assert _sharing(got.segments) == _sharing(want.segments)
    assert got.index()[0] == want.index()[0]  # the change points
    days = sorted({s for starts, _ in want.segments.values() for s in starts})
    for day in days[:: max(1, len(days) // 60)] + [days[-1]]:
        for d in (day - 1, day):
            assert list(got.at(d).facts()) == list(want.at(d).facts())


def test_importing_kzlaw_and_loading_without_the_cache_imports_no_cache_or_subprocess():
    import subprocess
    import sys
    code = ("import sys, kzlaw; c = kzlaw.load(); c.at('2012-06-01').facts(); "
            "print(sorted(m for m in ('kzlaw.cache', 'kzlaw.cachefile', 'subprocess', "
            "'hashlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "KZLAW_DATA": REPO}).stdout
    assert out.strip() == "[]"
    code = "import kzlaw; c = kzlaw.load(); print(c.commit is None or len(c.commit) >= 40)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "KZLAW_DATA": REPO}).stdout
    assert out.strip() == "True"  # the commit is still found when asked


# --- the holdings after a load (made fact by fact, let go, made again when asked for) ---------

def _grouped(holdings) -> dict:
    out: dict = {}
    for h in holdings:
        out.setdefault(h.fact, []).append(h)
    return out


def _corpus_roots(tmp_path_factory) -> list:
    from kzlaw import synth_independent
    roots = [REPO]
    for n, seed in ((150, 5), (60, 11)):
        root = str(tmp_path_factory.mktemp("synth"))
        synth.write(root, synth.generate(n, seed=seed))
        roots.append(root)
    root = str(tmp_path_factory.mktemp("independent"))
    synth_independent.write(root, 300, seed=4)
    return roots + [root]


@pytest.fixture(scope="module")
def corpus_roots(tmp_path_factory):
    return _corpus_roots(tmp_path_factory)


def test_a_corpus_loaded_from_its_files_keeps_no_holding_until_one_is_asked_for(corpus_roots):
    from kzlaw.engine import build_holdings
    for root in corpus_roots:
        corpus = kzlaw.load(root)
        kept = vars(corpus)
        assert not {"holdings", "holdings_by_fact", "_parts", "_pairs", "_maker"} & set(kept)
        by_fact = corpus.holdings_by_fact  # asked for: all of them made, as before
        holdings, events, changes = build_holdings(corpus.measures.values())
        assert corpus.holdings == holdings and corpus.changes == changes
        assert by_fact == _grouped(holdings)
        assert list(by_fact) == list(_grouped(holdings))  # the facts in the same order
        assert corpus.events.events == events.events == {}
        assert {"holdings", "holdings_by_fact", "events", "changes"} <= set(vars(corpus))


def test_threads_asking_for_the_holdings_at_once_both_get_them(monkeypatch):
    """The holdings a load let go are made by the first thread that asks; a second asking
    meanwhile waits for them instead of finding them neither kept nor to be made."""
    import threading
    import time
    from kzlaw.corpus import Corpus
    corpus = kzlaw.load(REPO, cache=False)
    assert "holdings_by_fact" not in vars(corpus)
    making, make = threading.Event(), Corpus._make_holdings

    def slow_make(self):
        making.set()
        time.sleep(0.3)  # the other thread asks meanwhile
        return make(self)

    monkeypatch.setattr(Corpus, "_make_holdings", slow_make)
    got: dict = {}

    def ask(who):
        try:
            got[who] = corpus.holdings_by_fact
        except Exception as e:  # noqa: BLE001 (what the test reports)
            got[who] = e

    first = threading.Thread(target=ask, args=("first",))
    first.start()
    making.wait(10)
    ask("second")
    first.join(10)
    assert got["first"] is got["second"] and isinstance(got["second"], dict), got


def test_each_fact_s_holdings_made_alone_are_the_ones_made_together(corpus_roots):
    from kzlaw.engine import HoldingMaker
    from kzlaw.loader import load_raw
    for root in corpus_roots:
        measures = load_raw(root).measures
        maker = HoldingMaker(measures.values())
        together = _grouped(maker.all())
        pairs: dict = {}
        for m, eff, body in maker.establishing():
            pairs.setdefault(kzlaw.engine.fact_key(body), []).extend((m, eff))
        assert list(pairs) == list(together)
        for key, pair in pairs.items():
            alone = maker.of(pair)
            assert alone == together[key]
            assert [len(h.end_causes) for h in alone] == \
                [maker.end_causes(h_m, h_e) for h_m, h_e in zip(pair[::2], pair[1::2])]


def test_a_corpus_built_fact_by_fact_answers_as_one_built_from_all_its_holdings(corpus_roots):
    from kzlaw.corpus import Corpus
    from kzlaw.loader import load_raw
    for root in corpus_roots:
        for eager in (Corpus(load_raw(root), timeline=False),  # the holdings made first
                      Corpus(load_raw(root), keep_holdings=True)):  # and kept
            lean = Corpus(load_raw(root))
            assert "holdings" in vars(eager) and "holdings" not in vars(lean)
            assert lean.facts.sets == eager.facts.sets
            assert list(lean.facts.sets) == list(eager.facts.sets)
            assert lean.derivations == eager.derivations
            assert lean.integrity == eager.integrity
            assert lean.compiled.segments == eager.compiled.segments
            assert lean.compiled.why == eager.compiled.why
            assert lean.warnings() == eager.warnings()
            assert "holdings" not in vars(lean)  # the warnings need only the changes, events


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(5, 60))
def test_generated_corpora_built_fact_by_fact_answer_as_before(tmp_path_factory, seed, n):
    from kzlaw.corpus import Corpus
    from kzlaw.loader import load_raw
    root = str(tmp_path_factory.mktemp("gen"))
    synth.write(root, synth.generate(n, seed=seed))
    lean, eager = Corpus(load_raw(root)), Corpus(load_raw(root), timeline=False)
    assert lean.facts.sets == eager.facts.sets
    assert lean.compiled.segments == eager.compiled.segments
    assert lean.compiled.why == eager.compiled.why
    assert lean.holdings_by_fact == eager.holdings_by_fact


def test_measure_files_keep_a_shared_folder_pair_and_give_back_each_measure_s_path(synth_corpus):
    files = synth_corpus.raw.measure_files
    assert sorted(files) == sorted(synth_corpus.measures) and len(files) == len(synth_corpus.measures)
    for ident in synth_corpus.measures:
        assert ident in files
        rel, lines = files[ident]
        assert rel.startswith("measures/") and rel.endswith(f"/{ident}.yaml")
        assert rel.count("/") == 2 and rel[len("measures/"):][:4].isdigit()
        assert os.path.isfile(os.path.join(synth_corpus.root, rel))
        assert files.get(ident) == (rel, lines) and dict(files.items())[ident] == (rel, lines)
    kept = list(files._where.values())
    assert all(not folder.endswith(".yaml") for folder, _lines in kept)
    assert len({id(pair) for pair in kept}) < len(kept)  # measures of one folder share one
    assert files.get("no-such-measure") is None and "no-such-measure" not in files


def test_measure_files_keep_a_path_that_is_not_the_measure_s_own_as_given():
    from kzlaw.loader import MeasureFiles
    files, pairs = MeasureFiles(), {}
    files.keep("m", "measures/2001/other.yaml", "L", pairs)
    files.keep("n", "measures/2001/n.yaml", "L", pairs)
    files.keep("o", "measures/2001/o.yaml", "L", pairs)
    files.keep("p", "measures/2002/p.yaml", "L", pairs)
    files["q"] = ("measures/2003/q.yaml", "parsed")
    assert files["m"] == ("measures/2001/other.yaml", "L")
    assert files["n"] == ("measures/2001/n.yaml", "L")
    assert files["o"] == ("measures/2001/o.yaml", "L")
    assert files["p"] == ("measures/2002/p.yaml", "L")
    assert files["q"] == ("measures/2003/q.yaml", "parsed")
    assert files._where["n"] is files._where["o"] is not files._where["p"]
    assert list(files) == ["m", "n", "o", "p", "q"] and len(files) == 5


def test_a_cached_corpus_gives_back_the_same_measure_files(tmp_path, monkeypatch):
    from kzlaw import cache
    monkeypatch.setenv("KZLAW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KZLAW_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.05)
    root = str(tmp_path / "c")
    synth.write(root, synth.generate(40, seed=3))
    time.sleep(0.1)  # older than the racy window
    built = kzlaw.load(root, cache=True)
    built.holdings  # noqa: B018
    read = kzlaw.load(root, cache=True)
    assert "raw" not in read.__dict__  # read from the cache

    def where(files):
        return {ident: (rel, lines.find(("id",)), lines.find(("dates", "adopted")),
                        lines.find(("effects", 0)))
                for ident, (rel, lines) in files.items()}
    want = where(built.raw.measure_files)
    assert where(read.raw.measure_files) == want and want


# Effect and Measure keep their mostly unset fields together (model.py): every field reads
# back as it was given, and equal fields make equal (and equally hashed) objects.
_DAY = kzlaw.dates.parse_edtf("2001-04-09")
_TEXT = st.one_of(st.none(), st.sampled_from(["a", "b", "fine"]))
_EFFECT_VALUES = {
    "id": st.one_of(st.none(), st.sampled_from(["e", "f"])),
    **{k: _TEXT for k in ("prohibits", "requires", "designates", "establishes", "empowers",
                          "penalizes", "repeals", "replaces", "amends", "penalty", "note",
                          "article")},
    "liability": st.one_of(st.none(), st.sampled_from(["criminal", "administrative"])),
    "as_": st.one_of(st.none(), st.just("terrorist")),
    "deadline": st.one_of(st.none(), st.just(_DAY)),
    "with_": st.one_of(st.none(), st.just(Effect(id="w", prohibits="x", note="n"))),
    "from_": st.one_of(st.none(), st.just(_DAY)),
    "until": st.one_of(st.none(), st.just(_DAY)),
    "sources": st.sampled_from([(), (SourceRef("s1"),)]),
}
_EFFECT_ARGS = st.fixed_dictionaries({}, optional=_EFFECT_VALUES)


@settings(max_examples=300, deadline=None)
@given(_EFFECT_ARGS, _EFFECT_ARGS)
def test_an_effect_gives_back_every_field_it_was_made_with(given_a, given_b):
    from kzlaw.model import EFFECT_FIELDS, EFFECT_KINDS, EffectFields
    a, b = Effect(**given_a), Effect(**given_b)
    for name in EFFECT_FIELDS:
        assert getattr(a, name) == given_a.get(name, () if name == "sources" else None), name
    kinds = [k for k in EFFECT_KINDS if given_a.get(k) is not None]
    assert a.kinds == kinds
    assert a.kind == (kinds[0] if len(kinds) == 1 else None)
    assert a.value == (given_a[kinds[0]] if len(kinds) == 1 else None)
    assert a.fields() == EffectFields(**given_a) and a.fields().effect() == a
    assert Effect(*(getattr(a, name) for name in EFFECT_FIELDS)) == a
    same = all(given_a.get(n) == given_b.get(n) for n in EFFECT_FIELDS if n != "sources") \
        and given_a.get("sources", ()) == given_b.get("sources", ())
    assert (a == b) == same
    if same:
        assert hash(a) == hash(b)
    want = {}
    if given_a.get("liability") is not None:
        want["liability"] = given_a["liability"]
    if given_a.get("as_") is not None:
        want["as"] = given_a["as_"]
    if given_a.get("deadline") is not None:
        want["deadline"] = _DAY.text + _DAY.flag
    assert a.attributes() == want


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.just("No. 1")), st.sampled_from([(), (("ru", "Закон"),)]),
       st.one_of(st.none(), st.just("a note")), st.integers(0, 3))
def test_a_measure_gives_back_every_field_it_was_made_with(number, titles, note, n):
    from kzlaw.model import MEASURE_FIELDS, MeasureFields
    effects = tuple(Effect(id=f"e{i}", prohibits="a") for i in range(n))
    given_ = dict(id="law-1", title="T", kind="law", status="enacted",
                  dates=Dates(adopted=_DAY), sources=(SourceRef("s1"),), number=number,
                  titles=titles, note=note, effects=effects)
    m = Measure(**given_)
    for name in MEASURE_FIELDS:
        assert getattr(m, name) == given_[name], name
    assert type(m.effects) is tuple and m.effects == effects
    assert m.effects == m.effects and all(a is b for a, b in zip(m.effects, effects))
    assert m == Measure(*(given_[k] for k in MEASURE_FIELDS)) == MeasureFields(**given_).measure()
    assert hash(m) == hash(Measure(**given_))
    other = dict(given_, effects=effects + (Effect(id="z", requires="b"),))
    assert Measure(**other) != m and Measure(**other).effects == other["effects"]
    assert Measure(**dict(given_, note="other")) != m


def test_effects_and_measures_built_by_cattrs_equal_the_direct_ones(tmp_path):
    from kzlaw.loader import _direct_measure, structure
    from kzlaw.yamlfile import load_file
    path = tmp_path / "m.yaml"
    path.write_text("id: m\ntitle: T\nkind: law\nstatus: enacted\nnumber: '7'\n"
                    "dates: {adopted: 2001-04-09}\nsources: [{ref: s1}]\neffects:\n"
                    "- {id: a, prohibits: x, liability: criminal, article: '5(4)'}\n"
                    "- {id: b, amends: m#a, with: {prohibits: y, as: terrorist}}\n")
    data = load_file(str(path))
    problems: list = []
    built = structure(data, Measure, "m.yaml", problems)
    assert not problems and built == _direct_measure(data)
    assert built.number == "7" and built.effects[0].article == "5(4)"
    assert built.effects[1].with_.as_ == "terrorist" and built.effects[1].value == "m#a"


# A corpus loaded from its files keeps only the timeline of the facts' days, and makes
# ``corpus.facts`` again from it when asked (corpus._facts_again); during the load only the
# facts of a kind a rule names are indexed (corpus._index_facts).
def _a_corpus_with_a_rule_adding_to_a_fact_no_rule_reads(tmp_path) -> str:
    from builder import measure, write_corpus
    return write_corpus(tmp_path, [
        measure("m1", "2000-01-01", [{"id": "e", "empowers": "p", "until": "2005-01-01"}]),
        measure("m2", "2003-01-01", [{"id": "e", "designates": "o"}]),
        measure("m3", "2011", [{"id": "e", "prohibits": "x"}]),  # uncertain: some day of 2011
        measure("m4", "2001-01-01", [{"id": "e", "prohibits": "a", "until": "2002-01-01"}]),
    ], [{"id": "r", "when": [{"designation": "?o"}], "then": {"power": "p"}}])


def test_a_lean_corpus_makes_its_facts_again_as_the_load_had_them(tmp_path):
    from kzlaw.corpus import Corpus
    from kzlaw.dates import POS, parse_day
    from kzlaw.loader import load_raw
    root = _a_corpus_with_a_rule_adding_to_a_fact_no_rule_reads(tmp_path)
    lean, eager = Corpus(load_raw(root)), Corpus(load_raw(root), keep_holdings=True)
    assert "facts" not in vars(lean) and "facts" in vars(eager)
    # the rule adds to the days of power p, which only its 'then' names
    assert eager.facts.sets[("power", "p", None)][1] == ((parse_day("2000-01-01"), POS),)
    assert lean.compiled.segments == eager.compiled.segments
    assert list(lean.compiled.segments) == list(eager.compiled.segments)
    assert lean.compiled.why == eager.compiled.why
    assert ("prohibition", "x", None) in lean.compiled.why  # its holdings were asked for
    got = lean.facts.sets  # made again now
    assert got == eager.facts.sets and list(got) == list(eager.facts.sets)
    assert all((c is p) == (ec is ep) for (c, p), (ec, ep) in zip(got.values(),
                                                                  eager.facts.sets.values()))
    assert lean.facts is lean.facts and lean.day_ranges("prohibition", "x") == \
        eager.day_ranges("prohibition", "x")


def test_a_lean_corpus_asked_for_its_holdings_first_shares_its_facts_ranges(synth_corpus):
    from kzlaw.corpus import Corpus
    from kzlaw.loader import load_raw
    lean = Corpus(load_raw(synth_corpus.root))
    assert "facts" not in vars(lean)
    by_fact = lean.holdings_by_fact  # the facts' days made again first
    assert "facts" in vars(lean)
    assert lean.facts.sets == synth_corpus.facts.sets
    for key, hs in by_fact.items():  # as test_a_fact_shares_the_ranges_of_its_holdings
        _certain, possible = lean.facts.sets.get(key, ((), ()))
        theirs = {id(r) for h in hs for r in h.possible}
        alone = [r for r in possible if sum(r[0] <= s[0] and s[1] <= r[1]
                                            for h in hs for s in h.possible) == 1]
        assert all(id(r) in theirs for r in alone if key not in lean.derivations)


@pytest.mark.parametrize("n", [2, 5, 7, 1000, 40000])
def test_each_pass_of_the_side_by_side_lookup_asks_for_other_prohibitions(n):
    # The lookup's figure is the median of passes; a pass that asked for what the one
    # before it did would find it in the processor's cache, on both sides.
    probes = [(k * 7919) % n for k in range(200)]
    passes = bench_openfisca.lookup_passes(n, probes)
    assert len(passes) == bench_openfisca.PASSES and passes[0] == probes
    for before, after in zip(passes, passes[1:]):
        assert len(after) == len(probes) and all(0 <= i < n for i in after)
        assert all(a != b for a, b in zip(before, after))
