"""Property tests (issue 5): the engine checked against its own definition, semantics.md sections 3-8.

Each test is one property. Corpora come from tests/strategies.py; the brute-force answers from
tests/reference.py (which enumerates every world and shares no code with src/kzlaw). Profiles
are in tests/conftest.py: ``ci`` (default, derandomized) and ``HYPOTHESIS_PROFILE=thorough``.
"""

from __future__ import annotations

import copy
import os
import shutil

import pytest
from hypothesis import assume, example, given, reject
from hypothesis import strategies as st

import kzlaw
from kzlaw import daysets as ds
import reference as R
import strategies as S
from builder import dump

NEG, POS = R.NEG, R.POS


# --- helpers ----------------------------------------------------------------------------------

def in_set(ranges, day: int) -> bool:
    return any(s <= day < e for s, e in ranges)


def window_mask(ranges, ref: R.Reference) -> int:
    """The engine's day set on the reference's window, as the reference's bitmask."""
    mask = 0
    for s, e in ranges:
        s, e = max(s - ref.first, 0), min(e - ref.first, ref.n)
        if s < e:
            mask |= ((1 << e) - 1) ^ ((1 << s) - 1)
    return mask


def days_of(mask: int, ref: R.Reference) -> list:
    return [R.date.fromordinal(ref.first + i).isoformat() for i in range(ref.n) if mask >> i & 1]


def subset(a, b) -> bool:
    """Day set a ⊆ day set b (tuples of half-open ranges)."""
    return all(any(s2 <= s and e <= e2 for s2, e2 in b) for s, e in a)


def fact_keys(corpus) -> list:
    return sorted((k for k in corpus.facts.sets if k[0] != "category"),
                  key=lambda k: tuple("" if x is None else x for x in k))


def all_sets(corpus) -> dict:
    return {k: corpus.day_ranges(*k) for k in fact_keys(corpus) if corpus.day_ranges(*k)[1]}


def status_map(corpus, day) -> dict:
    return {f.key: f.status for f in corpus.at(day)}


def full_state(corpus, day, rename=None) -> list:
    out = []
    for f in corpus.at(day):
        j = f.to_json()
        if rename:
            j["by"] = sorted(rename.get(b, b) for b in j["by"])
        out.append(j)
    return out


def spec_dates(spec: dict) -> list:
    """Every date value of the spec's measures."""
    out = []
    for m in spec["measures"]:
        out += [v for v in (m.get("dates") or {}).values() if v is not None]
        for e in m.get("effects") or ():
            out += [e[k] for k in ("from", "until") if e.get(k) is not None]
    return out


def sample_days(corpus, spec: dict) -> list:
    """Days where something may happen: every finite date bound and change point, ±1."""
    days = {R.date(1998, 6, 1).toordinal(), R.date(2004, 1, 1).toordinal()}
    for v in spec_dates(spec):
        for b in R.parse_date(v):
            if NEG < b < POS:
                days |= {b - 1, b, b + 1}
    for p in corpus.compiled.points:
        if NEG < p < POS:
            days |= {p - 1, p, p + 1}
    return sorted(days)


def load(spec, **kw):
    return S.load_spec(spec, **kw)


def engine_vs_reference(corpus, ref: R.Reference):
    """(key, engine certain mask, engine possible mask, ref certain, ref possible) per fact."""
    keys = set(ref.facts()) | set(fact_keys(corpus))
    for k in sorted(keys, key=lambda k: tuple("" if x is None else x for x in k)):
        c, p = corpus.day_ranges(*k)
        for s, e in c + p:  # outside the window nothing may change
            for b in (s, e):
                assert b in (NEG, POS) or ref.first < b < ref.first + ref.n, (k, c, p)
        yield k, window_mask(c, ref), window_mask(p, ref), ref.certain.get(k, 0), \
            ref.possible.get(k, 0)


tiny_no_rules = S.tiny_specs(rules=False)
tiny_with_rules = S.tiny_specs(min_rules=1, max_rules=3)
general = S.specs()
any_spec = st.one_of(S.tiny_specs(), S.specs())
diff_spec = any_spec


def M(ident, adopted, effects, **kw):
    dates = {"adopted": adopted}
    dates.update(kw.pop("dates", {}))
    return S.new_measure(ident, kw.pop("status", "enacted"), dates, effects)


def spec_of(*measures, rules=()):
    return {"vocabulary": S.VOCABULARY, "measures": list(measures), "rules": list(rules)}


# An amendment dated only "2001-01-03..06" keeps the prohibition certain throughout (semantics.md §7).
AMENDED = spec_of(M("m1", "2001-01-01", [{"id": "e1", "prohibits": "a", "liability": "criminal"}]),
                  M("m2", "[2001-01-03..2001-01-06]",
                    [{"id": "e1", "amends": "m1#e1",
                      "with": {"prohibits": "a", "liability": "administrative"}}]))
