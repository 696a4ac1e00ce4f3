"""What changed between two days (``/diff/A/B``, ``/api/diff``) and the dated events in order
(``/timeline``, ``/api/timeline``)."""

from __future__ import annotations

from ..links import diff_url
from ..params import PAGE, Param, page_bounds
from ..views import View, with_query


def _diff(corpus, v):
    return corpus.diff(v["from"], v["to"], *page_bounds(v))


def _diff_form(corpus, v):
    return {"from": None, "to": None, "changes": None}


def _timeline(corpus, v):
    return corpus.timeline(v["from"], v["to"], *page_bounds(v))


VIEWS = [
    View("/api/diff", _diff,
         (Param("from", required=True, description="the first day, YYYY-MM-DD",
                example="2010-01-01"),
          Param("to", required=True, description="the second day, YYYY-MM-DD",
                example="2012-06-01")) + PAGE,
         summary="Every fact whose status or attributes differ between two days "
                 "(kzlaw diff A B --format json)"),
    # The form: with both days it sends the browser to the permalink.
    View("/diff", _diff_form, (Param("from", description="the first day"),
                               Param("to", description="the second day")),
         template="diff.html",
         redirect=lambda v: diff_url(v["from"], v["to"]) if v["from"] and v["to"] else None),
    View("/diff/{from}/{to}", _diff, (Param("from", "path", description="the first day"),
                                      Param("to", "path", description="the second day")) + PAGE,
         template="diff.html",
         twin=lambda v: with_query("/api/diff", from_=v["from"], to=v["to"],
                                   offset=v["offset"], limit=v["limit"])),
    View("/api/timeline", _timeline,
         (Param("from", description="the first day (default: the beginning)"),
          Param("to", description="the last day (default: the end)")) + PAGE,
         summary="The dated events and the facts each starts or ends (kzlaw timeline "
                 "[--from A] [--to B] --format json)"),
    View("/timeline", _timeline, (Param("from", description="the first day"),
                                  Param("to", description="the last day")) + PAGE,
         template="timeline.html",
         twin=lambda v: with_query("/api/timeline", from_=v["from"], to=v["to"],
                                   offset=v["offset"], limit=v["limit"])),
]
