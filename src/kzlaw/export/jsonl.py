"""The export as a folder of JSON Lines files, one ``TABLE.jsonl`` per schema table: one
object per row, keyed by the schema's column names, lists and JSON values as themselves.
Needs nothing beyond the standard library."""

from __future__ import annotations

import json
import os

from . import schema


def write(folder: str, corpora) -> None:
    files = {t.name: open(os.path.join(folder, f"{t.name}.jsonl"), "w", encoding="utf-8")
             for t in schema.TABLES}
    try:
        for _j, tables in corpora:
            for t in schema.TABLES:
                names = t.names
                out = files[t.name]
                for row in tables[t.name]:
                    out.write(json.dumps(dict(zip(names, row)), ensure_ascii=False))
                    out.write("\n")
    finally:
        for f in files.values():
            f.close()
