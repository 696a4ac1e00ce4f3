"""Uncertain dates: the EDTF subset of semantics.md section 3, as ranges of day ordinals.

A day is an ``int`` (``date.toordinal()``); the engine never touches ``datetime.date`` except at
the edges. An unbounded end is a sentinel: ``NEG`` (before every day) or ``POS`` (after every
day), so that interval arithmetic needs no special cases.

Seasons (EDTF 21–24) are northern-hemisphere meteorological seasons: spring = March–May,
summer = June–August, autumn = September–November, winter of year Y = December Y to
February Y+1 (the winter that *begins* in Y).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Optional

import attrs

# A corpus date's year runs from 1 to MAX_YEAR, leaving room after the last date for what
# reports and charts add (an axis to the January after next, a day after an end) within
# Python's calendar, which ends with year 9999. A question's DATE may be any day.
MAX_YEAR = 9000
NEG = -(10**7)  # before every day
POS = 10**7  # after every day

_SEASONS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 14)}

_SIMPLE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~])?\Z")  # ASCII digits


class DateError(ValueError):
    """A date that does not parse or does not exist. The message says why."""


@attrs.frozen
class Alternative:
    """One source's version of a date that the sources disagree on."""

    date: "UncertainDate"
    ref: str
    quote: Optional[str] = None
    as_written: Optional[str] = None
    note: Optional[str] = None
    summary: Optional[str] = None
    translation: Optional[str] = None
    rejected: Optional[str] = None  # why the curator set this version aside: it does not
    # widen the range (semantics.md section 3)

    def describe(self) -> str:
        text = f"{self.date.text}{self.date.flag} per {self.ref}"
        return text + (f" (rejected: {self.rejected})" if self.rejected else "")

    def to_json(self) -> dict:
        out = {"date": self.date.text + self.date.flag, "ref": self.ref}
        for name in ("as_written", "rejected"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out


@attrs.frozen
class UncertainDate:
    """A day known to lie in ``[earliest, latest]`` (inclusive ordinals; NEG/POS if open)."""

    earliest: int
    latest: int
    text: str
    flag: str = ""
    as_written: Optional[str] = None
    alternatives: tuple = ()
    note: Optional[str] = None
    ref: Optional[str] = None
    quote: Optional[str] = None
    summary: Optional[str] = None
    translation: Optional[str] = None

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest

    @property
    def conflicting(self) -> bool:
        return bool(self.alternatives)

    def range_text(self) -> str:
        """The range in plain ISO days, e.g. ``2011-10-01..2011-10-31``."""
        return format_range(self.earliest, self.latest)

    def describe(self) -> str:
        """The notation, its range when not a single day, the source's words, the conflict."""
        parts = [self.text + self.flag if not self.alternatives else self.text]
        if not self.exact:
            parts.append(f"({self.range_text()})")
        if self.as_written:
            parts.append(f'"{self.as_written}"')
        if self.alternatives:
            alts = "; ".join(a.describe() for a in self.alternatives)
            parts.append(f"[sources disagree: {alts}]")
        return " ".join(parts)

    def to_json(self) -> dict:
        out = {
            "date": self.text + (self.flag if not self.alternatives else ""),
            "earliest": day_iso(self.earliest),
            "latest": day_iso(self.latest),
        }
        if self.as_written:
            out["as_written"] = self.as_written
        if self.alternatives:
            out["alternatives"] = [a.to_json() for a in self.alternatives]
        return out


def day_iso(day: int) -> Optional[str]:
    """An ordinal as ``YYYY-MM-DD``; ``None`` for an open end."""
    if day <= NEG or day >= POS:
        return None
    return date.fromordinal(day).isoformat()


def format_range(earliest: int, latest: int) -> str:
    if earliest == latest:
        return day_iso(earliest) or ".."
    lo = day_iso(earliest) or ""
    hi = day_iso(latest) or ""
    return f"{lo}..{hi}"


_PLAIN_BOUND = re.compile(r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-[0-9]{2})?)?\Z")  # no season


def range_bounds(text: str) -> Optional[tuple[str, str, str]]:
    """The bounds of a range's notation as precisely as the record knows them, and its flag:
    ``[2011-05..2011-06-04]`` gives ``("2011-05", "2011-06-04", "")``, ``[..2013]`` gives
    ``("", "2013", "")``. None for a date that is not one range, or whose bound is a season
    (``2011-22`` would read as a month)."""
    flag = text[-1] if text[-1:] in "?~" else ""
    body = text[:-1] if flag else text
    if not (body.startswith("[") and body.endswith("]")) or body.count("..") != 1:
        return None
    lo, hi = (part.strip() for part in body[1:-1].split(".."))
    if not all(_PLAIN_BOUND.match(b) for b in (lo, hi) if b):
        return None
    return lo, hi, flag


