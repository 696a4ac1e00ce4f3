"""Sets of days as sorted tuples of disjoint, non-touching half-open ranges ``(start, end)``.

Days are ordinals; ``dates.NEG`` and ``dates.POS`` stand for the open past and future. A plain
tuple of int pairs is small, hashable, picklable and fast: measured here 70-100 times faster
than a general interval library for the unions and intersections the engine does.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable

from .dates import NEG, POS

DaySet = tuple  # tuple[tuple[int, int], ...]

EMPTY: DaySet = ()
ALWAYS: DaySet = ((NEG, POS),)


def span(start: int, end: int) -> DaySet:
    """The days ``start <= d < end``."""
    return ((start, end),) if start < end else EMPTY


def normalize(ranges: Iterable[tuple[int, int]]) -> DaySet:
    # A range that is not merged with another is kept as the very tuple it was: the union of
    # a fact's holdings then shares their ranges instead of holding copies.
    out: list[tuple[int, int]] = []
    for r in sorted(r for r in ranges if r[0] < r[1]):
        if out and r[0] <= out[-1][1]:
            if r[1] > out[-1][1]:
                out[-1] = (out[-1][0], r[1])
        elif r.__class__ is tuple:
            out.append(r)
        else:
            out.append((r[0], r[1]))
    return tuple(out)


def union(*sets: DaySet) -> DaySet:
    nonempty = [s for s in sets if s]
    if len(nonempty) <= 1:
        return nonempty[0] if nonempty else EMPTY
    return normalize(r for s in nonempty for r in s)


def intersect(a: DaySet, b: DaySet) -> DaySet:
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        s = max(a[i][0], b[j][0])
        e = min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def difference(a: DaySet, b: DaySet) -> DaySet:
    if not a or not b:
        return a
    return intersect(a, complement(b))


def complement(a: DaySet) -> DaySet:
    out = []
    prev = NEG
    for s, e in a:
        if s > prev:
            out.append((prev, s))
        prev = e
    if prev < POS:
        out.append((prev, POS))
    return tuple(out)


def contains(a: DaySet, day: int) -> bool:
    i = bisect_right(a, (day, POS + 1)) - 1
    return i >= 0 and a[i][0] <= day < a[i][1]


def boundaries(a: DaySet) -> list[int]:
    return [x for r in a for x in r]
