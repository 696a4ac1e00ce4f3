"""The query fast paths (issue 15) against the straightforward computations they replace.

``corpus.diff``, ``corpus.at(day)`` and ``state.status`` answer from indexes and memos built
once per corpus (fact ranks, each fact's dated events with their JSON, names, sources and
evidence); here each answer is compared with one computed the plain way, fact by fact, from
the compiled segments and the holdings, on the days either side of every change point, for
generated corpora (with and without rules) and the bundled corpus.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import pickle

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kzlaw
from kzlaw import queries
from kzlaw.corpus import to_day
from kzlaw.dates import NEG, POS, day_iso
from kzlaw.queries import diff_group, document, event_json, fact_names
from kzlaw.timeline import ABSENT, FactValue, make_fact, sort_key
import strategies as S
from test_properties import AMENDED, MIXED, RECURSIVE, REJECTED, M, sample_days, spec_of

any_spec = st.one_of(S.tiny_specs(), S.specs())


# --- the straightforward computations --------------------------------------------------------

def plain_value(compiled, key, day):
    starts, values = compiled.segments[key]
    v = None
    for s, value in zip(starts, values):
        if s <= day:
            v = value
    return v


def plain_causes(corpus, key, a, b):
    """Why a fact changed between a and b: every holding's events inside the period, and for a
    derived fact the causes of its premises that changed status (as queries._causes)."""
    lo, hi = min(a, b), max(a, b)
    seen, todo, by, when = {key}, [key], set(), {}
    while todo:
        fact = todo.pop()
        for h in corpus.holdings_by_fact.get(fact, ()):
            for ev, cause in [(h.start, "")] + [(e, c) for e, _r, c in h.end_causes]:
                if ev.latest > lo and ev.earliest <= hi:
                    by.add(h.by)
                    if "#" in cause:
                        by.add(cause)
                    when[ev.label] = event_json(ev)
        for d in corpus.derivations.get(fact, ()):
            if fact is key:
                by.add(f"rule:{d.rule}")
            for prem in d.premises + d.negated:
                if prem in seen or prem[0] == "category":
                    continue
                va, vb = corpus.value(prem, a), corpus.value(prem, b)
                if (va and va.status) != (vb and vb.status):
                    seen.add(prem)
                    todo.append(prem)
    events = sorted(when.values(), key=lambda e: (e["earliest"] or "", e["latest"] or "~",
                                                  e["label"]))
    return sorted(by), events


def plain_diff(corpus, a, b) -> dict:
    """The diff document, every fact of the timeline visited and nothing remembered."""
    changes = []
    compiled = corpus.compiled
    for key in sorted(compiled.segments, key=sort_key):
        before, after = plain_value(compiled, key, a), plain_value(compiled, key, b)
        if before == after:
            continue
        sb = ABSENT if before is None else before[0]
        sa = ABSENT if after is None else after[0]
        ab = dict(before[1]) if before else {}
        aa = dict(after[1]) if after else {}
        changed = {}
        if sb == sa:
            for name in sorted(set(ab) | set(aa)):
                if ab.get(name) != aa.get(name):
                    changed[name] = [_plain(ab.get(name)), _plain(aa.get(name))]
            if not changed:
                continue
        change = fact_names(corpus, key)
        change.update({"before": sb, "after": sa, "group": diff_group(sb, sa)})
        if changed:
            change["changed"] = changed
        change["by"], change["when"] = plain_causes(corpus, key, a, b)
        src = set(before[3] if before else ()) | set(after[3] if after else ())
        change["sources"] = sorted(src)
        change["evidence"] = corpus.names.evidence(src)
        changes.append(change)
    return document(corpus, {"command": "diff", "from": day_iso(a), "to": day_iso(b)}, [a, b],
                    {"from": day_iso(a), "to": day_iso(b), "changes": changes})


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def plain_facts(corpus, day) -> list:
    compiled = corpus.compiled
    out = []
    for key in sorted(compiled.segments, key=sort_key):
        v = plain_value(compiled, key, day)
        if v is not None:
            out.append(make_fact(key, FactValue._make(v)))
    return out


def check_days(corpus, days, every=(0, 1, 3)):
    """``check_index`` with the timeline indexed with a snapshot at every change point, and
    every third, too: a diff over more change points than lie between two snapshots compares
    the two states (otherwise it visits the facts that change), and a state replays the
    changes since its snapshot. And with diffs that remember every fact they meet, and none,
    and that keep no run of a fact's events."""
    for n in every:
        corpus.compiled.snapshot_every = n
        corpus.compiled._index = None
        check_index(corpus, days)
    share, kept = queries.REMEMBER_SHARE, queries.KEPT_WINDOWS
    try:
        for queries.REMEMBER_SHARE, queries.KEPT_WINDOWS in ((0, kept), (10**9, 0), (10**9, kept)):
            corpus.__dict__.pop("_memo_diff", None)
            check_index(corpus, days)
    finally:
        queries.REMEMBER_SHARE, queries.KEPT_WINDOWS = share, kept


