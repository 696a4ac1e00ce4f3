"""A view is one document and how to show it: the ``kzlaw.documents`` call that answers the
question, and the template that renders it as a page (or none: the JSON API). As in Datasette,
a page and its JSON twin at ``/api/...`` come from the same call; views hold no logic of their
own beyond turning parameters into that call."""

from __future__ import annotations

from typing import Callable, Optional
from urllib.parse import quote, urlencode

import attrs

from .params import Param


@attrs.frozen
class View:
    path: str
    data: Callable            # (corpus, values) -> the document
    params: tuple[Param, ...] = ()
    template: Optional[str] = None   # None: the JSON API answers the document itself
    summary: str = ""
    # For a page: extra context from the same answer (the chart of the day), and its JSON twin.
    context: Optional[Callable] = None   # (app_state, values, doc) -> dict
    twin: Optional[Callable] = None      # (values) -> the /api/... URL of the same document
    # Instead of answering, send a form's query to the permalink: (values) -> URL or None.
    redirect: Optional[Callable] = None

    @property
    def is_api(self) -> bool:
        return self.template is None


def q(part: str) -> str:
    """One path segment, percent-encoded (ids are slugs, but a request may hold anything)."""
    return quote(str(part), safe="")


def with_query(path: str, **values) -> str:
    pairs = [(k.rstrip("_"), v) for k, v in values.items() if v not in (None, "")]
    return path + ("?" + urlencode(pairs) if pairs else "")