# A repeal of a repeal dated before the repeal it repeals: the first repeal still acts.
REPEAL_OF_REPEAL = spec_of(
    M("m1", "2001-01-01", [{"id": "e1", "prohibits": "a"}]),
    M("m2", "[2001-01-05..2001-01-07]", [{"id": "e1", "repeals": "m1"}]),
    M("m3", "2001-01-03", [{"id": "e1", "repeals": "m2#e1"}]))
# A reported replacement that restates the fact: in-force throughout, in every world (either
# the report is true and the new text holds from the day it replaces the old, or it is false
# and the old text goes on); a reported repeal only makes its target uncertain.
REPORTED_RESTATES = spec_of(
    M("m1", "2001-01-01", [{"id": "e1", "prohibits": "a", "liability": "criminal"}]),
    M("m2", "[2001-01-03..2001-01-06]", [{"id": "e1", "replaces": "m1"},
                                         {"id": "e2", "prohibits": "a"}], status="reported"),
    M("m3", "2001-01-04", [{"id": "e1", "repeals": "m1#e1"}], status="reported"))
# A reported measure's amendment establishes an uncertain fact; an enacted repeal of a
# reported measure ends it as any.
REPORTED_AMENDS = spec_of(
    M("m1", "2001-01-01", [{"id": "e1", "prohibits": "a"}, {"id": "e2", "establishes": "i"}]),
    M("m2", "[2001-01-02..2001-01-03]", [{"id": "e1", "amends": "m1#e1",
                                         "with": {"prohibits": "b"}}], status="reported"),
    M("m3", "[2001-01-05..2001-01-06]", [{"id": "e1", "repeals": "m2"}]))
# A rejected alternative does not widen the range.
REJECTED = spec_of(M("m1", [{"date": "2001-01-02", "ref": "s1"},
                            {"date": "2001-01-08", "ref": "s2", "rejected": "a misprint"}],
                     [{"id": "e1", "prohibits": "a"}]))
# A rule that can use what it derives (diff once recursed forever on it).
RECURSIVE = spec_of(M("m1", "2001-01-05", [{"id": "e1", "prohibits": "a"}]),
                    rules=[{"id": "r1", "when": [{"prohibition": "?x"}],
                            "then": {"prohibition": "?x"}}])
# A fact held by an effect and by a rule (diff once sorted ints against strings).
MIXED = spec_of(M("m1", "2001-01-05", [{"id": "e1", "prohibits": "a"},
                                       {"id": "e2", "establishes": "i"}]),
                rules=[{"id": "r1", "when": [{"prohibition": "a"}],
                        "then": {"institution": "i"}}])


# --- 1. the engine against the brute-force reference -----------------------------------------

@given(tiny_no_rules)
@example(AMENDED)
@example(REPEAL_OF_REPEAL)
@example(REPORTED_RESTATES)
@example(REPORTED_AMENDS)
@example(REJECTED)
def test_engine_equals_reference_without_rules(spec):
    """Without rules, certain and possible are both exact (semantics.md §7), on every day."""
    corpus = load(spec)
    ref = R.evaluate(spec)
    for k, ce, pe, cr, pr in engine_vs_reference(corpus, ref):
        assert ce == cr, f"{k}: certain engine {days_of(ce, ref)} != worlds {days_of(cr, ref)}"
        assert pe == pr, f"{k}: possible engine {days_of(pe, ref)} != worlds {days_of(pr, ref)}"


# r1 negates what r2 derives: only stratified evaluation gets it right, whatever the file order.
NEGATES_DERIVED = spec_of(
    M("m1", "[2001-01-03..2001-01-05]", [{"id": "e1", "prohibits": "a"}]),
    M("m2", "2001-01-04", [{"id": "e1", "empowers": "p"}]),
    rules=[{"id": "r1", "when": [{"prohibition": "?x"}, {"not": {"obligation": "d", "about": "?x"}}],
            "then": {"penalty": "?x", "about": "f"}},
           {"id": "r2", "when": [{"prohibition": "?x"}, {"power": "p"}],
            "then": {"obligation": "d", "about": "?x"}}])


@given(tiny_with_rules)
@example(NEGATES_DERIVED)
def test_engine_bounds_reference_with_rules(spec):
    """With rules, certain never claims a day some world lacks, possible never misses a day some
    world has (semantics.md §7), and both are exact where semantics.md §8's formulas are (see reference.py)."""
    corpus = load(spec)
    ref = R.evaluate(spec)
    for k, ce, pe, cr, pr in engine_vs_reference(corpus, ref):
        assert ce & ~cr == 0, f"{k}: certain on {days_of(ce & ~cr, ref)} but not in every world"
        assert pr & ~pe == 0, f"{k}: some world has it on {days_of(pr & ~pe, ref)}"
        if ref.exact_certain.get(k):
            assert ce == cr, f"{k}: certain {days_of(ce, ref)} != exact {days_of(cr, ref)}"
        if ref.exact_possible.get(k):
            assert pe == pr, f"{k}: possible {days_of(pe, ref)} != exact {days_of(pr, ref)}"


