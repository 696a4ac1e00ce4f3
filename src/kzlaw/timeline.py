"""The compiled timeline: every fact as a list of segments, the change points of the whole
corpus, and a few snapshots, so that

* ``status(kind, target, about)`` on a day is one dict look-up and one binary search;
* ``at(day)`` is a binary search that returns a *view* (the nearest snapshot and the changes
  since it), not a copy of every fact;
* ``diff(a, b)`` only visits the change points between ``a`` and ``b``.

This is kzlaw's equivalent of zic's output; ``kzlaw timeline`` is its zdump.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from itertools import compress, count, repeat
from operator import is_not
from typing import Iterator, NamedTuple, Optional

import attrs

from . import collector
from . import daysets as ds
from .dates import NEG, POS, day_iso
from .model import fact_order

FactKey = tuple

IN_FORCE = "in-force"
UNCERTAIN = "uncertain"
ABSENT = "absent"


class FactValue(NamedTuple):
    """What is true of one fact over one stretch of days. A plain tuple underneath, so the
    compiled timeline is small and is stored and read fast (the compiled cache)."""

    status: str  # in-force | uncertain
    attributes: tuple = ()  # sorted (name, value or tuple of alternatives)
    by: tuple = ()  # measure#effect and rule:ID
    sources: tuple = ()  # source ids


class Attributes(dict):
    """A fact's attributes: a dict that cannot be changed. States hand out the same Fact for
    the same stretch of a fact (``State.facts``), so its attributes must stay as they are."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError("a fact's attributes cannot be changed (copy them: dict(f.attributes))")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):
        return (Attributes, (dict(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


NO_ATTRIBUTES = Attributes()


@attrs.frozen
class Fact:
    """One fact on one day, as users and the JSON see it (its attributes cannot be changed)."""

    kind: str
    target: str
    about: Optional[str]
    status: str
    attributes: dict = attrs.field(factory=dict, hash=False)
    by: tuple = ()
    sources: tuple = ()

    @property
    def key(self) -> FactKey:
        return (self.kind, self.target, self.about)

    def to_json(self) -> dict:
        out = {"kind": self.kind, "target": self.target, "about": self.about,
               "status": self.status}
        for name, value in self.attributes.items():
            out[name] = list(value) if isinstance(value, tuple) else value
        out["by"] = list(self.by)
        out["sources"] = list(self.sources)
        return out


# A Fact made field by field through its slots: what ``Fact(...)`` makes (attrs checks
# nothing on the way in), for a third of the work. States make one per fact and stretch.
_new_fact = object.__new__
_FACT_SLOTS = tuple(Fact.__dict__[a.name].__set__ for a in attrs.fields(Fact))
(_set_kind, _set_target, _set_about, _set_status, _set_attributes, _set_by,
 _set_sources) = _FACT_SLOTS


def make_fact(key: FactKey, value: tuple) -> Fact:
    """The Fact of a value: a FactValue, or the plain tuple the timeline stores."""
    fact = _new_fact(Fact)
    _set_kind(fact, key[0])
    _set_target(fact, key[1])
    _set_about(fact, key[2])
    _set_status(fact, value[0])
    _set_attributes(fact, Attributes(value[1]) if value[1] else NO_ATTRIBUTES)
    _set_by(fact, value[2])
    _set_sources(fact, value[3])
    return fact


sort_key = fact_order  # facts sort by kind, target, about (an empty about first)


class Compiled:
    """Segments per fact; the change points, their deltas and the snapshots are derived from
    them on first use (and are not part of the compiled cache). Values are stored as plain
    tuples, which the cache stores compactly (``cachefile.py``), and handed out as FactValue."""

    def __init__(self, segments: dict[FactKey, list[tuple[int, Optional[FactValue]]]],
                 snapshot_every: int = 0):
        # fact -> (starts, values): value i holds from starts[i] to starts[i+1]. Equal values
        # and parts of values are shared, which makes the compiled cache smaller and faster.
        shared: dict = {}
        intern = shared.setdefault

        def plain(v):
            if v is None:
                return None
            return intern(v, (v[0], intern(v[1], v[1]), intern(v[2], v[2]), intern(v[3], v[3])))

        self.segments = {k: ([s for s, _ in segs], [plain(v) for _, v in segs])
                         for k, segs in segments.items()}
        self.snapshot_every = snapshot_every
        self._index: Optional[tuple] = None
        self._keys: list = []
        self._rank: Optional[dict] = None
        self._facts: dict = {}  # see State.facts
        self._unindexed_states = 0
        self._numbers: Optional[dict] = None  # see plain_numbers
        # Set by the corpus: what things are called (names.Names), and for each fact with
        # uncertain stretches, stretch start -> why it is uncertain (a short phrase).
        self.names = None
        self.why: dict[FactKey, dict[int, str]] = {}

    def __getstate__(self) -> dict:
        return {"segments": self.segments, "snapshot_every": self.snapshot_every,
                "names": self.names, "why": self.why}

    def __setstate__(self, state: dict) -> None:
        self.segments = state["segments"]
        self.snapshot_every = state["snapshot_every"]
        self.names = state.get("names")
        self.why = state.get("why", {})
        self._index = None
        self._keys = []
        self._rank = None
        self._facts = {}
        self._unindexed_states = 0
        self._numbers = None

    def why_uncertain(self, key: FactKey, day: int) -> Optional[str]:
        """Why the fact is uncertain on ``day`` (None where it is not, or nobody said)."""
        reasons = self.why.get(key)
        seg = self.segments.get(key)
        if not reasons or seg is None:
            return None
        i = bisect_right(seg[0], day) - 1
        return reasons.get(seg[0][i]) if i >= 0 else None

    def check_fact(self, kind: str, target: str, about: Optional[str]) -> FactKey:
        """The fact's key, aliases resolved; an unknown kind or id raises ``KzlawError``."""
        key = (kind, target, about)
        if key in self.segments or self.names is None:
            return key
        return self.names.resolve_fact(kind, target, about)

    def index(self) -> tuple:
        """(points, deltas, every, snapshots): built once, on first use. The facts are
        numbered in the order they sort (``fact_keys``; ``rank`` gives each fact's number).
        The deltas are ``(offsets, numbers, values)``: at point i the facts
        ``numbers[offsets[i]:offsets[i + 1]]`` take the values at the same places (None:
        absent from then on), one flat run for all the points, so that replaying many
        points is one loop. A snapshot is a list of every fact's value (None where absent)
        by number: a state is a copy of a snapshot with the changes since written in, and
        its facts, in order, are the places not None (``_values``)."""
        if self._index is None:
            fill = getattr(self.segments, "fill", None)
            if fill is not None:  # read from the cache: every value made at once (cachefile.py)
                fill()
            keys = sorted(self.segments, key=sort_key)
            self._keys = keys
            self._rank = {key: n for n, key in enumerate(keys)}
            self._facts = {}
            self._numbers = None
            segments = self.segments
            # Per point, its facts' numbers and values one after the other in one flat list:
            # a pair per stretch would be one more object each, made and dropped here, whose
            # holes in the heap outlive the index (7 MB at 50,000 measures).
            changes: dict[int, list] = {}
            for n, key in enumerate(keys):
                starts, values = segments[key]
                for start, value in zip(starts, values):
                    changes.setdefault(start, []).extend((n, value))
            points = sorted(changes)
            every = self.snapshot_every or max(64, len(points) // 8)
            snapshots: list[list] = []
            current: list = [None] * len(keys)
            offsets, numbers, values = array("l", [0]), array("l"), []
            for i, point in enumerate(points):
                run = iter(changes.pop(point))
                for n, value in zip(run, run):
                    current[n] = value
                    numbers.append(n)
                    values.append(value)
                offsets.append(len(numbers))
                if i % every == 0:
                    snapshots.append(current[:])
            self._index = (points, (offsets, numbers, values), every, snapshots)
        return self._index

    def plain_numbers(self) -> dict:
        """kind -> (targets, numbers) of the facts with no ``about``, in fact order (built on
        first use and kept, like the index): what a state already built makes its table of
        statuses from (``State.facts``). The targets are copies made one after another, so
        that a table keyed by them sits in few pages of memory rather than wherever loading
        left each id: a look-up in it is a string comparison the cache can serve (at 40,000
        facts, the difference between memory and cache is most of a look-up's time)."""
        if self._numbers is None:
            numbers: dict = {}
            for n, (kind, target, about) in enumerate(self.fact_keys):
                if about is None:
                    pair = numbers.get(kind)
                    if pair is None:
                        pair = numbers[kind] = ([], [])
                    pair[0].append(target.encode().decode())  # a copy, next to the last
                    pair[1].append(n)
            self._numbers = numbers
        return self._numbers

    @property
    def points(self) -> list[int]:
        return self.index()[0]

    @property
    def fact_keys(self) -> list[FactKey]:
        """Every fact of the timeline, sorted; a fact's number is its place in this list."""
        self.index()
        return self._keys

    def sorted_keys(self, keys) -> list:
        """``keys`` (facts of this timeline) in the order facts sort (``sort_key``). Sorting
        many of them goes by each fact's rank among all the facts (built with the index,
        or by the first sort that covers at least half of the facts, and kept): a look-up
        per fact instead of building and comparing a sort key per fact."""
        rank = self._rank
        if rank is None:
            if len(keys) * 2 < len(self.segments):
                return sorted(keys, key=sort_key)
            rank = self._rank = {k: n for n, k in
                                 enumerate(sorted(self.segments, key=sort_key))}
        return sorted(keys, key=rank.__getitem__)

    def raw_value(self, key: FactKey, day: int) -> Optional[tuple]:
        seg = self.segments.get(key)
        if seg is None:
            return None
        i = bisect_right(seg[0], day) - 1
        return seg[1][i] if i >= 0 else None

    def value(self, key: FactKey, day: int) -> Optional[FactValue]:
        v = self.raw_value(key, day)
        return None if v is None else FactValue._make(v)

    def at(self, day: int) -> "State":
        return State(self, day)

    def _changed(self, a: int, b: int) -> set:
        """Numbers of the facts that have a change point in (min(a,b), max(a,b)]."""
        points, (offsets, numbers, _values), _every, _snaps = self.index()
        lo, hi = min(a, b), max(a, b)
        i = bisect_right(points, lo)
        j = bisect_right(points, hi)
        return set(numbers[offsets[i]:offsets[j]])

    def changed_between(self, a: int, b: int) -> set:
        """Facts that have a change point in (min(a,b), max(a,b)]."""
        keys = self.fact_keys
        return {keys[n] for n in self._changed(a, b)}

    def diff(self, a: int, b: int) -> list[tuple[FactKey, Optional[FactValue], Optional[FactValue]]]:
        """(fact, value on a, value on b) for every fact whose value differs."""
        keys = self.fact_keys
        return [(keys[n], before and FactValue._make(before), after and FactValue._make(after))
                for n, before, after in self.diff_numbers(a, b)]

    def raw_diff(self, a: int, b: int) -> list[tuple[FactKey, Optional[tuple], Optional[tuple]]]:
        """``diff`` with the values as the plain tuples the timeline stores."""
        keys = self.fact_keys
        return [(keys[n], before, after) for n, before, after in self.diff_numbers(a, b)]

    def diff_numbers(self, a: int, b: int) -> list[tuple[int, Optional[tuple], Optional[tuple]]]:
        """``(fact number, value on a, value on b)`` for every fact whose value differs, in
        the order facts sort, the values the plain tuples the timeline stores.

        Over a few change points it looks up the facts they change; over many it compares
        the two days' states (each a snapshot and the changes since it), which costs about
        as much as two states and no binary search per fact: the facts whose values are not
        the same object (equal values are mostly one object: see ``__init__``), in order."""
        points, _deltas, every, _snapshots = self.index()
        out = []
        if bisect_right(points, max(a, b)) - bisect_right(points, min(a, b)) > every:
            on_a, on_b = State(self, a)._values(), State(self, b)._values()
            for n in compress(count(), map(is_not, on_a, on_b)):
                before, after = on_a[n], on_b[n]
                if before != after:
                    out.append((n, before, after))
            return out
        segments = self.segments
        keys = self._keys
        for n in self._changed(a, b):
            starts, values = segments[keys[n]]
            i, j = bisect_right(starts, a), bisect_right(starts, b)
            if i == j:
                continue  # the same stretch: the same value
            before = values[i - 1] if i else None
            after = values[j - 1] if j else None
            if before != after:
                out.append((n, before, after))
        out.sort(key=_first)
        return out

    def fact_days(self, key: FactKey) -> list[tuple[int, int, FactValue]]:
        """The fact's stretches (start, end, value), absent stretches left out."""
        seg = self.segments.get(key)
        if seg is None:
            return []
        starts, values = seg
        out = []
        for i, v in enumerate(values):
            if v is not None:
                end = starts[i + 1] if i + 1 < len(starts) else POS
                out.append((starts[i], end, FactValue._make(v)))
        return out


class State:
    """The facts on one day: a view on the nearest snapshot plus the changes since it."""

    __slots__ = ("compiled", "day", "_segments", "_built")

    def __init__(self, compiled: Compiled, day: int):
        self.compiled = compiled
        self.day = day
        self._segments = compiled.segments
        # Once the state's facts are made (``facts``): kind -> target -> status on the day of
        # the facts with no ``about``, from which ``status`` reads.
        self._built: Optional[dict] = None

    @property
    def date(self) -> str:
        return day_iso(self.day)

    def status(self, kind: str, target: str, about: Optional[str] = None) -> str:
        """'in-force', 'uncertain' or 'absent'; an unknown kind or id raises ``KzlawError``
        (with a "did you mean"), and an alias names its id."""
        built = self._built
        if built is not None and about is None:  # a state already built: read its statuses
            try:
                return built[kind][target]
            except KeyError:  # an alias, or unknown: as below
                pass
        seg = self._segments.get((kind, target, about))
        if seg is None:  # not a fact of the timeline by that key: an alias, or unknown
            key = self.compiled.check_fact(kind, target, about)
            v = self.compiled.raw_value(key, self.day)
            return ABSENT if v is None else v[0]
        i = bisect_right(seg[0], self.day)  # inlined raw_value: the common case, kept short
        v = seg[1][i - 1] if i else None
        return ABSENT if v is None else v[0]

    def get(self, kind: str, target: str, about: Optional[str] = None) -> Optional[Fact]:
        """The fact on the day, or None where it is absent; unknown ids raise as ``status``."""
        key = self.compiled.check_fact(kind, target, about)
        v = self.compiled.raw_value(key, self.day)
        return None if v is None else make_fact(key, v)

    def _items(self, by: bool = True) -> dict:
        """fact -> value (a plain tuple) of every fact in force or uncertain on the day (with
        ``by`` False, a value's ``by`` may be None: see ``plain_facts``)."""
        c = self.compiled
        if c._index is None:
            # Not indexed yet (a corpus fresh from the cache, asked one question): one binary
            # search per fact is cheaper than building the index first.
            day = self.day
            on = getattr(c.segments, "values_on", None)
            if on is not None:  # read from the cache: its tables answer (cachefile.py)
                return on(day) if by else on(day, by=False)
            out = {}
            for key, (starts, values) in c.segments.items():
                i = bisect_right(starts, day) - 1
                if i >= 0 and values[i] is not None:
                    out[key] = values[i]
            return out
        keys = c._keys
        values = self._values()
        return {keys[n]: values[n] for n in _present(values)}

    def _values(self) -> list:
        """The value of every fact on the day, by fact number (None where absent): a copy of
        the nearest snapshot before it with the changes since written in."""
        points, deltas, every, snapshots = self.compiled.index()
        i = bisect_right(points, self.day) - 1
        if i < 0:
            return [None] * len(self.compiled._keys)
        s = i // every
        current = snapshots[s][:]
        offsets, numbers, values = deltas
        start, end = offsets[s * every + 1], offsets[i + 1]
        for n, value in zip(numbers[start:end], values[start:end]):
            current[n] = value
        return current

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts())

    def facts(self, kind: Optional[str] = None) -> list[Fact]:
        """The facts in force or uncertain on the day (of one kind), sorted."""
        with collector.paused():  # thousands of Facts, made once each: no cycles
            return self._made_facts(kind)

    def plain_facts(self, kind: Optional[str] = None, by: bool = True) -> list[tuple]:
        """``(fact, value)`` of the facts in force or uncertain on the day (of one kind), sorted,
        each value the plain tuple the timeline stores, ``(status, attributes, by,
        sources)``: ``facts()`` without a Fact made for each. With ``by`` False a value's
        ``by`` is None where the first state of a corpus fresh from the cache did not make
        it (a reader that shows no ``by``, the terminal's in-force table, need not have those
        lists made: most of the work of reading that state)."""
        with collector.paused():  # thousands of pairs, made once each: no cycles
            c = self.compiled
            if c._index is None:
                c._unindexed_states += 1  # as _made_facts
                if c._unindexed_states == 1:
                    items = self._items(by)
                    keys = c.sorted_keys([k for k in items if kind is None or k[0] == kind])
                    return list(zip(keys, map(items.__getitem__, keys)))
            values = self._values()
            keys = c._keys
            return [(keys[n], values[n]) for n in _present(values)
                    if kind is None or keys[n][0] == kind]

    def _made_facts(self, kind: Optional[str]) -> list[Fact]:
        c = self.compiled
        if c._index is None:
            # The first state of a corpus fresh from the cache is read fact by fact (see
            # _items); a second means more will follow: the index, once, serves them all.
            c._unindexed_states += 1
            if c._unindexed_states == 1:
                items = self._items()
                keys = c.sorted_keys([k for k in items if kind is None or k[0] == kind])
                return [make_fact(key, items[key]) for key in keys]
        # Each Fact is made once per stretch of its fact and handed out again: remembered
        # by fact number and the identity of the stretch's value (kept with it, so that the
        # identity cannot be reused while remembered).
        values = self._values()
        keys = c._keys
        made = c._facts
        many = len(keys)
        statuses = [ABSENT] * many  # by fact number, written in as the facts are met
        out = []
        for n in _present(values):
            value = values[n]
            statuses[n] = value[0]
            slot = id(value) * many + n
            hit = made.get(slot)
            if hit is None or hit[0] is not value:
                key = keys[n]
                if kind is not None and key[0] != kind:
                    continue
                hit = made[slot] = (value, make_fact(key, value))
            elif kind is not None and hit[1].kind != kind:
                continue
            out.append(hit[1])
        get = statuses.__getitem__
        self._built = {k: dict(zip(targets, map(get, numbers)))
                       for k, (targets, numbers) in c.plain_numbers().items()}
        return out

    def __len__(self) -> int:
        if self.compiled._index is None:
            return len(self._items())
        values = self._values()
        return len(values) - values.count(None)

    def __contains__(self, key) -> bool:
        return self.compiled.raw_value(tuple(key), self.day) is not None


def _first(item):
    return item[0]


def _present(values: list):
    """The numbers of the facts present in a state's ``_values``, in order."""
    return compress(count(), map(is_not, values, repeat(None)))


def segments_for(certain: ds.DaySet, possible: ds.DaySet, parts: list[tuple]) -> list:
    """Piecewise-constant values of one fact.

    ``parts`` are ``(possible_set, attributes, by, sources)`` of the holdings and derivations
    that hold the fact; on each stretch the value lists those that possibly apply then. A
    sweep over the parts' boundaries keeps the set of active parts, so a fact held by many
    effects costs in proportion to its boundaries and the parts active at each.
    """
    opens: dict[int, list[int]] = {}
    closes: dict[int, list[int]] = {}
    cuts = {NEG, POS}
    cuts.update(ds.boundaries(certain))
    cuts.update(ds.boundaries(possible))
    for i, p in enumerate(parts):
        for s, e in p[0]:
            opens.setdefault(s, []).append(i)
            closes.setdefault(e, []).append(i)
            cuts.add(s)
            cuts.add(e)
    cuts = sorted(cuts)
    out: list[tuple[int, Optional[FactValue]]] = []
    prev: Optional[FactValue] = None
    active: set[int] = set()
    for lo in cuts[:-1]:
        active.difference_update(closes.get(lo, ()))
        active.update(opens.get(lo, ()))
        if not active or not ds.contains(possible, lo):
            value = None
        else:
            act = [parts[i] for i in sorted(active)]
            value = FactValue(
                IN_FORCE if ds.contains(certain, lo) else UNCERTAIN,
                merge_attributes([p[1] for p in act]),
                tuple(sorted({b for p in act for b in p[2]})),
                tuple(sorted({s for p in act for s in p[3]})))
        if value != prev and not (not out and value is None):
            out.append((lo, value))
        prev = value
    return out


def merge_attributes(attribute_lists: list[tuple]) -> tuple:
    """One value per attribute, or the sorted alternatives where holdings disagree (semantics.md §7)."""
    values: dict[str, set] = {}
    for attrs_ in attribute_lists:
        for name, value in attrs_:
            values.setdefault(name, set()).add(value)
    return tuple((name, next(iter(vs)) if len(vs) == 1 else tuple(sorted(vs)))
                 for name, vs in sorted(values.items()))
