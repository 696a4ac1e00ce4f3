"""Problems found in a corpus or a question, reported as ``PATH:LINE: message``."""

from __future__ import annotations

import difflib
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
    more characters, the (up to three) choices that begin with it; or nothing."""
    choices = list(choices)
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if isinstance(value, str) and len(value) >= 3:
        starts = sorted(c for c in choices if isinstance(c, str) and c.startswith(value))
        if starts:
            names = [repr(c) for c in starts[:3]]
            more = f" or {len(starts) - 3} more" if len(starts) > 3 else ""
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + \
                (" or " if not more else ", ") + names[-1]
            return f" (did you mean {listed}{more}?)"
    return ""


def unknown(what: str, value: str, choices: Iterable[str], hint: Optional[str] = None) -> str:
    return f"unknown {what} {value!r}{suggest(value, choices)}" + (f"; {hint}" if hint else "")