def test_possible_overapproximates_when_premises_share_an_event():
    """semantics.md §8's formulas lose exactness when premises share an uncertain event: here a and b
    start together, so 'a and not b' holds in no world, yet possible = possible(a) − certain(b)
    keeps the days on which the shared start is undetermined."""
    spec = spec_of(M("m1", "[2001-01-05..2001-01-08]",
                     [{"id": "e1", "prohibits": "a"}, {"id": "e2", "prohibits": "b"}]),
                   rules=[{"id": "r1", "when": [{"prohibition": "a"},
                                                {"not": {"prohibition": "b"}}],
                           "then": {"obligation": "d"}}])
    corpus = load(spec)
    ref = R.evaluate(spec)
    key = ("obligation", "d", None)
    assert ref.possible.get(key, 0) == 0 and not ref.exact_possible.get(key)
    certain, possible = corpus.day_ranges(*key)
    assert certain == ()
    d = R.date
    assert possible == ((d(2001, 1, 5).toordinal(), d(2001, 1, 8).toordinal()),)
    assert corpus.at("2001-01-06").status(*key) == "uncertain"


def test_certain_underapproximates_across_derivations():
    """semantics.md §7/8 only promise certain ⊆ exact with rules: d is derived from a (from an uncertain
    day e) and from b (repealed at e), so every world has d every day, but no single derivation
    is certain while e is undetermined."""
    spec = spec_of(M("m0", "2001-01-01", [{"id": "e1", "prohibits": "b"}]),
                   M("m1", "[2001-01-05..2001-01-08]",
                     [{"id": "e1", "prohibits": "a"}, {"id": "e2", "repeals": "m0#e1"}]),
                   rules=[{"id": "r1", "when": [{"prohibition": "a"}], "then": {"obligation": "d"}},
                          {"id": "r2", "when": [{"prohibition": "b"}], "then": {"obligation": "d"}}])
    corpus = load(spec)
    ref = R.evaluate(spec)
    key = ("obligation", "d", None)
    c, p = corpus.day_ranges(*key)
    assert ref.certain[key] == ref.possible[key] == window_mask(p, ref)  # exact: always held
    assert not ref.exact_certain.get(key)
    d = R.date
    assert c == ((d(2001, 1, 1).toordinal(), d(2001, 1, 5).toordinal()),
                 (d(2001, 1, 8).toordinal(), POS))
    assert corpus.at("2001-01-06").status(*key) == "uncertain"


# --- 2. certain ⊆ possible ---------------------------------------------------------------------

@given(any_spec)
def test_certain_is_within_possible(spec):
    corpus = load(spec)
    for k in fact_keys(corpus):
        certain, possible = corpus.day_ranges(*k)
        assert subset(certain, possible), (k, certain, possible)
    for day in sample_days(corpus, spec):
        for f in corpus.at(day):
            assert f.status in ("in-force", "uncertain")


# --- 3. refining a date ------------------------------------------------------------------------

def date_slots(spec: dict) -> list:
    """(container, key) of every date that is an event."""
    out = []
    for m in spec["measures"]:
        for k, v in (m.get("dates") or {}).items():
            if k in ("adopted", "in_force", "expires") and v is not None:
                out.append((m["dates"], k))
        for e in m.get("effects") or ():
            out += [(e, k) for k in ("from", "until") if e.get(k) is not None]
    return out


def range_text(lo: int, hi: int) -> str:
    a = "" if lo <= NEG else S.iso(lo)
    b = "" if hi >= POS else S.iso(hi)
    return a if lo == hi else f"[{a}..{b}]"


@given(any_spec, st.data())
def test_refining_a_date_never_flips_in_force_and_absent(spec, data):
    """Narrowing a date's range inside the old one removes worlds: certain can only grow and
    possible only shrink, so nothing in force becomes absent or absent becomes in force."""
    slots = date_slots(spec)
    container, key = data.draw(st.sampled_from(slots), label="date")
    lo, hi = R.parse_date(container[key])
    if lo > NEG:
        new_lo = data.draw(st.integers(lo, min(hi, lo + 1000)), label="new earliest")
    else:
        new_lo = data.draw(st.just(NEG) | st.integers(hi - 1000, hi), label="new earliest")
    floor = new_lo if new_lo > NEG else hi - 1000
    if hi < POS:
        new_hi = data.draw(st.integers(max(floor, hi - 1000), hi), label="new latest")
    else:
        new_hi = data.draw(st.just(POS) | st.integers(floor, floor + 1000), label="new latest")
    assume(new_lo <= new_hi and (new_lo, new_hi) != (lo, hi) and (new_lo, new_hi) != (NEG, POS))
    before = load(spec)
    refined = copy.deepcopy(spec)
    refined_slots = date_slots(refined)
    c2, k2 = refined_slots[slots.index((container, key))]
    c2[k2] = range_text(new_lo, new_hi)
    try:
        after = load(refined)
    except kzlaw.KzlawError:
        reject()  # the narrower date now ends something certainly before it starts
    for k in set(fact_keys(before)) | set(fact_keys(after)):
        c0, p0 = before.day_ranges(*k)
        c1, p1 = after.day_ranges(*k)
        assert subset(c0, c1), f"{k}: refining lost certain days {c0} -> {c1}"
        assert subset(p1, p0), f"{k}: refining added possible days {p0} -> {p1}"
    for day in sample_days(before, spec):
        s0, s1 = status_map(before, day), status_map(after, day)
        for k in set(s0) | set(s1):
            pair = (s0.get(k, "absent"), s1.get(k, "absent"))
            assert pair not in (("in-force", "absent"), ("absent", "in-force")), (k, day, pair)


