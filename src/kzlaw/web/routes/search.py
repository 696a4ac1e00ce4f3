"""Finding things by their words (``/search?q=``, ``/api/search?q=``)."""

from __future__ import annotations

from ..params import Param
from ..views import View, with_query

WORDS = Param("q", description="words, all of which must occur (in ids, labels, aliases, "
                               "titles, numbers, notes, quotes or citations)",
              example="hizb")


def _search(corpus, v):
    return corpus.search(v["q"].split())


def _page(corpus, v):
    """The form alone until words are given."""
    return _search(corpus, v) if v["q"] and v["q"].strip() else None


VIEWS = [
    View("/api/search", _search, (Param("q", required=True, description=WORDS.description,
                                        example="hizb"),),
         summary="Measures, facts, organizations, vocabulary and sources matching every word "
                 "(kzlaw search WORDS --format json)"),
    View("/search", _page, (WORDS,), template="search.html",
         twin=lambda v: with_query("/api/search", q=v["q"]) if v["q"] else None),
]
