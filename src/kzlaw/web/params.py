"""The parameters each route takes, declared once: parsed and limited here, and described in
the OpenAPI document from the same declarations (``openapi.py``).

Values are passed to ``kzlaw.documents`` as given; the core checks dates and ids, so the web
app refuses exactly what the command line refuses, with the same message."""

from __future__ import annotations

from typing import Optional

import attrs

from .. import paging
from ..problems import KzlawError, Problem, suggest

MAX_VALUE = 200       # characters in one parameter value (ids and dates are far shorter)
MAX_PATH = 1000       # characters in the path of a request
MAX_QUERY = 2000      # characters in its query string


@attrs.frozen
class Param:
    name: str
    where: str = "query"          # query | path
    required: bool = False
    description: str = ""
    example: Optional[str] = None
    is_id: bool = False           # an unknown value is "not found" (404), not a bad question

    def openapi(self) -> dict:
        out = {"name": self.name, "in": self.where, "required": self.required or
               self.where == "path", "description": self.description,
               "schema": {"type": "string", "maxLength": MAX_VALUE}}
        if self.example is not None:
            out["example"] = self.example
        return out


def question(message: str) -> KzlawError:
    return KzlawError([Problem("question", 0, message)])


def parse(params: tuple[Param, ...], path_values: dict, query: list[tuple[str, str]]) -> dict:
    """The values of ``params`` from a request (an empty query value counts as absent, so a
    form's "any" choice works). Refuses unknown, repeated, missing and over-long parameters."""
    allowed = {p.name: p for p in params if p.where == "query"}
    out: dict = {}
    problems: list[Problem] = []
    for name, value in query:
        if name not in allowed:
            problems.append(Problem("question", 0, f"unknown parameter {name[:40]!r}"
                                    + suggest(name, allowed)))
        elif name in out:
            problems.append(Problem("question", 0, f"parameter {name!r} is given twice"))
        else:
            out[name] = value
    for p in params:
        if p.where == "path":
            out[p.name] = path_values.get(p.name)
    for name, value in out.items():
        if value is not None and len(value) > MAX_VALUE:
            problems.append(Problem("question", 0, f"parameter {name!r} is longer than "
                                    f"{MAX_VALUE} characters"))
    if problems:
        raise KzlawError(problems)
    for p in params:
        if out.get(p.name) == "":
            out[p.name] = None
        if p.required and out.get(p.name) is None:
            problems.append(Problem("question", 0, f"missing parameter {p.name!r}"))
    if problems:
        raise KzlawError(problems)
    return {p.name: out.get(p.name) for p in params}


PAGE_SIZE = 100       # the items of a long answer on one page (as Datasette's tables) ...
MOST_ON_A_PAGE = 1000  # ... and the most a request may ask for
PAGE = (Param("offset", description="leave out the first N items (default: 0); a document "
                                    "cut to a page says, in \"page\", where the next begins",
              example="100"),
        Param("limit", description=f"at most N items (default: {PAGE_SIZE}; at most "
                                   f"{MOST_ON_A_PAGE:,})", example="100"))


def page_bounds(values: dict) -> tuple[int, int]:
    """The page a request asks for (``kzlaw.paging``): a long answer is always cut to one."""
    return paging.bounds(values.get("offset"), values.get("limit"), PAGE_SIZE, MOST_ON_A_PAGE)