# --- 4. diffs ------------------------------------------------------------------------------------

def day_pairs(n):
    return st.tuples(*[st.integers(0, 10_000)] * n)


def pick_days(corpus, spec, idx):
    days = sample_days(corpus, spec)
    return [days[i % len(days)] for i in idx]


@given(diff_spec, day_pairs(1))
def test_diff_of_a_day_with_itself_is_empty(spec, idx):
    corpus = load(spec)
    for day in pick_days(corpus, spec, idx) + sample_days(corpus, spec)[::7]:
        assert corpus.diff(day, day)["changes"] == []


@given(diff_spec, day_pairs(2), st.integers(0, 6), st.integers(1, 5))
def test_a_page_is_the_slice_of_the_whole_answer_with_its_provenance(spec, idx, offset, limit):
    """Any page of a day, a diff or the timeline (``paging.py``) is the whole answer's items
    ``[offset:offset + limit]``, its provenance included, and says how many there are."""
    corpus = load(spec)
    a, b = pick_days(corpus, spec, idx)
    for key, ask in (("facts", lambda **p: corpus.in_force(a, **p)),
                     ("changes", lambda **p: corpus.diff(a, b, **p)),
                     ("events", lambda **p: corpus.timeline(**p))):
        page = ask(offset=offset, limit=limit)
        whole = ask()[key]
        assert page[key] == whole[offset:offset + limit]
        if offset == 0 and len(whole) <= limit:
            assert "page" not in page
        else:
            assert page["page"]["total"] == len(whole)
            assert page["page"]["next"] == (offset + limit if offset + limit < len(whole)
                                            else None)


def _change_key(c):
    return (c["kind"], c["target"], c["about"])


@given(diff_spec, day_pairs(2))
@example(RECURSIVE, (0, -1))
@example(MIXED, (0, -1))
def test_diff_is_the_inverse_of_the_reverse_diff(spec, idx):
    corpus = load(spec)
    a, b = pick_days(corpus, spec, idx)
    fwd = {_change_key(c): c for c in corpus.diff(a, b)["changes"]}
    back = {_change_key(c): c for c in corpus.diff(b, a)["changes"]}
    assert set(fwd) == set(back)
    for k, c in fwd.items():
        r = back[k]
        assert (c["before"], c["after"]) == (r["after"], r["before"]), k
        assert {n: v[::-1] for n, v in c.get("changed", {}).items()} == r.get("changed", {}), k


@given(diff_spec, day_pairs(3))
def test_diffs_compose(spec, idx):
    """state(a) + diff(a, b) + diff(b, c) = state(c), as status maps."""
    corpus = load(spec)
    a, b, c = pick_days(corpus, spec, idx)
    state = status_map(corpus, a)
    for x, y in ((a, b), (b, c)):
        for ch in corpus.diff(x, y)["changes"]:
            k = _change_key(ch)
            assert state.get(k, "absent") == ch["before"], (k, x, y)
            if ch["after"] == "absent":
                state.pop(k, None)
            else:
                state[k] = ch["after"]
    assert state == status_map(corpus, c)


@given(diff_spec, day_pairs(2))
def test_diff_lists_exactly_the_facts_that_differ(spec, idx):
    """A fact is in diff(a, b) iff its status or attributes differ between the two states, and
    ``changed`` gives the attributes' two values."""
    corpus = load(spec)
    a, b = pick_days(corpus, spec, idx)
    sa = {f.key: f for f in corpus.at(a)}
    sb = {f.key: f for f in corpus.at(b)}
    expected = set()
    for k in set(sa) | set(sb):
        fa, fb = sa.get(k), sb.get(k)
        if (fa and fa.status) != (fb and fb.status) or \
                (fa and fa.attributes) != (fb and fb.attributes):
            expected.add(k)
    changes = corpus.diff(a, b)["changes"]
    assert {_change_key(c) for c in changes} == expected
    for ch in changes:
        k = _change_key(ch)
        for name, (va, vb) in ch.get("changed", {}).items():
            plain = lambda v: list(v) if isinstance(v, tuple) else v  # noqa: E731
            assert plain(sa[k].attributes.get(name)) == va and plain(sb[k].attributes.get(name)) == vb


