"""The compiled timeline: every fact as a list of segments, the change points of the whole
corpus, and a few snapshots, so that

* ``status(kind, target, about)`` on a day is one dict look-up and one binary search;
* ``at(day)`` is a binary search that returns a *view* (the nearest snapshot and the changes
  since it), not a copy of every fact;
* ``diff(a, b)`` only visits the change points between ``a`` and ``b``.

This is kzlaw's equivalent of zic's output; ``kzlaw timeline`` is its zdump.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterator, NamedTuple, Optional

import attrs

from . import daysets as ds
from .dates import NEG, POS, day_iso

FactKey = tuple

IN_FORCE = "in-force"
UNCERTAIN = "uncertain"
ABSENT = "absent"


class FactValue(NamedTuple):
    """What is true of one fact over one stretch of days. A plain tuple underneath, so the
    compiled timeline pickles and unpickles fast (the compiled cache)."""

    status: str  # in-force | uncertain
    attributes: tuple = ()  # sorted (name, value or tuple of alternatives)
    by: tuple = ()  # measure#effect and rule:ID
    sources: tuple = ()  # source ids


@attrs.frozen
class Fact:
    """One fact on one day, as users and the JSON see it."""

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


def make_fact(key: FactKey, value: FactValue) -> Fact:
    return Fact(key[0], key[1], key[2], value.status, dict(value.attributes), value.by,
                value.sources)


def sort_key(key: FactKey) -> tuple:
    return tuple("" if x is None else x for x in key)


class Compiled:
    """Segments per fact, change points, snapshots. Built once; read by many queries."""

    def __init__(self, segments: dict[FactKey, list[tuple[int, Optional[FactValue]]]],
                 snapshot_every: int = 0):
        # fact -> (starts, values): value i holds from starts[i] to starts[i+1]
        self.segments = {k: ([s for s, _ in segs], [v for _, v in segs])
                         for k, segs in segments.items()}
        changes: dict[int, dict] = {}
        for key, segs in segments.items():
            for start, value in segs:
                changes.setdefault(start, {})[key] = value
        self.points = sorted(changes)
        self.deltas = [changes[p] for p in self.points]
        n = len(self.points)
        self.every = snapshot_every or max(64, n // 32)
        self.snapshots: list[dict] = []
        current: dict = {}
        for i, delta in enumerate(self.deltas):
            for key, value in delta.items():
                if value is None:
                    current.pop(key, None)
                else:
                    current[key] = value
            if i % self.every == 0:
                self.snapshots.append(dict(current))

    def value(self, key: FactKey, day: int) -> Optional[FactValue]:
        seg = self.segments.get(key)
        if seg is None:
            return None
        i = bisect_right(seg[0], day) - 1
        return seg[1][i] if i >= 0 else None

    def at(self, day: int) -> "State":
        return State(self, day, bisect_right(self.points, day) - 1)

    def changed_between(self, a: int, b: int) -> set:
        """Facts that have a change point in (min(a,b), max(a,b)]."""
        lo, hi = min(a, b), max(a, b)
        i = bisect_right(self.points, lo)
        j = bisect_right(self.points, hi)
        keys: set = set()
        for delta in self.deltas[i:j]:
            keys.update(delta)
        return keys

    def diff(self, a: int, b: int) -> list[tuple[FactKey, Optional[FactValue], Optional[FactValue]]]:
        """(fact, value on a, value on b) for every fact whose value differs."""
        out = []
        for key in sorted(self.changed_between(a, b), key=sort_key):
            before, after = self.value(key, a), self.value(key, b)
            if before != after:
                out.append((key, before, after))
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
                out.append((starts[i], end, v))
        return out


class State:
    """The facts on one day: a view on the nearest snapshot plus the changes since it."""

    __slots__ = ("compiled", "day", "_index")

    def __init__(self, compiled: Compiled, day: int, index: int):
        self.compiled = compiled
        self.day = day
        self._index = index

    @property
    def date(self) -> str:
        return day_iso(self.day)

    def status(self, kind: str, target: str, about: Optional[str] = None) -> str:
        v = self.compiled.value((kind, target, about), self.day)
        return ABSENT if v is None else v.status

    def get(self, kind: str, target: str, about: Optional[str] = None) -> Optional[Fact]:
        key = (kind, target, about)
        v = self.compiled.value(key, self.day)
        return None if v is None else make_fact(key, v)

    def _items(self) -> dict:
        i = self._index
        if i < 0:
            return {}
        c = self.compiled
        s = i // c.every
        current = dict(c.snapshots[s])
        for delta in c.deltas[s * c.every + 1: i + 1]:
            for key, value in delta.items():
                if value is None:
                    current.pop(key, None)
                else:
                    current[key] = value
        return current

    def __iter__(self) -> Iterator[Fact]:
        items = self._items()
        for key in sorted(items, key=sort_key):
            yield make_fact(key, items[key])

    def facts(self, kind: Optional[str] = None) -> list[Fact]:
        return [f for f in self if kind is None or f.kind == kind]

    def __len__(self) -> int:
        return len(self._items())

    def __contains__(self, key) -> bool:
        return self.compiled.value(tuple(key), self.day) is not None


def segments_for(certain: ds.DaySet, possible: ds.DaySet, parts: list[tuple]) -> list:
    """Piecewise-constant values of one fact.

    ``parts`` are ``(possible_set, attributes, by, sources)`` of the holdings and derivations
    that hold the fact; on each stretch the value lists those that possibly apply then.
    """
    cuts = {NEG, POS}
    cuts.update(ds.boundaries(certain))
    cuts.update(ds.boundaries(possible))
    for p in parts:
        cuts.update(ds.boundaries(p[0]))
    cuts = sorted(cuts)
    out: list[tuple[int, Optional[FactValue]]] = []
    prev: Optional[FactValue] = None
    for lo, hi in zip(cuts, cuts[1:]):
        if not ds.contains(possible, lo):
            value = None
        else:
            active = [p for p in parts if ds.contains(p[0], lo)]
            value = FactValue(
                IN_FORCE if ds.contains(certain, lo) else UNCERTAIN,
                merge_attributes([p[1] for p in active]),
                tuple(sorted({b for p in active for b in p[2]})),
                tuple(sorted({s for p in active for s in p[3]})))
        if value != prev and not (not out and value is None):
            out.append((lo, value))
        prev = value
    return out


def merge_attributes(attribute_lists: list[tuple]) -> tuple:
    """One value per attribute, or the sorted alternatives where holdings disagree (SPEC 7)."""
    values: dict[str, set] = {}
    for attrs_ in attribute_lists:
        for name, value in attrs_:
            values.setdefault(name, set()).add(value)
    return tuple((name, next(iter(vs)) if len(vs) == 1 else tuple(sorted(vs)))
                 for name, vs in sorted(values.items()))