def check_index(corpus, days):
    """Every fast answer equals the plain one on these days and between every pair of them
    (a sample of pairs: neighbours, and each day with the first and the last)."""
    pairs = set(zip(days, days[1:])) | {(days[0], d) for d in days} | \
        {(d, days[-1]) for d in days}
    for a, b in sorted(pairs):
        for x, y in ((a, b), (b, a)):
            assert corpus.diff(x, y) == plain_diff(corpus, x, y), (day_iso(x), day_iso(y))
    for day in days:
        fresh = corpus.at(day)  # its facts never made: each status is worked out alone
        state = corpus.at(day)
        assert state.facts() == plain_facts(corpus, day), day_iso(day)
        for kind in {k[0] for k in corpus.compiled.segments}:
            assert state.facts(kind) == [f for f in plain_facts(corpus, day) if f.kind == kind]
        for key in corpus.compiled.segments:
            v = plain_value(corpus.compiled, key, day)
            assert state.status(*key) == (ABSENT if v is None else v[0]), (key, day)
            assert fresh.status(*key) == state.status(*key), (key, day)


# --- generated corpora ------------------------------------------------------------------------

# Events whose latest days do not rise with their earliest: a measure dated only "2001" (any
# day of the year) and one of June and July; diffs then test each event of the fact.
UNORDERED = spec_of(M("m1", "2001", [{"id": "e1", "prohibits": "a"}]),
                    M("m2", "2001-06-01", [{"id": "e1", "prohibits": "a",
                                            "until": "2001-07-01"}]))


@given(any_spec)
@example(RECURSIVE)
@example(MIXED)
@example(AMENDED)
@example(UNORDERED)
def test_fast_queries_equal_the_plain_computation(spec):
    corpus = S.load_spec(spec)
    check_days(corpus, sample_days(corpus, spec))


def test_events_out_of_order_are_each_tested():
    corpus = S.load_spec(UNORDERED)
    check_days(corpus, sample_days(corpus, UNORDERED))
    events = [e for e in corpus.__dict__["_memo_diff"]["events"] if e]
    assert events and not any(e[4] for e in events)  # the general path was the one tested