@given(diff_spec, day_pairs(2))
@example(RECURSIVE, (0, -1))
def test_diff_terminates_with_recursive_rules(spec, idx):
    """Regression (found by this suite, fixed in queries._causes): diff recursed forever into
    the premises of a rule that can use a fact it derives (a positive cycle, semantics.md §8 allows it)."""
    corpus = load(spec)
    a, b = pick_days(corpus, spec, idx)
    corpus.diff(a, b)
    corpus.diff(b, a)


@given(diff_spec, day_pairs(2))
@example(MIXED, (0, -1))
def test_diff_of_a_fact_held_by_an_effect_and_a_rule(spec, idx):
    """Regression (found by this suite, fixed in queries._causes): a fact held by an effect and
    by a rule made diff sort ints against ISO strings."""
    corpus = load(spec)
    a, b = pick_days(corpus, spec, idx)
    fwd = {_change_key(c): c for c in corpus.diff(a, b)["changes"]}
    back = {_change_key(c): c for c in corpus.diff(b, a)["changes"]}
    assert set(fwd) == set(back)


EMPTY_ABOUT_AS_TARGET = spec_of(
    M("m1", "2001-01-01", [{"id": "e1", "establishes": "i"}, {"id": "e2", "empowers": "p"}]),
    rules=[{"id": "r1", "when": [{"institution": "?x", "about": "?y"}], "then": {"power": "?y"}}])


@given(st.just(EMPTY_ABOUT_AS_TARGET))
def test_rule_binding_an_empty_about_as_a_target(spec):
    """'about: ?y' matches an empty about too (semantics.md §8: "matches any"); a derivation whose
    head would then have no target names no fact, and derives nothing."""
    corpus = load(spec)
    facts = list(corpus.at("2001-01-02"))
    assert all(f.target is not None for f in facts)
    corpus.diff("2000-12-31", "2001-01-02")


# --- 5. change points and the compiled timeline ----------------------------------------------

