"""One measure as amended on a day (``/measure/ID``, ``/api/measures/ID``) and the life of one
id: an act, organization, institution, power, duty, penalty or measure (``/history/ID``,
``/api/history/ID``)."""

from __future__ import annotations

from ..params import Param
from ..views import View, q, with_query

MEASURE = Param("id", "path", is_id=True, description="a measure id",
                example="law-2011-religious-activity")
AT = Param("at", description="the day whose effects to mark as applying (optional)",
           example="2012-06-01")
IDENT = Param("id", "path", is_id=True, description="an act, organization, institution, power, "
              "duty, penalty or measure id", example="hizb-ut-tahrir")


def _show(corpus, v):
    return corpus.show(v["id"], v["at"])


def _history(corpus, v):
    return corpus.history(v["id"])


VIEWS = [
    View("/api/measures/{id}", _show, (MEASURE, AT),
         summary="A measure with its effects, which apply on a day, and what changed each "
                 "(kzlaw show MEASURE [--at DATE] --format json)"),
    View("/measure/{id}", _show, (MEASURE, AT), template="measure.html",
         twin=lambda v: with_query(f"/api/measures/{q(v['id'])}", at=v["at"])),
    View("/api/history/{id}", _history, (IDENT,),
         summary="The life of one id: its facts' periods and the events that shaped them "
                 "(kzlaw history ID --format json)"),
    View("/history/{id}", _history, (IDENT,), template="history.html",
         twin=lambda v: f"/api/history/{q(v['id'])}"),
]
