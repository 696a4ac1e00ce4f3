"""The OpenAPI description of ``/api/...``, built from the views' own parameter declarations
(``params.py``), so it cannot drift from what the routes accept."""

from __future__ import annotations

from .. import __version__

_ERROR = {"description": "A bad question (400) or an unknown id (404): the command line's "
                         "one-line messages",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def document(views, title: str = "kzlaw") -> dict:
    paths: dict = {}
    for view in views:
        if not view.is_api:
            continue
        paths[view.path] = {"get": {
            "summary": view.summary,
            "operationId": view.path.strip("/").replace("/", "-").replace("{", "")
                                                .replace("}", ""),
            "parameters": [p.openapi() for p in view.params],
            "responses": {
                "200": {"description": "The document the command line prints with "
                                       "--format json",
                        "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": _ERROR, "404": _ERROR}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{title} API", "version": __version__,
                 "description": "What was in force, when, and why: the same JSON documents "
                                "as kzlaw's --format json. Read-only."},
        "paths": paths,
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["status", "errors"],
            "properties": {"status": {"type": "integer"},
                           "errors": {"type": "array", "items": {"type": "string"}}}}}},
    }