@given(any_spec, st.randoms(use_true_random=False))
def test_state_is_constant_between_change_points_and_changes_at_each(spec, rnd):
    corpus = load(spec)
    points = [p for p in corpus.compiled.points if NEG < p < POS]
    assert points == sorted(set(points))
    edges = [R.date(1990, 1, 1).toordinal()] + points + [R.date(2010, 1, 1).toordinal()]
    for lo, hi in zip(edges, edges[1:]):
        here = full_state(corpus, lo)
        probes = {hi - 1, (lo + hi) // 2, rnd.randint(lo, hi - 1)}
        for d in probes:
            assert full_state(corpus, d) == here, (lo, hi, d)
    for p in points:
        assert full_state(corpus, p) != full_state(corpus, p - 1), p


@given(any_spec)
def test_compiled_timeline_agrees_with_day_sets_on_every_date(spec):
    """corpus.at(d) (snapshots + deltas) = status read naively from each fact's day sets."""
    corpus = load(spec)
    keys = fact_keys(corpus)
    for day in sample_days(corpus, spec):
        naive = {}
        for k in keys:
            certain, possible = corpus.day_ranges(*k)
            if in_set(certain, day):
                naive[k] = "in-force"
            elif in_set(possible, day):
                naive[k] = "uncertain"
        state = corpus.at(day)
        assert status_map(corpus, day) == naive, day
        assert len(state) == len(naive)
        for k in keys:
            assert state.status(*k) == naive.get(k, "absent")


@given(st.one_of(tiny_no_rules, S.tiny_specs()))
@example(AMENDED)
def test_compiled_timeline_agrees_with_reference_on_every_day(spec):
    """corpus.at(d) = the brute-force status on every day of the window (and around it); without
    rules, attributes and ``by`` are those of the effects that possibly apply (semantics.md §7)."""
    corpus = load(spec)
    ref = R.evaluate(spec)
    for day in range(ref.first - 3, ref.first + ref.n + 3):
        state = {f.key: f for f in corpus.at(day)}
        expected = ref.statuses(day)
        if ref.has_rules:  # exact only where semantics.md §8 is; elsewhere in-force ⇒ in every world
            for k, f in state.items():
                if f.status == "in-force":
                    assert expected.get(k) == "in-force", (k, day)
            for k, s in expected.items():
                assert k in state, (k, day)
            continue
        assert {k: f.status for k, f in state.items()} == expected, day
        i = min(max(day - ref.first, 0), ref.n - 1)
        for k, f in state.items():
            active = [(by, attrs) for by, (fact, attrs, mask) in ref.holding_possible.items()
                      if fact == k and mask >> i & 1]
            assert sorted(f.by) == sorted(by for by, _ in active), (k, day)
            values = {}
            for _by, attrs in active:
                for name, v in attrs.items():
                    values.setdefault(name, set()).add(v)
            want = {n: next(iter(vs)) if len(vs) == 1 else tuple(sorted(vs))
                    for n, vs in values.items()}
            assert f.attributes == want, (k, day)


# --- 6. order independence ---------------------------------------------------------------------

@given(any_spec, st.data())
def test_results_do_not_depend_on_order(spec, data):
    """Files (year folders), effects within a measure, rules (renamed, so read in another
    order), patterns within a rule and vocabulary entries, permuted: the same answers."""
    years = {m["id"]: data.draw(st.sampled_from([1999, 2000, 2001, 2002])) for m in spec["measures"]}
    shuffled = copy.deepcopy(spec)
    for m in shuffled["measures"]:
        m["effects"] = data.draw(st.permutations(m["effects"]))
    shuffled["measures"] = data.draw(st.permutations(shuffled["measures"]))
    ids = [r["id"] for r in spec["rules"]]
    new_ids = data.draw(st.permutations(ids))
    rename = dict(zip(ids, new_ids))
    for r in shuffled["rules"]:
        r["id"] = rename[r["id"]]
        r["when"] = data.draw(st.permutations(r["when"]))
    shuffled["rules"] = data.draw(st.permutations(shuffled["rules"]))
    vocab = {}
    for section in data.draw(st.permutations(list(S.VOCABULARY))):
        entries = S.VOCABULARY[section]
        vocab[section] = {k: entries[k] for k in data.draw(st.permutations(list(entries)))}
    shuffled["vocabulary"] = vocab
    a = load(spec)
    b = load(shuffled, years=years)
    assert all_sets(a) == all_sets(b)
    back = {f"rule:{new}": f"rule:{old}" for old, new in rename.items()}
    for day in sample_days(a, spec):
        assert full_state(a, day) == full_state(b, day, rename=back), day


# --- 7. repeals ----------------------------------------------------------------------------------

def changes_of(spec):
    """(verb, target, latest day of its start) of every changing effect of an enacted measure."""
    for m in spec["measures"]:
        if m["status"] != "enacted":
            continue
        d = m["dates"]
        mstart = d.get("in_force", d.get("adopted"))
        for e in m["effects"]:
            for verb in ("repeals", "replaces", "amends"):
                if verb in e:
                    yield verb, e[verb], R.parse_date(e.get("from", mstart))[1]


@given(any_spec)
@example(REPEAL_OF_REPEAL)
def test_repealed_effect_never_holds_after_its_repeal(spec):
    """After the latest day of a repeal, replacement or amendment, the effects it ends appear in
    no fact's ``by`` (and facts held only by them are absent)."""
    corpus = load(spec)
    ended = [(t, latest) for _v, t, latest in changes_of(spec) if latest < POS]
    assume(ended)
    for day in sample_days(corpus, spec):
        for target, latest in ended:
            if day < latest:
                continue
            for f in corpus.at(day):
                for by in f.by:
                    assert not (by == target or ("#" not in target and
                                                 by.startswith(target + "#"))), \
                        f"{by} holds {f.key} on {S.iso(day)}, after {target} ended {S.iso(latest)}"


@given(any_spec, st.data())
@example(spec_of(M("m1", "2001-01-01", [{"id": "e1", "prohibits": "a"}])), None)
def test_repeal_of_a_repeal_revives_nothing(spec, data):
    """Add a measure y1 that repeals an effect, then z1 that repeals y1 (the whole measure or
    its repealing effect), on any date, even before y1: z1 changes nothing at all (semantics.md §6)."""
    enacted = [m for m in spec["measures"] if m["status"] == "enacted"]
    if data is None:
        target, y_date, z_date, z_target = "m1#e1", "2001-01-10", "2001-01-05", "y1"
    else:
        tm = data.draw(st.sampled_from(enacted), label="target measure")
        te = data.draw(st.sampled_from(tm["effects"]), label="target effect")
        target = data.draw(st.sampled_from([tm["id"], f"{tm['id']}#{te['id']}"]))
        y_date = data.draw(S.any_dates() | S.tiny_dates(), label="y1 adopted")
        z_date = data.draw(S.any_dates() | S.tiny_dates(), label="z1 adopted")
        z_target = data.draw(st.sampled_from(["y1", "y1#e1"]))
    with_y = copy.deepcopy(spec)
    with_y["measures"].append(M("y1", y_date, [{"id": "e1", "repeals": target}]))
    with_z = copy.deepcopy(with_y)
    with_z["measures"].append(M("z1", z_date, [{"id": "e1", "repeals": z_target}]))
    a, b = load(with_y), load(with_z)
    assert all_sets(a) == all_sets(b)
    latest = R.parse_date(y_date)[1]
    if latest < POS:
        for day in [latest, latest + 1, latest + 400]:
            for f in b.at(day):
                assert target not in f.by and not any(x.startswith(target + "#") for x in f.by)


# --- 8. pending and failed measures ------------------------------------------------------------

@given(any_spec, st.data())
def test_pending_and_failed_measures_change_nothing(spec, data):
    status = data.draw(st.sampled_from(["pending", "failed"]))
    dates = {"introduced": data.draw(S.any_dates())}
    if status == "failed":
        dates["failed"] = dates["introduced"]
    effects = []
    for j in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(list(S.ESTABLISHING) + ["repeals"]))
        if kind == "repeals":
            tm = data.draw(st.sampled_from([m for m in spec["measures"]
                                            if m["status"] == "enacted"]))
            effects.append({"id": f"e{j + 1}", "repeals": tm["id"]})
        else:
            eff = {"id": f"e{j + 1}"}
            eff[kind] = data.draw(st.sampled_from(S.ESTABLISHING[kind][1]))
            if kind == "penalizes":
                eff["penalty"] = "f"
            effects.append(eff)
    bigger = copy.deepcopy(spec)
    bigger["measures"].append(S.new_measure("zz", status, dates, effects))
    a, b = load(spec), load(bigger)
    assert all_sets(a) == all_sets(b)
    for day in sample_days(a, spec):
        assert full_state(a, day) == full_state(b, day), day


