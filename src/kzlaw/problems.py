"""Problems found in a corpus or a question, reported as ``PATH:LINE: message``."""

from __future__ import annotations

import difflib
import heapq
from bisect import bisect_left
from collections import Counter
from typing import Iterable, Optional

import attrs


@attrs.frozen(order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class KzlawError(Exception):
    """An invalid corpus or question: one or more problems, exit code 1."""

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("kzlaw", 0, problems)]
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """Bad usage of the command line: exit code 2."""


def suggest(value: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice; failing that, for a value of three or
    more characters, the (up to three) choices that begin with it; or nothing.

    "Closest" is difflib's: the highest ``SequenceMatcher`` ratio of at least 0.6 (ties to
    the greater id), as ``difflib.get_close_matches`` finds it. A large set of choices (a
    vocabulary of 12,000 ids) is indexed once, and each value is compared only with the ids
    that can reach the best ratio (see ``_Index``), not with every id."""
    if not hasattr(choices, "__len__"):
        choices = list(choices)
    if len(choices) < INDEX_FROM or not isinstance(value, str) or not value:
        choices = list(choices)
        close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
        starts = None
    else:
        index = _index(choices)
        found = index.closest(value, 0.6)
        close = [found] if found is not None else []
        starts = index.starting(value)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if isinstance(value, str) and len(value) >= 3:
        if starts is None:
            starts = sorted(c for c in choices if isinstance(c, str) and c.startswith(value))
        if starts:
            names = [repr(c) for c in starts[:3]]
            more = f" or {len(starts) - 3} more" if len(starts) > 3 else ""
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + \
                (" or " if not more else ", ") + names[-1]
            return f" (did you mean {listed}{more}?)"
    return ""


INDEX_FROM = 200  # choices; below this difflib's pass over every choice is cheap
RATIOS = {"computed": 0}  # SequenceMatcher ratios computed for suggestions (tests count work)
_INDEXES: dict = {}


def _index(choices) -> "_Index":
    """The index of a set of choices, built once: the same object asked again (a corpus's
    vocabulary, unchanged in size) is found by identity, any other by its contents."""
    last = _INDEXES.get("last")
    if last is not None and last[0] is choices and last[1] == len(choices):
        return last[2]
    key = frozenset(c for c in choices if isinstance(c, str))
    hit = _INDEXES.get(key)
    if hit is None:
        if len(_INDEXES) >= 16:
            _INDEXES.clear()
        hit = _INDEXES[key] = _Index(key)
    _INDEXES["last"] = (choices, len(choices), hit)
    return hit


class _Index:
    """Ids indexed by their characters, for exact "did you mean" suggestions in one pass.

    difflib's ratio ``2M / (len(a) + len(b))`` is at most its ``quick_ratio``, the same with
    M replaced by the size of the two strings' common multiset of characters. That size is
    counted for every id at once from postings ``(character, n) -> ids with at least n of
    that character`` (for a pair most ids have, the few ids without it); the ids are then
    tried in decreasing order of that bound, and the search stops when the bound falls below
    the best ratio found."""

    def __init__(self, ids: frozenset):
        self.sorted = sorted(ids)
        self.lengths = [(x, len(x), -i) for i, x in enumerate(self.sorted)]
        postings: dict[tuple, list] = {}
        for ident in self.sorted:
            for ch, n in Counter(ident).items():
                for j in range(1, n + 1):
                    postings.setdefault((ch, j), []).append(ident)
        # pair -> (True, ids without it) when most ids have it, else (False, ids with it)
        self.postings: dict[tuple, tuple] = {}
        for pair, having in postings.items():
            if 2 * len(having) > len(self.sorted):
                has = set(having)
                self.postings[pair] = (True, [x for x in self.sorted if x not in has])
            else:
                self.postings[pair] = (False, having)

    def closest(self, value: str, cutoff: float) -> Optional[str]:
        base = 0
        having: Counter = Counter()
        lacking: Counter = Counter()
        for ch, n in Counter(value).items():
            for j in range(1, n + 1):
                dense, ids = self.postings.get((ch, j), (False, ()))
                if dense:
                    base += 1
                    lacking.update(ids)
                else:
                    having.update(ids)
        la = len(value)
        heap = []
        for x, lb, rank in self.lengths:  # rank: the greater id pops first on a tie
            m = base + having.get(x, 0) - lacking.get(x, 0)
            bound = 2.0 * m / (la + lb)
            if bound >= cutoff:
                heap.append((-bound, rank, x))
        heapq.heapify(heap)
        best: Optional[tuple] = None
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(value)
        while heap:
            neg, _rank, x = heapq.heappop(heap)
            if best is not None and -neg < best[0]:
                break
            matcher.set_seq1(x)
            RATIOS["computed"] += 1
            ratio = matcher.ratio()
            if ratio >= cutoff and (best is None or (ratio, x) > best):
                best = (ratio, x)
        return None if best is None else best[1]

    def starting(self, value: str) -> list[str]:
        i = bisect_left(self.sorted, value)
        out = []
        while i < len(self.sorted) and self.sorted[i].startswith(value):
            out.append(self.sorted[i])
            i += 1
        return out


def unknown(what: str, value: str, choices: Iterable[str], hint: Optional[str] = None) -> str:
    return f"unknown {what} {value!r}{suggest(value, choices)}" + (f"; {hint}" if hint else "")
