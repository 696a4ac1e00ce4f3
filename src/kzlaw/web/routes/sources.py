"""One source: its citation, kind, URL, date and what cites it (``/source/ID``,
``/api/sources/ID``)."""

from __future__ import annotations

from ..params import Param
from ..views import View, q

SOURCE = Param("id", "path", is_id=True, description="a source id", example="almanac-fn4")


def _source(corpus, v):
    return corpus.source(v["id"])


VIEWS = [
    View("/api/sources/{id}", _source, (SOURCE,),
         summary="A source: citation, kind, URL, date, and the measures, effects and rules "
                 "that cite it with their quotes (kzlaw source ID --format json)"),
    View("/source/{id}", _source, (SOURCE,), template="source.html",
         twin=lambda v: f"/api/sources/{q(v['id'])}"),
]