def _bounds(text: str) -> tuple[int, int, str]:
    """Parse a single (non-range) EDTF date into inclusive ordinals and its flag."""
    m = _SIMPLE.match(text)
    if not m:
        raise DateError(f"cannot parse date {text!r} (expected YYYY, YYYY-MM, YYYY-MM-DD, "
                        "a season YYYY-21..24, or a range [A..B])")
    y, mm, dd, flag = int(m.group(1)), m.group(2), m.group(3), m.group(4) or ""
    if not 1 <= y <= MAX_YEAR:
        raise DateError(f"year {y} is out of range in {text!r} (corpus dates run from year 1 "
                        f"to {MAX_YEAR})")
    if mm is None:
        return date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal(), flag
    mo = int(mm)
    if dd is None:
        if 1 <= mo <= 12:
            last = calendar.monthrange(y, mo)[1]
            return date(y, mo, 1).toordinal(), date(y, mo, last).toordinal(), flag
        if mo in _SEASONS:
            first, last_m = _SEASONS[mo]
            start = date(y, first, 1)
            ly, lm = (y + 1, last_m - 12) if last_m > 12 else (y, last_m)
            if ly > MAX_YEAR:
                raise DateError(f"season {text!r} runs past year {MAX_YEAR}")
            end = date(ly, lm, calendar.monthrange(ly, lm)[1])
            return start.toordinal(), end.toordinal(), flag
        raise DateError(f"{text!r}: month {mm} does not exist (01-12, or a season 21-24)")
    if not 1 <= mo <= 12:
        raise DateError(f"{text!r}: month {mm} does not exist")
    try:
        d = date(y, mo, int(dd))
    except ValueError:
        raise DateError(f"{text!r} is not a calendar day") from None
    return d.toordinal(), d.toordinal(), flag


def parse_edtf(text: str) -> UncertainDate:
    """Parse the semantics.md section 3 notation (without the mapping or alternative forms)."""
    if not isinstance(text, str):
        raise DateError(f"a date must be written as text, not {type(text).__name__}")
    raw = text.strip()
    outer = ""  # a flag after the closing bracket: the whole range is uncertain/approximate
    if raw.startswith("[") and raw[-1:] in "?~" and raw[:-1].endswith("]"):
        raw, outer = raw[:-1], raw[-1]
    body = raw
    if raw.startswith("[") and raw.endswith("]"):
        body = raw[1:-1]
    elif raw.startswith("[") or raw.endswith("]"):
        raise DateError(f"unbalanced brackets in date {text!r}")
    if ".." in body:
        if body == raw:
            raise DateError(f"write a range in brackets: [{body}] (in YAML, quote it: "
                            f"'[{body}]')")
        if body.count("..") != 1:
            raise DateError(f"cannot parse date range {text!r}")
        lo_text, hi_text = (part.strip() for part in body.split(".."))
        if not lo_text and not hi_text:
            raise DateError(f"date range {text!r} has no bounds")
        lo_b = _bounds(lo_text) if lo_text else (NEG, NEG, "")
        hi_b = _bounds(hi_text) if hi_text else (POS, POS, "")
        if lo_b[0] > hi_b[1]:
            raise DateError(f"date range {text!r} ends before it starts")
        # The text holds the bounds without their flags; the flag (the first of ?, ~ that is
        # written on a bound or after the bracket) is kept once, so text + flag reads back.
        bare = [t[: len(t) - len(b[2])] for t, b in ((lo_text, lo_b), (hi_text, hi_b))]
        flags = "".join(f for f in (lo_b[2], hi_b[2], outer) if f)
        return UncertainDate(lo_b[0], hi_b[1], f"[{bare[0]}..{bare[1]}]", flags[:1])
    if outer or body != raw:
        raise DateError(f"cannot parse date {text!r}: brackets hold a range [A..B]")
    lo, hi, flag = _bounds(body)
    return UncertainDate(lo, hi, body[: len(body) - len(flag)], flag)


def parse_day(text: str) -> int:
    """A question's DATE: exactly one calendar day, ``YYYY-MM-DD``; returns its ordinal."""
    if isinstance(text, date):
        return text.toordinal()
    day_re = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    if not isinstance(text, str) or not re.fullmatch(day_re, text.strip()):
        raise DateError(f"{text!r} is not a day: write YYYY-MM-DD, e.g. 2012-03-01")
    try:
        return date.fromisoformat(text.strip()).toordinal()
    except ValueError:
        raise DateError(f"{text!r} is not a calendar day") from None


def hull(dates: list[UncertainDate]) -> tuple[int, int]:
    return min(d.earliest for d in dates), max(d.latest for d in dates)
