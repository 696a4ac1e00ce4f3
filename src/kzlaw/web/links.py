"""The URL of every page, in one place: templates link every id through these."""

from __future__ import annotations

from typing import Optional

from .views import q, with_query


def at_url(date: str, kind: Optional[str] = None) -> str:
    return with_query(f"/at/{q(date)}", kind=kind)


def diff_url(a: str, b: str) -> str:
    return f"/diff/{q(a)}/{q(b)}"


def fact_url(kind: str, target: str, about: Optional[str] = None,
             at: Optional[str] = None) -> str:
    path = f"/fact/{q(kind)}/{q(target)}" + (f"/{q(about)}" if about else "")
    return with_query(path, at=at)


def measure_url(ref: str, at: Optional[str] = None) -> str:
    """``measure`` or ``measure#effect`` (the effect's row on the measure's page)."""
    mid, _, eid = str(ref).partition("#")
    return with_query(f"/measure/{q(mid)}", at=at) + (f"#effect-{q(eid)}" if eid else "")


def by_url(ref: str, at: Optional[str] = None) -> Optional[str]:
    """An effect (``measure#effect``) links to its measure's page; a rule (``rule:ID``) has no
    page of its own (a fact's page explains the rules that derive it): None."""
    ref = str(ref)
    if ref.startswith("rule:"):
        return None
    return measure_url(ref, at)


def history_url(ident: str) -> str:
    return f"/history/{q(ident)}"


def source_url(ref: str) -> str:
    return f"/source/{q(ref)}"


def search_url(words: str) -> str:
    return with_query("/search", q=words)


def timeline_url(start: Optional[str] = None, end: Optional[str] = None) -> str:
    return with_query("/timeline", from_=start, to=end)


LINKS = {f.__name__: f for f in (at_url, diff_url, fact_url, measure_url, by_url, history_url,
                                  source_url, search_url, timeline_url)}
