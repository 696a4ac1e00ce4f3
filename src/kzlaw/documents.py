"""The document of each question: the dict that ``--format json`` prints and that ``kzlaw
serve`` answers at ``/api/...``. One function per command, so both faces give the same answer:
add a field here and the command line and the web app both have it."""

from __future__ import annotations

from typing import Optional

from .corpus import to_day
from .dates import day_iso
from .model import FACT_KINDS
from .problems import KzlawError, Problem, suggest


def check_kind(kind: Optional[str]) -> None:
    """Refuse a kind that is not a fact kind (before any corpus is read)."""
    if kind is not None and kind not in FACT_KINDS:
        raise KzlawError([Problem("question", 0, f"unknown kind {kind!r}"
                                  + suggest(kind, FACT_KINDS))])


def in_force(corpus, day, kind: Optional[str] = None) -> dict:
    """The facts in force or uncertain on ``day`` (of one kind)."""
    check_kind(kind)
    from .report import in_force_data
    return in_force_data(corpus.at(day), kind)


def diff(corpus, a, b) -> dict:
    return corpus.diff(a, b)


def check_range(start, end) -> None:
    """Refuse a period that ends before it starts (before any corpus is read)."""
    if start is not None and end is not None and to_day(start) > to_day(end):
        raise KzlawError([Problem("question", 0, f"--from {day_iso(to_day(start))} is after "
                                  f"--to {day_iso(to_day(end))}")])


def timeline(corpus, start=None, end=None) -> dict:
    check_range(start, end)
    return {"events": corpus.timeline(start, end)}


def history(corpus, ident: str) -> dict:
    return corpus.history(ident)


def explain(corpus, kind: str, target: str, about: Optional[str], at) -> dict:
    return corpus.explain(kind, target, about, at=at)


def show(corpus, measure: str, at=None) -> dict:
    return corpus.show(measure, at)
