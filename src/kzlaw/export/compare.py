"""kzlaw's answers and the exported files' answers in one shape, so that the tests and the
benchmark can check they are equal: in force on a day, the diff of two days, the history of an
id. The SQL is the documented SQL of ``schema.py``, run as it is; DuckDB (the test extra)
reads the Parquet dataset through ``schema.duckdb_views``."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

from ..dates import day_iso
from . import schema


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


class SQLite:
    """The SQLite export, asked with the documented SQL."""

    def __init__(self, path: str):
        self.con = sqlite3.connect(path)

    def query(self, sql: str, params: dict) -> list:
        return self.con.execute(sql, params).fetchall()


class DuckDB:
    """The Parquet export in DuckDB, asked with the same SQL (``$name`` parameters)."""

    def __init__(self, folder: str, threads=None):
        import duckdb
        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        for view in schema.duckdb_views(folder):
            self.con.execute(view)

    def query(self, sql: str, params: dict) -> list:
        return self.con.execute(schema.for_duckdb(sql), params).fetchall()


def in_force_rows(engine, day: int) -> list:
    return engine.query(schema.IN_FORCE_SQL, {"date": day_iso(day)})


def sql_in_force(rows, jurisdiction: str) -> list:
    """(kind, target, about, title, status, attributes, by, sources) of one jurisdiction's
    rows."""
    return [(r[3], r[4], r[5], r[2], r[6], _json(r[7]), _json(r[8]), _json(r[9]))
            for r in rows if r[0] == jurisdiction]


def kzlaw_in_force(corpus, day: int) -> list:
    title = corpus.names.fact_title
    return [(f.kind, f.target, f.about, title(f.kind, f.target, f.about), f.status,
             {k: list(v) if isinstance(v, tuple) else v for k, v in f.attributes.items()},
             list(f.by), list(f.sources)) for f in corpus.at(day).facts()]


def diff_rows(engine, a: int, b: int) -> list:
    return engine.query(schema.DIFF_SQL, {"date_a": day_iso(a), "date_b": day_iso(b)})


def sql_diff(rows, jurisdiction: str) -> list:
    """(kind, target, about, title, before, after, changed attributes) of one jurisdiction's
    rows."""
    out = []
    for r in rows:
        if r[0] != jurisdiction:
            continue
        changed = {}
        if r[6] == r[7]:
            before, after = _json(r[8]), _json(r[9])
            changed = {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
                       if before.get(k) != after.get(k)}
        out.append((r[3], r[4], r[5], r[2], r[6], r[7], changed))
    return out


def kzlaw_diff(corpus, a: int, b: int) -> list:
    return [(c["kind"], c["target"], c["about"], c["title"], c["before"], c["after"],
             c.get("changed", {})) for c in corpus.diff(a, b)["changes"]]


def sql_history(engine, ident: str, jurisdiction: str) -> list:
    out = []
    for r in engine.query(schema.HISTORY_SQL, {"id": ident}):
        if r[0] != jurisdiction:
            continue
        end = _iso(r[5])
        until = (date.fromisoformat(end) - timedelta(days=1)).isoformat() if end else None
        out.append((r[1], r[2], r[3], _iso(r[4]), until, _json(r[6]), _json(r[7]),
                    _json(r[8])))
    return out


def kzlaw_history(corpus, ident: str) -> list:
    return [(p["fact"], p["title"], p["status"], p["from"], p["until"], p["attributes"],
             p["by"], p["sources"]) for p in corpus.history(ident)["periods"]]