# --- 8b. reported measures (semantics.md §5, §7) -------------------------------------------------

def _reported_effects(spec) -> set:
    return {f"{m['id']}#{e['id']}" for m in spec["measures"] if m["status"] == "reported"
            for e in m["effects"]}


@given(any_spec)
@example(REPORTED_RESTATES)
def test_a_fact_held_only_by_reported_measures_is_never_in_force(spec):
    """Where every effect that may hold a fact belongs to a reported measure, some world (the
    one where none of them exists) lacks it: it is uncertain at most."""
    reported = _reported_effects(spec)
    assume(reported)
    corpus = load(spec)
    for day in sample_days(corpus, spec):
        for f in corpus.at(day):
            if f.by and all(b in reported for b in f.by):
                assert f.status == "uncertain", (f.key, S.iso(day), f.by)


def _targets(spec) -> set:
    return {str(e[v]).split("#")[0] for m in spec["measures"] for e in m["effects"]
            for v in ("repeals", "replaces", "amends") if v in e}


@given(any_spec, st.data())
@example(REPORTED_RESTATES, None)
def test_a_reported_measure_lies_between_its_absence_and_its_enactment(spec, data):
    """Without rules the worlds of a reported measure are those where it is enacted and those
    where it does not exist, so certain = certain(enacted) ∩ certain(removed) and possible =
    possible(enacted) ∪ possible(removed), for every fact."""
    spec = dict(spec, rules=[])
    reported = [m for m in spec["measures"] if m["status"] == "reported"
                and m["id"] not in _targets(spec)]  # removable: nothing changes it
    assume(reported)
    chosen = reported[0] if data is None else \
        data.draw(st.sampled_from(reported), label="reported measure")
    as_enacted = copy.deepcopy(spec)
    for m in as_enacted["measures"]:
        if m["id"] == chosen["id"]:
            m["status"] = "enacted"
    removed = dict(spec, measures=[m for m in spec["measures"] if m["id"] != chosen["id"]])
    r, e, a = load(spec), load(as_enacted), load(removed)
    for key in set(fact_keys(r)) | set(fact_keys(e)) | set(fact_keys(a)):
        rc, rp = r.day_ranges(*key)
        ec, ep = e.day_ranges(*key)
        ac, ap = a.day_ranges(*key)
        assert rc == ds.intersect(ec, ac), (key, rc, ec, ac)
        assert rp == ds.union(ep, ap), (key, rp, ep, ap)


# --- 9. loading what kzlaw writes --------------------------------------------------------------

def dump_date(d):
    if d is None:
        return None
    if d.alternatives:
        out = []
        for a in d.alternatives:
            item = {"date": a.date.text + a.date.flag, "ref": a.ref}
            for name in ("quote", "as_written", "note", "summary", "translation", "rejected"):
                if getattr(a, name) is not None:
                    item[name] = getattr(a, name)
            out.append(item)
        return out
    text = d.text + d.flag
    extra = {n: getattr(d, n) for n in ("as_written", "note", "ref", "quote", "summary",
                                         "translation") if getattr(d, n) is not None}
    return {"date": text, **extra} if extra else text


def dump_refs(refs):
    return [{k: v for k, v in (("ref", r.ref), ("quote", r.quote), ("summary", r.summary),
                               ("translation", r.translation), ("note", r.note))
             if v is not None} for r in refs]


def dump_effect(e):
    out = {}
    for name, key in (("id", "id"), ("prohibits", "prohibits"), ("requires", "requires"),
                      ("designates", "designates"), ("establishes", "establishes"),
                      ("empowers", "empowers"), ("penalizes", "penalizes"),
                      ("repeals", "repeals"), ("replaces", "replaces"), ("amends", "amends"),
                      ("liability", "liability"), ("as_", "as"), ("penalty", "penalty"),
                      ("note", "note"), ("article", "article")):
        if getattr(e, name) is not None:
            out[key] = getattr(e, name)
    for name, key in (("deadline", "deadline"), ("from_", "from"), ("until", "until")):
        if getattr(e, name) is not None:
            out[key] = dump_date(getattr(e, name))
    if e.with_ is not None:
        out["with"] = dump_effect(e.with_)
    if e.sources:
        out["sources"] = dump_refs(e.sources)
    return out


