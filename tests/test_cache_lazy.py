"""What a cached corpus decodes lazily answers as the corpus built from its files does: each
fact's holdings and derivations (the cache file's facts frame, read fact by fact when a diff
or an explanation asks), and the holdings by fact rebuilt when the rest is read. Compared on
generated corpora (with and without rules) and the bundled one, on the days either side of
every change point; a damaged facts frame falls back to the rest, then to the files."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from bisect import bisect_right

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kzlaw
from kzlaw import cache, cachefile
from kzlaw.corpus import load_cached
from kzlaw.timeline import Compiled
import strategies as S
from test_cache_safety import _timelines
from test_properties import AMENDED, MIXED, RECURSIVE, REJECTED, sample_days

any_spec = st.one_of(S.tiny_specs(), S.specs())
# the bundled corpus, as this checkout has it (also for a copy of kzlaw elsewhere: mutants)
BUNDLED = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@contextlib.contextmanager
def cache_folder():
    folder = tempfile.mkdtemp(prefix="kzlaw-lazy-")
    saved = os.environ.get("KZLAW_CACHE_DIR")
    os.environ["KZLAW_CACHE_DIR"] = os.path.join(folder, "cache")
    try:
        yield
    finally:
        if saved is None:
            del os.environ["KZLAW_CACHE_DIR"]
        else:
            os.environ["KZLAW_CACHE_DIR"] = saved
        shutil.rmtree(folder, ignore_errors=True)


def stored_and_cached(root):
    """(the corpus built from the files, the same corpus read back from its cache file)."""
    fresh = kzlaw.load(root)
    # a moment later than the files, so that the racy rule lets it be stored
    assert cache.store(root, fresh, cache.manifest(root), cache.now_ns() + 10**10)
    cached = load_cached(root, cache.manifest(root))
    assert cached is not None
    return fresh, cached


def is_lazy(corpus) -> bool:
    return "_rest" in corpus.__dict__


def same_parts(fresh, cached) -> None:
    for name in cachefile.FACT_PARTS:
        eager, lazy = getattr(fresh, name), cached.__dict__[name]
        assert type(lazy) is cache._FactPart
        assert len(lazy) == len(eager) and list(lazy) == list(eager)  # the same order
        for key in eager:
            assert key in lazy and lazy[key] == eager[key] and lazy.get(key) == eager[key]
        assert lazy.get(("prohibition", "no-such-fact", None)) is None
        assert ("prohibition", "no-such-fact", None) not in lazy
        assert dict(lazy.items()) == eager


def pairs(days: list) -> list:
    """Neighbouring days, and wide spans (first to last, last to first, to the middle)."""
    out = list(zip(days, days[1:]))
    if days:
        out += [(days[0], days[-1]), (days[-1], days[0]), (days[len(days) // 2], days[-1])]
    return out


@settings(max_examples=40, deadline=None)
@given(any_spec)
@example(RECURSIVE)
@example(MIXED)
@example(AMENDED)
@example(REJECTED)
def test_the_lazy_parts_answer_as_the_corpus_built_from_the_files(spec):
    root = S.write_spec(spec)
    try:
        with cache_folder():
            fresh, cached = stored_and_cached(root)
            days = sample_days(fresh, spec)
            for a, b in pairs(days):
                assert cached.diff(a, b) == fresh.diff(a, b)
            assert is_lazy(cached)  # a diff reads the facts frame, not the rest
            same_parts(fresh, cached)
            for key in list(fresh.compiled.segments)[:4]:
                for day in days[::4]:
                    assert cached.explain(*key, at=day) == fresh.explain(*key, at=day)
            # the rest, once read, brings its own parts: the holdings by fact rebuilt
            assert cached.measures == fresh.measures
            assert not is_lazy(cached)
            assert type(cached.holdings_by_fact) is dict
            assert cached.holdings_by_fact == fresh.holdings_by_fact
            assert list(cached.holdings_by_fact) == list(fresh.holdings_by_fact)
            assert cached.derivations == fresh.derivations
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_bundled_corpus_lazy_parts_and_diffs():
    root = BUNDLED
    with cache_folder():
        fresh, cached = stored_and_cached(root)
        days = [d for d in (p + k for p in fresh.compiled.points[1:-1:7] for k in (-1, 0, 1))]
        for a, b in pairs(days):
            assert cached.diff(a, b) == fresh.diff(a, b)
        assert is_lazy(cached)
        same_parts(fresh, cached)


def test_every_part_the_cache_keeps_is_read_when_first_asked_for():
    """Each part of the rest of a cached corpus is a declared part of a Corpus: the first to
    be asked for reads the rest, and gives what the corpus built from its files has. A name
    that is no part (a typo) is an AttributeError at once, and reads nothing."""
    from kzlaw.corpus import Corpus, _PutOff
    with cache_folder():
        fresh, cached = stored_and_cached(BUNDLED)
        kept = set(fresh.state_for_cache())
        declared = {n for n, v in vars(Corpus).items() if isinstance(v, _PutOff)}
        assert kept and kept <= declared, kept - declared
        with pytest.raises(AttributeError, match="measure_list"):
            cached.measure_list  # noqa: B018
        assert not hasattr(cached, "holdngs")
        assert is_lazy(cached)  # nothing was read for them
        for name in sorted(kept - set(cachefile.FACT_PARTS)):  # (those the cache sets)
            _fresh, again = stored_and_cached(BUNDLED)
            assert is_lazy(again)
            got = getattr(again, name)  # the first part asked for reads the rest
            assert not is_lazy(again), name
            assert type(got) is type(getattr(fresh, name)), name
            if name in ("root", "measures", "rules", "sources", "vocabulary", "holdings",
                        "integrity", "integrity_stopped"):  # (the others have no ==)
                assert got == getattr(fresh, name), name


def test_a_corpus_loaded_from_its_files_makes_its_holdings_when_first_asked():
    """A corpus loaded without the cache keeps no holding (only the table of events and the
    changed acts, which the warnings read); whichever of the holdings or the holdings by
    fact is asked for first makes them all, as a corpus that kept them has them."""
    kept = kzlaw.corpus.Corpus(kzlaw.load(BUNDLED).raw, keep_holdings=True)
    for name in ("holdings", "holdings_by_fact"):
        lean = kzlaw.load(BUNDLED)
        assert "holdings" not in lean.__dict__  # else this test tests nothing
        first = getattr(lean, name)
        assert "holdings" in lean.__dict__ and "_holdings_pending" not in lean.__dict__
        assert first is getattr(lean, name)  # made once
        assert len(lean.holdings) == len(kept.holdings)
        assert lean.holdings_by_fact.keys() == kept.holdings_by_fact.keys()
        with pytest.raises(AttributeError):
            lean.holding  # noqa: B018 (a typo: no part)


def test_a_month_apart_diff_decodes_only_the_facts_it_changes():
    """Work counted: which facts changed is read from the timeline alone; their provenance,
    once read, decodes the facts the diff names (and, for a derived fact, its premises), not
    every fact of the corpus."""
    root = BUNDLED
    with cache_folder():
        fresh, cached = stored_and_cached(root)
        changes = cached.diff("2011-10-01", "2011-11-01")["changes"]
        assert changes and all(c["before"] != c["after"] or c["changed"] for c in changes)
        holdings = cached.__dict__["holdings_by_fact"]
        assert len(holdings._lists) == 0
        json.dumps(changes)  # the provenance read
        assert 0 < len(holdings._lists) < len(fresh.holdings_by_fact) // 4


def _frames(path) -> list[bytes]:
    """The frames of a cache file, in order (each after its 8-byte length)."""
    data = open(path, "rb").read()
    at, frames = len(cachefile.MAGIC), []
    while at < len(data):
        n = int.from_bytes(data[at:at + 8], "big")
        frames.append(data[at + 8:at + 8 + n])
        at += 8 + n
    return frames


def _damage_a_document(root):
    """Rewrite the cache file with one fact's document of the facts frame made invalid, with
    digests that verify (as a forger could): the file is still taken, the fact is not."""
    path = cache.cache_path(root)
    frames = _frames(path)
    header = cachefile.loads(frames[0])
    index, docs = cachefile.read_fact_parts(frames[3])
    a, b = next(iter(index["holdings_by_fact"].values()))
    docs = bytes(docs)
    facts = frames[3][:len(frames[3]) - len(docs)] + docs[:a] + b"[" * (b - a) + docs[b:]
    fields = (header["root"], header["code"], header["manifest"])
    header["facts"] = cachefile.bind(fields, facts)
    frames[0], frames[3] = cachefile.dumps(header), facts
    with open(path, "wb") as f:
        f.write(cachefile.MAGIC + b"".join(len(x).to_bytes(8, "big") + x for x in frames))


def test_a_damaged_fact_falls_back_to_the_rest_with_the_same_answers():
    root = S.write_spec(MIXED)
    try:
        with cache_folder():
            fresh, _cached = stored_and_cached(root)
            _damage_a_document(root)
            cached = load_cached(root, cache.manifest(root))
            assert cached is not None
            days = sample_days(fresh, MIXED)
            assert cached.diff(days[0], days[-1]) == fresh.diff(days[0], days[-1])
            part = cached.__dict__["holdings_by_fact"]
            assert part._eager is not None  # the rest was read instead
            assert part == fresh.holdings_by_fact
            assert cached.measures == fresh.measures
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --- writing the cache as it is encoded ---------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(any_spec)
@example(MIXED)
@example(REJECTED)
def test_the_streamed_encoding_is_the_whole_encoding_byte_for_byte(spec):
    corpus = S.load_spec(spec)
    state = corpus.state_for_cache()
    pieces: list = []
    cachefile.write_value(state, pieces.append)
    assert b"".join(pieces) == cachefile.dumps(cachefile.encode_value(state))
    back = cachefile.decode_value(cachefile.loads(b"".join(pieces)))
    assert back["measures"] is back["raw"].measures  # the sharing kept across the pieces
    assert back["holdings"] == corpus.holdings


def test_the_bundled_corpus_streamed_in_pieces(monkeypatch):
    """With every container of two items or more written item by item (as a large corpus's
    are), no piece is more than a small part of the whole, and the bytes are the same."""
    corpus = kzlaw.load(BUNDLED)
    state = corpus.state_for_cache()
    whole = cachefile.dumps(cachefile.encode_value(state))
    for streamed in (cachefile.STREAMED, 2):
        monkeypatch.setattr(cachefile, "STREAMED", streamed)
        pieces: list = []
        cachefile.write_value(state, pieces.append)
        assert b"".join(pieces) == whole
    assert max(map(len, pieces)) < len(whole) // 10  # at most about one measure


def test_a_corpus_the_format_cannot_hold_midway_leaves_no_file():
    root = S.write_spec(MIXED)
    try:
        with cache_folder():
            fresh = kzlaw.load(root)
            fresh.__dict__["zz_unstorable"] = object()  # met after most of the rest is written
            assert not cache.store(root, fresh, cache.manifest(root), cache.now_ns() + 10**10)
            folder = cache.cache_dir()
            assert not os.path.exists(folder) or os.listdir(folder) == []
            assert load_cached(root, cache.manifest(root)) is None
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --- the compiled timeline, read from its tables ------------------------------------------------

def _plain_on(segments, day) -> dict:
    out = {}
    for key, (starts, values) in segments.items():
        i = bisect_right(starts, day) - 1
        if i >= 0 and values[i] is not None:
            out[key] = values[i]
    return out


@settings(max_examples=150, deadline=None)
@given(segments=_timelines(), every=st.integers(0, 1000))
def test_the_lazy_timeline_reads_back_what_the_eager_one_does(segments, every):
    from kzlaw.timeline import Compiled
    data = cachefile.encode_compiled(Compiled(segments, every))
    eager, every_eager = cachefile.decode_compiled(data)
    lazy, every_lazy = cachefile.decode_compiled(data, lazy=True)
    assert every_lazy == every_eager == every
    assert list(lazy) == list(eager) and len(lazy) == len(eager)
    days = {-2**31, 2**31 - 1}
    for starts, _values in eager.values():
        days.update(d for s in starts for d in (s - 1, s, s + 1))
    for day in sorted(days):
        got, expected = lazy.values_on(day), _plain_on(eager, day)
        assert got == expected and list(got) == list(expected)
    lazy, _every = cachefile.decode_compiled(data, lazy=True)  # nothing made yet
    for day in sorted(days):  # without the `by`s not yet made: the rest as the eager one
        got, expected = lazy.values_on(day, by=False), _plain_on(eager, day)
        assert list(got) == list(expected)
        for key, value in got.items():
            assert value[2] in (None, expected[key][2])
            assert (value[0], value[1], value[3]) == (expected[key][0], expected[key][1],
                                                      expected[key][3])
        assert lazy.values_on(day) == expected  # and the whole values after them
    for key in eager:
        assert key in lazy and lazy[key] == eager[key] and lazy.get(key) == eager[key]
        assert type(lazy[key][0]) is list and type(lazy[key][1]) is list
    assert dict(lazy.items()) == eager
    assert lazy.get(("x", "y", None)) is None and ("x", "y", None) not in lazy


def _lazy_and_eager_tables(data: bytes):
    """(LazyTuples, LazyValues, every tuple, every value) of an encoded timeline."""
    strings, _every, sections, _starts = cachefile._read_tables(data)
    t_groups, t_items, e_items, a_off, a_items, v_items = sections[:6]
    tuples = cachefile.LazyTuples(strings, t_groups, t_items, e_items)
    eager = cachefile._all_tuples(strings, t_groups, t_items, e_items)
    both = (strings, eager)
    attributes = [tuple((strings[a_items[j]], both[a_items[j + 1] & 1][a_items[j + 1] >> 1])
                        for j in range(lo, hi, 2)) for lo, hi in zip(a_off, a_off[1:])]
    values = cachefile.LazyValues(v_items, attributes, tuples)
    eager_values = [None] + [(cachefile.STATUSES[v_items[i]], attributes[v_items[i + 1]],
                              eager[v_items[i + 2]], eager[v_items[i + 3]])
                             for i in range(0, len(v_items), 4)]
    return tuples, values, eager, eager_values


@settings(max_examples=150, deadline=None)
@given(segments=_timelines(), every=st.integers(0, 1000), data=st.data())
def test_the_lazy_tuples_and_values_are_the_eager_tables(segments, every, data):
    """Each tuple and value made on first need, in any order (an edit of a tuple not yet
    made makes its base first), is the eager table's; asked again it is the same object,
    and filling in the rest keeps the objects already made."""
    tuples, values, eager, eager_values = _lazy_and_eager_tables(
        cachefile.encode_compiled(Compiled(segments, every)))
    assert tuples.size == len(eager) and values.size == len(eager_values)
    asked = data.draw(st.lists(st.integers(0, max(len(eager_values) - 1, 0)), max_size=12))
    made = {}
    for i in asked:
        if i < values.size:
            made[i] = values[i]
            assert made[i] == eager_values[i] and values[i] is made[i]
    for i in data.draw(st.permutations(range(len(eager))))[:12]:
        assert tuples[i] == eager[i] and tuples[i] is tuples[i]
    # made many at once (in C), among them some made before: the same tuples and values
    some = data.draw(st.lists(st.integers(0, max(len(eager_values) - 1, 0)), max_size=20))
    before = dict(values)
    values.make([i for i in some if i < values.size])
    assert all(values[i] is v for i, v in before.items())
    assert all(values[i] == eager_values[i] for i in some if i < values.size)
    some = data.draw(st.lists(st.integers(0, max(len(eager) - 1, 0)), max_size=20))
    before = dict(tuples)
    tuples.make([i for i in some if i < tuples.size])
    assert set(some) & set(range(tuples.size)) <= set(tuples)
    assert all(tuples[i] is t for i, t in before.items())
    assert all(tuples[i] == eager[i] for i in some if i < tuples.size)
    for bad in (-1, tuples.size, "0"):
        with pytest.raises(KeyError):
            tuples[bad]
    every = values.as_list()
    assert every == eager_values and tuples.as_list() == eager
    assert all(every[i] is v for i, v in made.items())


def test_a_long_chain_of_edited_tuples_is_made_without_recursion():
    """A fact whose `by` grew one reference at a time over thousands of stretches: each
    tuple is an edit of the one before, and the last is made first."""
    from kzlaw.timeline import FactValue
    by, segs = tuple(f"m{i:03d}" for i in range(cachefile.LONG_TUPLE + 1)), []
    for day in range(5000):
        by += (f"n{day:05d}",)
        segs.append((day, FactValue("in-force", (), by, ())))
    data = cachefile.encode_compiled(Compiled({("prohibition", "x", None): segs}))
    tuples, values, eager, eager_values = _lazy_and_eager_tables(data)
    assert len(eager) > 5000
    values.make([values.size - 2])  # an edit's chain, made from a batch
    assert values[values.size - 2] == eager_values[-2]
    assert values[values.size - 1] == eager_values[-1] and values[values.size - 1][2] == by
    assert [tuples[i] for i in range(tuples.size)] == eager == tuples.as_list()


@settings(max_examples=100, deadline=None)
@given(segments=_timelines(), data=st.data())
def test_a_timeline_asked_for_many_facts_fills_its_values_and_answers_the_same(segments, data):
    """Past its threshold (or asked to fill, as the timeline's index does), LazySegments
    makes every value at once: the facts asked for before and after answer as the eager
    decoding does, the values made before kept."""
    data_ = cachefile.encode_compiled(Compiled(segments, 0))
    eager, _every = cachefile.decode_compiled(data_)
    lazy, _every = cachefile.decode_compiled(data_, lazy=True)
    lazy._fill_at = data.draw(st.integers(0, len(eager)))
    order = data.draw(st.permutations(list(eager)))
    before = {key: lazy[key] for key in order[:lazy._fill_at]}
    if data.draw(st.booleans()):
        lazy.fill()
    for key in order:
        assert lazy[key] == eager[key]
    assert type(lazy._values) is list or len(order) <= lazy._fill_at
    for key, (_starts, vals) in before.items():  # the same objects in the filled table
        i = lazy._index[key]
        assert all(v is lazy._values[r] for v, r in
                   zip(vals, lazy._refs[lazy._lo[i]:lazy._hi[i]]))


@settings(max_examples=30, deadline=None)
@given(any_spec)
@example(MIXED)
@example(AMENDED)
def test_a_first_state_from_the_cache_is_the_state_of_the_files(spec):
    """The first state of a corpus fresh from the cache is read from the timeline's tables
    (``LazySegments.values_on``), later ones from its index: both give the files' answers,
    on the days either side of every change point."""
    root = S.write_spec(spec)
    try:
        with cache_folder():
            fresh, cached = stored_and_cached(root)
            assert type(cached.compiled.segments) is cachefile.LazySegments
            days = sample_days(fresh, spec)
            for day in days:
                state = cached.compiled.at(day)
                assert cached.compiled._index is None
                assert state._items() == _plain_on(fresh.compiled.segments, day)
            for day in (days[0], days[len(days) // 2], days[-1]):
                first = load_cached(root, cache.manifest(root))
                assert first.in_force(day) == fresh.in_force(day)  # from the tables
                assert first.in_force(day) == fresh.in_force(day)  # from the index
                truth = fresh.in_force(day)
                no_by = dict(truth, facts=[{k: v for k, v in f.items() if k != "by"}
                                           for f in truth["facts"]])
                first = load_cached(root, cache.manifest(root))
                assert first.in_force(day, with_by=False) == no_by  # from the tables
                assert first.in_force(day) == truth  # the values made whole when asked
                assert first.in_force(day, with_by=False) == no_by  # from the index
                assert fresh.in_force(day, with_by=False) == no_by
                for kind in ("designation", "prohibition"):
                    plain = fresh.at(day).plain_facts(kind)
                    facts = fresh.at(day).facts(kind)
                    assert [k for k, _v in plain] == [f.key for f in facts]
                    assert [(v[0], dict(v[1]), v[2], v[3]) for _k, v in plain] == \
                        [(f.status, f.attributes, f.by, f.sources) for f in facts]
            assert dict(cached.compiled.segments.items()) == fresh.compiled.segments
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_a_facts_frame_changed_without_its_digest_is_not_used():
    """Two facts' documents swapped in the index (the frame still decodes, and would give
    each fact the other's holdings): the digest no longer verifies, so the rest answers."""
    root = S.write_spec(MIXED)
    try:
        with cache_folder():
            fresh, _cached = stored_and_cached(root)
            path = cache.cache_path(root)
            frames = _frames(path)
            facts = frames[3]
            n = int.from_bytes(facts[-8:], "big")
            index = cachefile.loads(facts[-8 - n:-8])
            entries = index["holdings_by_fact"]
            assert len(entries) >= 2
            entries[0][3:], entries[1][3:] = entries[1][3:], entries[0][3:]
            head = cachefile.dumps(index)
            frames[3] = facts[:-8 - n] + head + len(head).to_bytes(8, "big")
            cachefile.read_fact_parts(frames[3])  # still a well-formed frame
            with open(path, "wb") as f:
                f.write(cachefile.MAGIC + b"".join(len(x).to_bytes(8, "big") + x
                                                   for x in frames))
            cached = load_cached(root, cache.manifest(root))
            assert cached is not None
            part = cached.__dict__["holdings_by_fact"]
            for key in fresh.holdings_by_fact:
                assert part[key] == fresh.holdings_by_fact[key]
            assert part._eager is not None
    finally:
        shutil.rmtree(root, ignore_errors=True)
