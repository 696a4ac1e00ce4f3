"""The export as a Parquet dataset (pyarrow, the optional extra ``export``): a folder per
schema table, partitioned by jurisdiction, ``TABLE/jurisdiction=J/TABLE.parquet``, so that one
glob, ``TABLE/*/*.parquet``, reads every jurisdiction in DuckDB, Spark, Trino or BigQuery. The
``jurisdiction`` column is the partition (in the path), not stored in the files."""

from __future__ import annotations

import os
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq

from . import canonical_json, schema

_TYPES = {
    "text": pa.string(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "list": pa.list_(pa.string()),
    "json": pa.string(),
}


def arrow_schema(table: schema.Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, _TYPES[c.type]) for c in table.columns
                      if c.name != "jurisdiction"])


def _day(v):
    return None if v is None else date.fromisoformat(v)


def write(folder: str, corpora) -> None:
    for _j, tables in corpora:
        for t in schema.TABLES:
            cols = [c for c in t.columns if c.name != "jurisdiction"]
            rows = list(tables[t.name])
            arrays = []
            for i, c in enumerate(t.columns):
                if c.name == "jurisdiction":
                    continue
                values = [row[i] for row in rows]
                if c.type == "date":
                    values = [_day(v) for v in values]
                elif c.type == "json":
                    values = [canonical_json(v) for v in values]
                arrays.append(pa.array(values, type=_TYPES[c.type]))
            data = pa.Table.from_arrays(arrays, schema=arrow_schema(t)) if cols else None
            part = os.path.join(folder, t.name, f"jurisdiction={_j}")
            os.makedirs(part, exist_ok=True)
            pq.write_table(data, os.path.join(part, f"{t.name}.parquet"), compression="zstd")