def dump_pattern(p):
    out = {p.kind: p.target}
    if p.has_about:
        out["about"] = p.about
    return {"not": out} if p.negated else out


def dump_corpus(corpus, root: str) -> str:
    """Write a loaded corpus back as YAML, from kzlaw's model objects (not from the spec)."""
    os.makedirs(os.path.join(root, "measures"), exist_ok=True)
    os.makedirs(os.path.join(root, "rules"), exist_ok=True)
    vocab = {}
    for section, entries in corpus.vocabulary.items():
        vocab[section] = {}
        for ident, v in entries.items():
            item = {"label": v.label}
            if v.aliases:
                item["aliases"] = list(v.aliases)
            if v.note is not None:
                item["note"] = v.note
            if v.categories:
                item["categories"] = list(v.categories)
            vocab[section][ident] = item
    dump(os.path.join(root, "measures", "vocabulary.yaml"), vocab)
    sources = {}
    for ident, s in corpus.sources.items():
        item = {"citation": s.citation, "kind": s.kind}
        for name in ("url", "document", "passage", "note"):
            if getattr(s, name) is not None:
                item[name] = getattr(s, name)
        if s.published is not None:
            item["published"] = dump_date(s.published)
        if s.footnote is not None:
            item["footnote"] = str(s.footnote)
        sources[ident] = item
    dump(os.path.join(root, "measures", "sources.yaml"), sources)
    for ident, m in corpus.measures.items():
        rel = corpus.raw.measure_files[ident][0]
        dates = {f: dump_date(getattr(m.dates, f)) for f in
                 ("introduced", "adopted", "in_force", "expires", "failed")
                 if getattr(m.dates, f) is not None}
        out = {"id": m.id, "title": m.title, "kind": m.kind, "status": m.status, "dates": dates,
               "sources": dump_refs(m.sources), "effects": [dump_effect(e) for e in m.effects]}
        for name in ("number", "note"):
            if getattr(m, name) is not None:
                out[name] = getattr(m, name)
        if m.titles:
            out["titles"] = dict(m.titles)
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        dump(os.path.join(root, rel), out)
    for ident, r in corpus.rules.items():
        out = {"id": r.id, "when": [dump_pattern(p) for p in r.when]}
        if r.then is not None:
            out["then"] = {k: v for k, v in dump_pattern(r.then).items()}
        if r.check is not None:
            out["check"] = r.check
        for name in ("description", "note"):
            if getattr(r, name) is not None:
                out[name] = getattr(r, name)
        if r.sources:
            out["sources"] = dump_refs(r.sources)
        dump(os.path.join(root, "rules", f"{ident}.yaml"), out)
    return root


def _without_lines(rule):
    import attrs
    return attrs.evolve(rule, line=0, when=tuple(attrs.evolve(p, line=0) for p in rule.when),
                        then=None if rule.then is None else attrs.evolve(rule.then, line=0))


@given(S.written_specs(any_spec))
def test_loading_what_kzlaw_writes_gives_the_same_corpus(written):
    spec, root = written
    try:
        corpus = kzlaw.load(root)
        again_root = dump_corpus(corpus, S.fresh_dir())
        again = kzlaw.load(again_root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(again_root, ignore_errors=True)
    assert again.measures == corpus.measures
    assert again.vocabulary == corpus.vocabulary and again.sources == corpus.sources
    assert {k: _without_lines(r) for k, r in again.rules.items()} == \
        {k: _without_lines(r) for k, r in corpus.rules.items()}
    assert all_sets(again) == all_sets(corpus)
    assert again.compiled.points == corpus.compiled.points
    for day in sample_days(corpus, spec):
        assert full_state(again, day) == full_state(corpus, day)


# --- 10. dates -----------------------------------------------------------------------------------

@given(st.one_of(S.any_dates(), S.tiny_dates()), st.booleans())
@example("2011-24", False)
@example(["..2011"], False)
def test_every_date_notation_is_read_as_its_range(value, as_in_force):
    """A start date in any semantics.md §3 notation: possible from its earliest day, certain from its
    latest; the same whether it is ``adopted`` or ``in_force``."""
    lo, hi = R.parse_date(value)
    dates = {"adopted": value}
    if as_in_force:
        dates = {"adopted": "[..2003]" if lo <= NEG else S.iso(lo), "in_force": value}
    corpus = load(spec_of(S.new_measure("m1", "enacted", dates,
                                        [{"id": "e1", "prohibits": "a"}])))
    certain, possible = corpus.day_ranges("prohibition", "a")
    assert possible == ((lo, POS),)
    assert certain == (((hi, POS),) if hi < POS else ())
    start = corpus.measures["m1"].start_date
    assert (start.earliest, start.latest) == (lo, hi)
    if isinstance(value, dict) and value.get("as_written"):
        assert start.as_written == value["as_written"]
    if isinstance(value, list) and isinstance(value[0], dict):
        assert [a.ref for a in start.alternatives] == [v["ref"] for v in value]
