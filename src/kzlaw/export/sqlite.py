"""The export as one SQLite file (the standard library's sqlite3): one table per schema
table, list and JSON columns as JSON text, dates as ISO text, and indexes for the date
query. It opens in Datasette as it is (``datasette.json`` labels it)."""

from __future__ import annotations

import sqlite3

from . import canonical_json, schema

_SQL_TYPES = {"integer": "INTEGER", "boolean": "INTEGER"}


def _q(name: str) -> str:
    return f'"{name}"'


def write(path: str, corpora) -> None:
    """Write every ``(jurisdiction, tables)`` of ``corpora`` into the (empty) file at
    ``path``."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        for t in schema.TABLES:
            cols = ", ".join(f"{_q(c.name)} {_SQL_TYPES.get(c.type, 'TEXT')}"
                             for c in t.columns)
            con.execute(f"CREATE TABLE {_q(t.name)} ({cols})")
        for _j, tables in corpora:
            for t in schema.TABLES:
                convert = [_converter(c.type) for c in t.columns]
                marks = ", ".join("?" for _ in t.columns)
                rows = (tuple(f(v) for f, v in zip(convert, row)) for row in tables[t.name])
                con.executemany(f"INSERT INTO {_q(t.name)} VALUES ({marks})", rows)
        for t in schema.TABLES:
            for cols in t.indexes:
                name = f"{t.name}_{'_'.join(cols)}"
                con.execute(f"CREATE INDEX {_q(name)} ON {_q(t.name)} "
                            f"({', '.join(_q(c) for c in cols)})")
        con.commit()
    finally:
        con.close()


def _same(v):
    return v


def _converter(type_: str):
    if type_ in ("list", "json"):
        return canonical_json
    if type_ == "boolean":
        return lambda v: None if v is None else int(bool(v))
    return _same
