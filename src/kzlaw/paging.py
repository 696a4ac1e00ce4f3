"""A page of a long answer: its items from ``offset`` on (0: the first), at most ``limit`` of
them, and a ``page`` that says so, so that no reader takes a page for the whole answer.

The command line gives the whole answer unless asked for a page (``--offset``, ``--limit``);
the web app always answers a page (``web.routes``: 100 items unless asked, 1,000 at most), since
a day of a 40,000-measure corpus holds 18,000 facts and a diff over thirty years 20,000 changes.
An answer that fits on its first page is whole and has no ``page``: the documents of a small
corpus are the same in every face.
"""

from __future__ import annotations

from typing import Optional

from .problems import KzlawError, Problem


def _number(name: str, value, least: int, most: Optional[int]) -> int:
    text = str(value).strip()
    top = f" to {most:,}" if most is not None else " up"
    if not (text.isascii() and text.isdigit()) or len(text) > 12 or int(text) < least or \
            (most is not None and int(text) > most):
        raise KzlawError([Problem("question", 0, f"{name} {str(value)[:40]!r} is not a whole "
                                  f"number from {least}{top}")])
    return int(text)


def bounds(offset=None, limit=None, default_limit: Optional[int] = None,
           most: Optional[int] = None) -> tuple[int, Optional[int]]:
    """``(offset, limit)`` as numbers from what a question gave (numbers, or the text of a
    command line or an address; None: from the first item, ``default_limit`` items). Refuses,
    in one line each, what is not a whole number, and a limit below 1 or above ``most``."""
    problems = []
    out = []
    for name, value, least, top, default in (("offset", offset, 0, None, 0),
                                             ("limit", limit, 1, most, default_limit)):
        if value is None or value == "":
            out.append(default)
            continue
        try:
            out.append(_number(name, value, least, top))
        except KzlawError as e:
            problems += e.problems
    if problems:
        raise KzlawError(problems)
    return out[0], out[1]


def cut(items: list, offset: int, limit: Optional[int]) -> list:
    """The items of the page."""
    return items[offset:] if limit is None else items[offset:offset + limit]


def page(total: int, offset: int, limit: Optional[int], **counts) -> Optional[dict]:
    """What a document says of its page: the first item's place (``offset``, 0: the first),
    ``limit``, ``total`` (the items of the whole answer), ``next`` (the offset of the next
    page; None on the last) and ``counts`` of the whole answer (by status, by group), or None
    when the page is the whole answer."""
    if offset == 0 and (limit is None or total <= limit):
        return None
    end = total if limit is None else min(total, offset + limit)
    return {"offset": offset, "limit": limit, "total": total,
            "next": end if end < total else None, "counts": counts}


def shown(doc: dict, key: str) -> str:
    """What a page of a document shows, in words ("" for a whole answer): "items 101-200 of
    18,001 shown"."""
    p = doc.get("page")
    if not p:
        return ""
    n = len(doc[key])
    if not n:
        return f"none of the {p['total']:,} shown (offset {p['offset']:,} is past the last)"
    first = p["offset"] + 1
    return f"{first:,}-{first + n - 1:,} of {p['total']:,} shown"
