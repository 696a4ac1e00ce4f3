"""``kzlaw export``: the compiled record as tables for analysts (SQLite, Parquet, JSONL).

The tables and columns are in ``schema.py``; ``rows.py`` builds them from a loaded corpus; one
module per format writes them. Several corpora go into one export, told apart by their
``jurisdiction`` (a column, and in Parquet the partition), so that one glob reads them all.
The core of kzlaw imports nothing from here.
"""

from __future__ import annotations

import json
import os
import re
from typing import Iterable, Optional

from .. import __version__
from ..output import atomic_target, check_writable
from ..problems import KzlawError, Problem, suggest

FORMATS = ("sqlite", "parquet", "jsonl")
FOLDER_FORMATS = ("parquet", "jsonl")
MANIFEST = "kzlaw-export.json"  # marks a folder as a kzlaw export, which a new one may replace
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")


def corpus_folders(paths: Iterable[str]) -> list[str]:
    """The corpora named by ``--data``: each path is a corpus (it holds ``measures/``) or a
    folder of corpora (its sub-folders that hold ``measures/``, in name order)."""
    out = []
    for path in paths:
        if os.path.isdir(os.path.join(path, "measures")) or not os.path.isdir(path):
            out.append(path)  # not a folder: load() says so
            continue
        subs = sorted(os.path.join(path, name) for name in os.listdir(path)
                      if os.path.isdir(os.path.join(path, name, "measures")))
        if not subs:
            raise KzlawError([Problem(path, 0, "not a kzlaw corpus nor a folder of corpora: "
                                      "no measures/ folder in it or in its sub-folders")])
        out += subs
    return out


def check_output(output: str, fmt: str, roots: Iterable[str] = ()) -> None:
    """Refuse an output that cannot be written, would overwrite something that is not a
    kzlaw export, or lies inside a corpus's measures/ or rules/, before any work is done."""
    if output == "-":  # elsewhere the standard output; an export is a file or a folder
        raise KzlawError([Problem(output, 0, "export writes a file or folder, not the standard "
                                  "output: name one with --output (for sqlite, /dev/stdout "
                                  "streams the file)")])
    if fmt not in FOLDER_FORMATS:
        for root in roots:
            check_writable(output, root)
        check_writable(output)
        return
    target = os.path.realpath(output)
    for root in roots:
        for part in ("measures", "rules"):
            folder = os.path.realpath(os.path.join(root, part))
            if target == folder or target.startswith(folder.rstrip(os.sep) + os.sep):
                raise KzlawError([Problem(output, 0, f"output path is inside the corpus's "
                                          f"{part}/ folder: choose a file outside measures/ "
                                          "and rules/")])
    if os.path.exists(output) and not os.path.isdir(output):
        raise KzlawError([Problem(output, 0, f"--format {fmt} writes a folder, and this is a "
                                  "file: choose another --output")])
    if os.path.isdir(output) and os.listdir(output) and \
            not os.path.isfile(os.path.join(output, MANIFEST)):
        raise KzlawError([Problem(output, 0, "the folder exists and is not a kzlaw export: "
                                  "choose another --output (nothing was written)")])
    parent = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(parent):
        raise KzlawError([Problem(output, 0, f"output folder {parent} does not exist")])
    if not os.access(parent, os.W_OK):
        raise KzlawError([Problem(output, 0, f"output folder {parent} is not writable")])


def _writer(fmt: str):
    if fmt == "sqlite":
        from . import sqlite
        return sqlite
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise KzlawError([Problem("--format", 0, "parquet needs pyarrow: "
                                      "pip install 'kzlaw[export]'")]) from None
        from . import parquet
        return parquet
    from . import jsonl
    return jsonl


def export(paths: Iterable[str], fmt: str, output: str, cache: bool = True,
           jurisdictions: Optional[list[str]] = None) -> dict:
    """Load every corpus of ``paths`` and write them as one export at ``output``; return a
    summary ``{"format", "output", "corpora": [{"jurisdiction", "path"}], "rows": {table:
    count}}``. Raises ``KzlawError`` (and writes nothing) on an invalid corpus, two corpora
    of one jurisdiction, or an output that cannot be written."""
    from ..corpus import load
    from . import schema
    from .rows import jurisdiction_of, tables

    if fmt not in FORMATS:
        raise KzlawError([Problem("--format", 0, f"unknown export format {fmt!r}"
                                  + suggest(fmt, FORMATS))])
    folders = corpus_folders(paths)
    check_output(output, fmt, folders)
    writer = _writer(fmt)
    seen: dict[str, str] = {}
    summary = {"format": fmt, "output": output, "corpora": [],
               "rows": {t.name: 0 for t in schema.TABLES}}

    def corpora():
        for i, folder in enumerate(folders):
            corpus = load(folder, cache=cache)
            j = jurisdictions[i] if jurisdictions else jurisdiction_of(corpus, folder)
            if not _SAFE.match(j):
                raise KzlawError([Problem(folder, 0, f"jurisdiction {j!r} cannot name a "
                                          "partition: use letters, digits, '.', '_' or '-' "
                                          "(set jurisdiction: in measures/corpus.yaml)")])
            if j in seen:
                raise KzlawError([Problem(folder, 0, f"jurisdiction {j!r} is also the "
                                          f"jurisdiction of {seen[j]}: give each corpus its "
                                          "own (jurisdiction: in measures/corpus.yaml)")])
            seen[j] = folder
            summary["corpora"].append({"jurisdiction": j, "path": folder})
            yield j, _counted(tables(corpus, j), summary["rows"])

    with atomic_target(output, folder=fmt in FOLDER_FORMATS) as tmp:
        writer.write(tmp, corpora())
        if fmt in FOLDER_FORMATS:
            manifest = {"kzlaw_version": __version__, "format": fmt,
                        "tables": [t.name for t in schema.TABLES],
                        "jurisdictions": [c["jurisdiction"] for c in summary["corpora"]]}
            with open(os.path.join(tmp, MANIFEST), "w", encoding="utf-8") as f:
                json.dump(manifest, f, indent=2)
                f.write("\n")
    return summary


def _counted(table_rows: dict, counts: dict) -> dict:
    def count(name, rows):
        for row in rows:
            counts[name] += 1
            yield row
    return {name: count(name, rows) for name, rows in table_rows.items()}


def canonical_json(value) -> Optional[str]:
    """A JSON column's text: compact, keys sorted, so equal values have equal text."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def summary_text(summary: dict) -> str:
    """One line: what was written where."""
    corpora = summary["corpora"]
    names = ", ".join(c["jurisdiction"] for c in corpora)
    rows = ", ".join(f"{n:,} {name}" for name, n in summary["rows"].items()
                     if name in ("measures", "effects", "facts", "segments"))
    what = "corpus" if len(corpora) == 1 else "corpora"
    return (f"wrote {summary['output']} ({summary['format']}): {len(corpora)} {what} "
            f"({names}); {rows}\n")