@given(any_spec, st.integers(0, 3))
def test_fast_queries_do_not_depend_on_what_was_asked_before(spec, warm):
    """The memos are filled by earlier questions (none, a diff, a state, both): every answer
    stays the same."""
    corpus = S.load_spec(spec)
    days = sample_days(corpus, spec)
    if warm & 1:
        corpus.diff(days[0], days[-1])
    if warm & 2:
        corpus.at(days[len(days) // 2]).facts()
    check_days(corpus, days[::3] + days[-1:], every=(0,))


def test_changing_an_answer_changes_no_later_answer():
    """A diff's changes, their lists and its events are its own: what diffs remember is
    handed out as copies."""
    corpus = S.load_spec(REJECTED)  # a date with alternatives: events that nest a list
    a, b = sample_days(corpus, REJECTED)[0], sample_days(corpus, REJECTED)[-1]
    first = corpus.diff(a, b)
    expected = plain_diff(corpus, a, b)
    assert any(ev.get("alternatives") for c in first["changes"] for ev in c["when"])
    for c in first["changes"]:
        c["by"].append("x")
        c["sources"].append("x")
        c["title"] = "x"
        for ev in c["when"]:
            ev["label"] = "x"
            for alt in ev.get("alternatives", ()):
                alt.clear()
            ev.get("alternatives", []).append("x")
        c["when"].append("x")
    assert corpus.diff(a, b) == expected


# One prohibition switched on and off four times (eight events), as the side-by-side
# benchmark's are: diffs over every run of its events.
SWITCHED = spec_of(*[M(f"m{k}", f"200{k}-01-01", [{"id": "e1", "prohibits": "a",
                                                     "until": f"200{k}-07-01"}])
                     for k in range(1, 5)])


def test_every_run_of_a_facts_events_answers_as_the_plain_computation():
    """A diff keeps the by of each run of a fact's events it meets: every pair of days,
    asked in turn of one corpus (so that the runs asked before are kept), answers as the
    plain computation."""
    corpus = S.load_spec(SWITCHED)
    days = sample_days(corpus, SWITCHED)
    for a in days:
        for b in days:
            assert corpus.diff(a, b) == plain_diff(corpus, a, b), (day_iso(a), day_iso(b))
    runs = [e[7] for e in corpus.__dict__["_memo_diff"]["events"] if e]
    assert runs and len(runs[0]) > 10  # many runs were kept and answered from


# --- the bundled corpus -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled():
    # the bundled corpus of this checkout by its path (a copy of kzlaw elsewhere, a mutant's,
    # would not find it as its own)
    return kzlaw.load(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_a_built_state_names_aliases_and_unknown_ids_as_a_fresh_one_does(bundled):
    """A state whose facts are made reads a status from them; an alias, an unknown
    id or kind, and a fact with an ``about`` are answered as by a state never built."""
    day = bundled.compiled.points[len(bundled.compiled.points) // 2]
    built = bundled.at(day)
    built.facts()
    assert built._built is not None  # else this test tests nothing
    with_about = next(k for k in bundled.compiled.segments if k[2] is not None)
    for kind, target, about in [("prohibition", "prayer in state institutions", None),
                                ("prohibition", "prayer rooms in state institutions", None),
                                ("prohibition", "prayer-in-workplace", None), with_about]:
        assert built.status(kind, target, about) == bundled.at(day).status(kind, target, about)
    for kind, target in [("prohibition", "prayer-in-workplac"),
                         ("prohibitio", "prayer-in-workplace")]:
        with pytest.raises(kzlaw.KzlawError) as built_error:
            built.status(kind, target)
        with pytest.raises(kzlaw.KzlawError) as fresh_error:
            bundled.at(day).status(kind, target)
        assert str(built_error.value) == str(fresh_error.value)


def test_bundled_corpus_fast_queries_equal_the_plain_computation(bundled):
    points = [p for p in bundled.compiled.points if NEG < p < POS]
    days = sorted({d for p in points for d in (p - 1, p)} | {points[-1] + 1})
    check_days(bundled, days[::4] + days[-2:], every=(0, 5))


def test_states_before_and_after_the_timeline_is_indexed(bundled):
    """A timeline fresh from the compiled cache is not indexed: its first state is read fact
    by fact, the second builds the index; every state equals the plain one."""
    compiled = bundled.compiled
    days = [p for p in compiled.points if NEG < p < POS][::7]
    compiled._index = None
    compiled._unindexed_states = 0
    for day in days[:3] + days[:3]:
        for kind in (None, "prohibition"):
            assert bundled.at(day).facts(kind) == \
                [f for f in plain_facts(bundled, day) if kind is None or f.kind == kind]
    assert compiled._index is not None


def test_facts_handed_out_again_cannot_be_changed(bundled):
    """A state hands out the same Fact for the same stretch of a fact: its attributes are a
    dict that refuses changes (and copies as a plain one)."""
    import copy
    import pickle
    day = max(p for p in bundled.compiled.points if p < POS) - 1
    fact = next(f for f in bundled.at(day).facts() if f.attributes)
    again = next(f for f in bundled.at(day).facts() if f.key == fact.key)
    assert again is fact
    for change in (lambda d: d.__setitem__("x", 1), lambda d: d.update(x=1), lambda d: d.clear(),
                   lambda d: d.pop(next(iter(d))), lambda d: d.setdefault("x", 1),
                   lambda d: d.popitem(), lambda d: d.__delitem__(next(iter(d)))):
        with pytest.raises(TypeError):
            change(fact.attributes)
    assert fact.attributes == dict(fact.attributes) and type(dict(fact.attributes)) is dict
    assert copy.deepcopy(fact) == fact and pickle.loads(pickle.dumps(fact.attributes)) == \
        fact.attributes
    assert bundled.at(day).facts() == plain_facts(bundled, day)


def test_rank_sort_equals_the_sort_key(bundled):
    """Facts sorted by their rank among all facts come out as sorting by the key does."""
    compiled = bundled.compiled
    keys = list(compiled.segments)
    assert compiled.sorted_keys(keys[::-1]) == sorted(keys, key=sort_key)
    assert compiled.sorted_keys(keys[:3]) == sorted(keys[:3], key=sort_key)
    assert compiled.sorted_keys(keys[::-2]) == sorted(keys[::2], key=sort_key)


# --- a day's text made once, states compared by identity, the collector paused ---------------

@given(any_spec)
@example(REJECTED)
@example(AMENDED)
def test_events_json_with_shared_day_texts_equal_event_json(spec):
    """What a diff remembers of an event (each day's text made once and shared) is
    ``event_json`` exactly, its keys in the same order: alternatives, a flag, the words a
    source wrote the date in, a month or a range are written by ``event_json`` itself."""
    corpus = S.load_spec(spec)
    days: dict = {}
    for ev in events_of(corpus):
        assert list(queries._event_json_of_days(ev, days).items()) == \
            list(event_json(ev).items()), ev


def events_of(corpus) -> list:
    return [ev for h in corpus.holdings for ev in (h.start,) + tuple(e for e, _r, _c in
                                                                     h.end_causes)]


def test_bundled_events_json_with_shared_day_texts_equal_event_json(bundled):
    days: dict = {}
    events = events_of(bundled)
    shared = [queries._event_json_of_days(ev, days) for ev in events]
    assert [list(js.items()) for js in shared] == [list(event_json(ev).items()) for ev in events]
    assert any(js.get("as_written") for js in shared)  # not only plain days
    assert any(js.get("date") == js["earliest"] for js in shared)  # and plain days


@given(any_spec)
@example(MIXED)
def test_long_diffs_find_equal_values_that_are_distinct_objects_equal(spec):
    """A diff over many change points compares two states by the identity of their values
    (a compiled timeline makes equal values one object) and then by equality: a timeline
    whose equal values are distinct objects gives the same differences."""
    corpus = S.load_spec(spec)
    compiled = corpus.compiled
    compiled.segments = {k: (starts, [None if v is None else tuple(list(v)) for v in values])
                         for k, (starts, values) in compiled.segments.items()}
    compiled.snapshot_every = 1  # every diff of two or more change points compares states
    compiled._index = None
    keys = compiled.fact_keys
    days = sample_days(corpus, spec)
    for a, b in zip(days, days[::-1]):
        plain = [(n, plain_value(compiled, k, a), plain_value(compiled, k, b))
                 for n, k in enumerate(keys)]
        assert compiled.diff_numbers(a, b) == [x for x in plain if x[1] != x[2]]


def test_a_pause_of_the_collector_nests_and_ends_as_it_began():
    import gc
    from kzlaw import collector
    was = gc.isenabled()
    try:
        gc.enable()
        with collector.paused():
            assert not gc.isenabled()
            with collector.paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the outer pause still runs
        assert gc.isenabled()
        with pytest.raises(ZeroDivisionError):
            with collector.paused():
                1 / 0
        assert gc.isenabled()
        gc.disable()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a collector the caller disabled stays disabled
    finally:
        (gc.enable if was else gc.disable)()


def test_diffs_and_states_leave_the_collector_as_they_found_it(bundled):
    import gc
    was = gc.isenabled()
    points = [p for p in bundled.compiled.points if NEG < p < POS]
    try:
        for enabled in (True, False, True):
            (gc.enable if enabled else gc.disable)()
            assert bundled.diff(points[0], points[-1])["changes"]
            assert bundled.at(points[-1]).facts()
            assert gc.isenabled() == enabled
            from kzlaw import report  # rendering pauses it too
            for fmt in ("table", "markdown", "html"):
                assert report.render_in_force(bundled.in_force(points[-1]), fmt)
                assert gc.isenabled() == enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_facts_made_through_their_slots_are_the_facts_the_class_makes(bundled):
    """``make_fact`` fills a Fact's slots one by one (a third of the work of ``Fact(...)``):
    every field, in the order attrs declares them, equal, hashed and shown alike."""
    import attrs
    from kzlaw.timeline import Attributes, Fact, NO_ATTRIBUTES
    assert [a.name for a in attrs.fields(Fact)] == \
        ["kind", "target", "about", "status", "attributes", "by", "sources"]
    made = 0
    for key, (starts, values) in bundled.compiled.segments.items():
        for v in values:
            if v is None:
                continue
            fact = make_fact(key, v)
            plain = Fact(key[0], key[1], key[2], v[0],
                         Attributes(v[1]) if v[1] else NO_ATTRIBUTES, v[2], v[3])
            assert fact == plain and hash(fact) == hash(plain) and repr(fact) == repr(plain)
            assert attrs.astuple(fact, recurse=False) == attrs.astuple(plain, recurse=False)
            made += 1
    assert made
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fact.status = "x"


# --- a change's provenance, worked out when read ------------------------------------------------

# Every way of reading a dict: each gives the change whole, its provenance worked out, in the
# order of its keys, whether it is the first read of the diff's changes or not.
READS = {
    "json": lambda c: json.loads(json.dumps(c)),
    "json indented": lambda c: json.loads(json.dumps(c, indent=2)),
    "dict": dict,
    "unpacked": lambda c: {**c},
    "items": lambda c: dict(c.items()),
    "keys and get": lambda c: {k: c.get(k) for k in list(c.keys())},
    "iterated and values": lambda c: dict(zip(list(c), list(c.values()))),
    "reversed": lambda c: {k: c[k] for k in reversed(list(reversed(c)))},
    "by then the rest": lambda c: (c["by"], {k: c[k] for k in list(c)})[1],
    "copy": lambda c: c.copy(),
    "copy.copy": copy.copy,
    "copy.deepcopy": copy.deepcopy,
    "pickled": lambda c: pickle.loads(pickle.dumps(c)),
    "merged into": lambda c: {} | c,
    "merged": lambda c: c | {},
    "updating another": lambda c: (lambda d: (d.update(c), d)[1])({}),
    "as keywords": lambda c: (lambda **kw: kw)(**c),
    "repr": lambda c: ast.literal_eval(repr(c)),
}


def _read_each(corpus, a, b, read, first: bool):
    changes = corpus.diff(a, b)["changes"]
    order = list(range(len(changes))) if first else list(range(len(changes)))[::-1]
    got = [None] * len(changes)
    for i in order:
        got[i] = read(changes[i])
    return got


@pytest.mark.parametrize("name", sorted(READS))
def test_every_way_of_reading_a_change_gives_its_provenance(bundled, name):
    """Each read, as the first of its diff's changes and as a later one, gives exactly the
    plain computation's change, keys in its order (so the JSON's order stays)."""
    corpus = bundled
    for a, b in (("2005-01-01", "2016-01-01"), ("2016-01-01", "2005-01-01")):
        a, b = to_day(a), to_day(b)
        plain = plain_diff(corpus, a, b)["changes"]
        assert len(plain) > 5
        for first in (True, False):
            got = _read_each(corpus, a, b, READS[name], first)
            assert got == plain, (name, first)
            assert [list(c) for c in got] == [list(c) for c in plain], (name, first)
            assert all(type(c) is dict for c in got) or name == "by then the rest"


def test_a_change_counts_and_holds_its_provenance_before_it_is_read(bundled):
    corpus = bundled
    changes = corpus.diff("2005-01-01", "2016-01-01")["changes"]
    plain = plain_diff(corpus, to_day("2005-01-01"), to_day("2016-01-01"))["changes"]
    assert len(changes[0]) == len(plain[0])
    assert "evidence" in changes[1] and "sources" in changes[2]
    assert changes[3].get("when") == plain[3]["when"]
    assert changes[4] != {} and not changes[4] != plain[4]
    with pytest.raises(KeyError):
        changes[5]["no-such-key"]
    again = corpus.diff("2005-01-01", "2016-01-01")["changes"]
    assert again == corpus.diff("2005-01-01", "2016-01-01")["changes"] == plain  # both unread


# What the caller changes in a change before reading its provenance stays as the caller left it.
WRITES = {
    "set": (lambda c: c.__setitem__("by", ["mine"]), lambda c, p: {**p, "by": ["mine"]}),
    "deleted": (lambda c: c.__delitem__("when"),
                lambda c, p: {k: v for k, v in p.items() if k != "when"}),
    "popped": (lambda c: c.pop("sources"), lambda c, p: {k: v for k, v in p.items()
                                                        if k != "sources"}),
    "default set": (lambda c: c.setdefault("evidence", "mine"), lambda c, p: p),
    "updated": (lambda c: c.update(by=[1]), lambda c, p: {**p, "by": [1]}),
    "merged in place": (lambda c: c.__ior__({"when": []}), lambda c, p: {**p, "when": []}),
    "cleared": (lambda c: c.clear(), lambda c, p: {}),
    "last item popped": (lambda c: c.popitem(), lambda c, p: dict(list(p.items())[:-1])),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_changing_a_change_before_reading_it_is_kept(bundled, name):
    corpus = bundled
    a, b = to_day("2005-01-01"), to_day("2016-01-01")
    plain = plain_diff(corpus, a, b)["changes"]
    changes = corpus.diff(a, b)["changes"]
    write, expected = WRITES[name]
    returned = write(changes[0])
    assert json.loads(json.dumps(changes[0])) == expected(changes[0], plain[0])
    assert changes[1:] == plain[1:]
    if name == "popped":
        assert returned == plain[0]["sources"]
    if name == "default set":
        assert returned == plain[0]["evidence"]
    if name == "last item popped":
        assert returned == ("evidence", plain[0]["evidence"])


@pytest.mark.parametrize("ids", [False, True])
@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv", "html"])
def test_in_force_without_by_where_the_format_shows_none_renders_the_same(bundled, fmt, ids):
    """``kzlaw in-force`` asks for its facts without their ``by`` where the answer does not
    show it (``report.in_force_shows_by``): the answer is the one of the whole document, and a
    document without ``by`` is exactly the whole one less that key."""
    from kzlaw import report
    with_by = report.in_force_shows_by(fmt, ids)
    for day in ("1995-01-01", "2006-06-01", "2012-01-01", "2024-06-01"):
        whole = bundled.in_force(day)
        asked = bundled.in_force(day, with_by=with_by)
        assert report.render_in_force(asked, fmt, ids=ids) == \
            report.render_in_force(whole, fmt, ids=ids)
        if not with_by:
            assert asked["facts"] and all("by" not in f for f in asked["facts"])
            assert asked == dict(whole, facts=[{k: v for k, v in f.items() if k != "by"}
                                               for f in whole["facts"]])
