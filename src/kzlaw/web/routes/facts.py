"""What was in force on a day (``/``, ``/at/D``, ``/api/in-force``) and why one fact was or
was not (``/fact/KIND/TARGET[/ABOUT]``, ``/api/explain``)."""

from __future__ import annotations

from datetime import date

from ...problems import KzlawError
from ..links import at_url
from ..params import PAGE, Param, page_bounds
from ..views import View, with_query

DATE = Param("date", required=True, description="a day, YYYY-MM-DD", example="2012-01-01")
FILTERS = (
    Param("kind", description="only facts of this kind (prohibition, obligation, designation, "
                              "institution, power, penalty)"),
    Param("category", description="only facts whose target is in this vocabulary category"),
    Param("status", description="only facts in-force or uncertain"),
    Param("about", is_id=True, description="only facts about this id (an organization)"),
) + PAGE


def today() -> str:
    return date.today().isoformat()


def _in_force(corpus, v):
    offset, limit = page_bounds(v)
    return corpus.in_force(v["date"] or today(), kind=v["kind"], category=v["category"],
                           status=v["status"], about=v["about"], offset=offset, limit=limit)


def _filters(v) -> dict:
    return {p.name: v[p.name] for p in FILTERS}


def _day_chart(state, v, doc):
    """The chart of the day's facts, or of the page's when the day holds more than a page."""
    only = None
    if doc.get("page"):
        only = [(f["kind"], f["target"], f["about"]) for f in doc["facts"]]
    return {"chart": state.chart(doc["date"], doc["question"].get("kind"), only)}


def _explain(corpus, v):
    return corpus.explain(v["kind"], v["target"], v.get("about"), at=v["at"] or today())


def _fact_context(state, v, doc):
    """The fact's periods, from the history document of its target."""
    key = (doc["kind"], doc["target"], doc.get("about"))
    try:
        periods = state.corpus.history(key[1])["periods"]
    except KzlawError:  # a target without a history of its own: the page shows none
        periods = []
    return {"periods": [p for p in periods if (p["kind"], p["target"], p["about"]) == key]}


FACT_PARAMS = (Param("kind", "path", description="the fact's kind", example="prohibition"),
               Param("target", "path", is_id=True, description="what the fact is about: an act, "
                     "organization, institution, power, duty or penalty id",
                     example="prayer-in-workplace"),
               Param("at", description="the day (default: today)", example="2012-06-01"))

VIEWS = [
    View("/api/in-force", _in_force, (DATE,) + FILTERS,
         summary="The facts in force or uncertain on a day (kzlaw in-force DATE --format json)"),
    View("/", _in_force, (Param("date", description="a day (a form's choice; redirects to "
                                "/at/DATE)"),) + FILTERS,
         template="in_force.html", context=_day_chart,
         redirect=lambda v: with_query(at_url(v["date"]), **_filters(v)) if v["date"] else None,
         twin=lambda v: with_query("/api/in-force", date=v["date"] or today(), **_filters(v))),
    View("/at/{date}", _in_force, (Param("date", "path", description="a day, YYYY-MM-DD"),) + FILTERS,
         template="in_force.html", context=_day_chart,
         twin=lambda v: with_query("/api/in-force", date=v["date"], **_filters(v))),
    View("/api/explain", _explain,
         (Param("kind", required=True, description="the fact's kind", example="prohibition"),
          Param("target", required=True, is_id=True, description="the fact's target id",
                example="prayer-in-workplace"),
          Param("about", is_id=True, description="the organization a fact is about, if any"),
          Param("at", required=True, description="a day, YYYY-MM-DD", example="2012-06-01")),
         summary="Why a fact is or is not in force on a day (kzlaw explain KIND TARGET "
                 "[--about X] --at DATE --format json)"),
    View("/fact/{kind}/{target}", _explain, FACT_PARAMS,
         template="fact.html", context=_fact_context,
         twin=lambda v: with_query("/api/explain", kind=v["kind"], target=v["target"],
                                   at=v["at"] or today())),
    View("/fact/{kind}/{target}/{about}", _explain,
         FACT_PARAMS + (Param("about", "path", is_id=True, description="the organization"),),
         template="fact.html", context=_fact_context,
         twin=lambda v: with_query("/api/explain", kind=v["kind"], target=v["target"],
                                   about=v["about"], at=v["at"] or today())),
]
