"""The export schema, in one place: every table and column that ``kzlaw export`` writes, with
the same names in SQLite, Parquet and JSONL, and the SQL that answers kzlaw's questions over
them. ``docs/export.md`` and the Datasette metadata file are generated from this module, and
a test checks that both are up to date (``python -m kzlaw.export.schema --write``).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Optional

import attrs

# Column types, and what each becomes in each format:
#   text     TEXT          string              a string
#   integer  INTEGER       int64               a number
#   boolean  INTEGER 0/1   bool                true / false
#   date     TEXT ISO day  date32              "YYYY-MM-DD"
#   list     TEXT (JSON)   list<string>        an array of strings
#   json     TEXT (JSON)   string (JSON)       the value itself
TYPES = {
    "text": ("TEXT", "string", "a string"),
    "integer": ("INTEGER", "int64", "a number"),
    "boolean": ("INTEGER (0 or 1)", "bool", "true or false"),
    "date": ("TEXT (YYYY-MM-DD)", "date32", '"YYYY-MM-DD"'),
    "list": ("TEXT (a JSON array)", "list<string>", "an array of strings"),
    "json": ("TEXT (JSON)", "string (JSON)", "the JSON value"),
}


@attrs.frozen
class Column:
    name: str
    type: str
    label: str
    description: str


@attrs.frozen
class Table:
    name: str
    description: str
    columns: tuple
    indexes: tuple = ()  # tuples of column names (SQLite)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, type_: str, label: str, description: str) -> Column:
    assert type_ in TYPES, type_
    return Column(name, type_, label, description)


JURISDICTION = _c("jurisdiction", "text", "Jurisdiction",
                  "the corpus's jurisdiction (measures/corpus.yaml; else the corpus folder's "
                  "name); in Parquet, the partition (jurisdiction=X/ in the path)")
FACT = _c("fact", "text", "Fact", "the fact as kzlaw names it: 'KIND TARGET' or "
          "'KIND TARGET about ABOUT'; unique within a jurisdiction")
KIND = _c("kind", "text", "Kind", "prohibition, obligation, designation, institution, power "
          "or penalty")
TARGET = _c("target", "text", "Target", "the vocabulary id the fact is about")
ABOUT = _c("about", "text", "About", "the penalty of a penalty fact, or what a rule qualifies "
           "the fact by (the organization whose membership is prohibited); NULL otherwise")

TABLES = (
    Table("corpora", "One row per exported corpus: what it is and how far it reaches.", (
        JURISDICTION,
        _c("title", "text", "Title", "the corpus's title"),
        _c("curated_from", "date", "Curated from", "measures before this day are not "
           "recorded; NULL when the corpus gives no horizon"),
        _c("curated_until", "date", "Curated until", "changes after this day are not "
           "recorded; NULL when the corpus gives no horizon"),
        _c("commit", "text", "Commit", "the git commit of the corpus, where known"),
        _c("kzlaw_version", "text", "kzlaw version", "the kzlaw that wrote the export"),
    )),
    Table("measures", "One row per measure (law, decree, court decision, bill ...).", (
        JURISDICTION,
        _c("measure", "text", "Measure", "the measure's id"),
        _c("title", "text", "Title", "its title"),
        _c("number", "text", "Number", "its official number, if any"),
        _c("kind", "text", "Kind", "constitution, code, law, amendment, decree, order, "
           "court-decision, list, program or bill"),
        _c("status", "text", "Status", "enacted, pending or failed (pending and failed "
           "measures change nothing)"),
        _c("file", "text", "File", "the corpus file it is written in"),
        _c("note", "text", "Note", "the curator's note"),
    ), indexes=(("measure",),)),
    Table("effects", "One row per effect of a measure.", (
        JURISDICTION,
        _c("ref", "text", "Effect", "MEASURE#EFFECT, as segments.by names it"),
        _c("measure", "text", "Measure", "the measure the effect belongs to"),
        _c("effect", "text", "Effect id", "the effect's id within its measure"),
        _c("verb", "text", "Verb", "prohibits, requires, designates, establishes, empowers, "
           "penalizes, repeals, replaces or amends"),
        _c("object", "text", "Object", "what the verb names: a vocabulary id, or for repeals, "
           "replaces and amends the MEASURE or MEASURE#EFFECT acted on"),
        _c("fact", "text", "Fact established", "the fact the effect (or, for amends, its "
           "'with') establishes; NULL for repeals and replaces"),
        _c("attributes", "json", "Attributes", "liability, as, deadline of the established "
           "effect, as a JSON object"),
        _c("note", "text", "Note", "the curator's note"),
    ), indexes=(("measure",), ("object",))),
    Table("events", "One row per dated event: a measure's introduced, adopted, in_force, "
          "expires, failed, an effect's from or until.", (
        JURISDICTION,
        _c("event", "text", "Event", "MEASURE FIELD or MEASURE#EFFECT FIELD"),
        _c("measure", "text", "Measure", "the measure"),
        _c("effect", "text", "Effect id", "the effect, for from and until; NULL otherwise"),
        _c("field", "text", "Field", "introduced, adopted, in_force, expires, failed, from "
           "or until"),
        _c("date", "text", "Date as encoded", "the date in kzlaw's notation (EDTF subset), "
           "with its ? or ~ flag"),
        _c("earliest", "date", "Earliest", "the first day it can have happened on; NULL when "
           "open"),
        _c("latest", "date", "Latest", "the last day it can have happened on; NULL when open"),
        _c("as_written", "text", "As written", "the source's own words for the date"),
        _c("alternatives", "json", "Alternatives", "where sources disagree: a JSON array of "
           "{date, ref, as_written, quote, rejected}; an alternative with 'rejected' was set "
           "aside for that reason and does not widen the range"),
    ), indexes=(("measure",),)),
    Table("facts", "One row per fact that is ever in force or uncertain.", (
        JURISDICTION, FACT, KIND, TARGET, ABOUT,
        _c("title", "text", "Title", "the fact as kzlaw's tables name it, from the labels: "
           "'Prohibition: Financing of terrorism' (the JSON's title)"),
        _c("label", "text", "Label", "the target's label in the vocabulary"),
        _c("about_label", "text", "About label", "the label of 'about'"),
        _c("derived", "boolean", "Derived", "whether a rule derives it (else only effects "
           "hold it)"),
        _c("certain", "json", "Certain days", "the days it is in force in every reading of "
           "the dates: a JSON array of [start, end) pairs of ISO days, null when open"),
        _c("possible", "json", "Possible days", "the days it is in force in some reading"),
    ), indexes=(("fact",), ("target",), ("about",))),
    Table("segments", "One row per stretch of days on which a fact's answer (status, "
          "attributes, by, sources) is constant. What was in force on D: the rows with "
          "start <= D (or start NULL) and D < end (or end NULL).", (
        JURISDICTION, FACT, KIND, TARGET, ABOUT,
        _c("status", "text", "Status", "in-force (true in every reading of the dates) or "
           "uncertain (true in some)"),
        _c("start", "date", "From", "the first day of the stretch; NULL when open (since "
           "always)"),
        _c("end", "date", "Until (exclusive)", "the day after the stretch; NULL when open"),
        _c("attributes", "json", "Attributes", "liability, as, deadline: a JSON object; a "
           "value is an array of alternatives where effects disagree"),
        _c("by", "list", "By", "the effects (MEASURE#EFFECT) and rules (rule:ID) that hold "
           "the fact on these days"),
        _c("sources", "list", "Sources", "the sources behind them"),
    ), indexes=(("start",), ("end",), ("fact",), ("target",), ("about",))),
    Table("sources", "One row per citable source.", (
        JURISDICTION,
        _c("source", "text", "Source", "the source's id"),
        _c("citation", "text", "Citation", "how to cite it"),
        _c("kind", "text", "Kind", "primary, official-report, press, ngo or academic"),
        _c("url", "text", "URL", "where to read it"),
        _c("published", "text", "Published", "when it was published (kzlaw's date notation)"),
        _c("document", "text", "Document", "the source document of the bundled corpus"),
        _c("footnote", "integer", "Footnote", "the footnote in that document"),
        _c("note", "text", "Note", "the curator's note"),
    ), indexes=(("source",),)),
    Table("references", "Who cites what: one row per citation of a source by a measure, an "
          "effect, a rule or a dated alternative.", (
        JURISDICTION,
        _c("source", "text", "Source", "the source cited"),
        _c("cited_by", "text", "Cited by", "MEASURE, MEASURE#EFFECT, rule:ID, or the event "
           "(MEASURE FIELD) for one alternative of a disputed date"),
        _c("cited_by_type", "text", "Cited by type", "measure, effect, rule or date"),
        _c("quote", "text", "Quote", "the source's own words, verbatim"),
        _c("summary", "text", "Summary", "the curator's summary, where no quote could be "
           "read (never the source's words)"),
        _c("translation", "text", "Translation", "an English translation of the quote"),
        _c("note", "text", "Note", "the curator's note"),
    ), indexes=(("source",), ("cited_by",))),
    Table("vocabulary", "One row per id an effect or rule may name.", (
        JURISDICTION,
        _c("section", "text", "Section", "acts, organizations, institutions, powers, duties, "
           "penalties or categories"),
        _c("id", "text", "Id", "the id"),
        _c("label", "text", "Label", "its label"),
        _c("aliases", "list", "Aliases", "other names a question may use"),
        _c("categories", "list", "Categories", "the categories it belongs to"),
        _c("note", "text", "Note", "the curator's note"),
    ), indexes=(("id",),)),
    Table("derivations", "One row per rule application that derives a fact.", (
        JURISDICTION, FACT, KIND, TARGET, ABOUT,
        _c("rule", "text", "Rule", "rule:ID"),
        _c("binding", "json", "Binding", "the rule's variables and their values, a JSON "
           "object"),
        _c("premises", "list", "Premises", "the facts the rule needs (as named in "
           "facts.fact)"),
        _c("negated", "list", "Negated premises", "the facts that must not hold"),
        _c("certain", "json", "Certain days", "where the derivation certainly holds: [start, "
           "end) pairs"),
        _c("possible", "json", "Possible days", "where it possibly holds"),
    ), indexes=(("fact",), ("rule",))),
)

BY_NAME = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    return BY_NAME[name]


# --- the questions, in SQL ----------------------------------------------------------------------
# Each runs unchanged on the SQLite file and, in DuckDB, on views over the Parquet dataset
# (``duckdb_views``). Parameters are named ``:date``, ``:date_a``, ``:date_b``, ``:id``
# (DuckDB spells them ``$date``: see ``for_duckdb``). A date is an ISO day, 'YYYY-MM-DD'.

_ON = '({t}start IS NULL OR {t}start <= {d}) AND ({t}"end" IS NULL OR {d} < {t}"end")'

IN_FORCE_SQL = f"""\
SELECT s.jurisdiction, s.fact, f.title, s.kind, s.target, s.about, s.status, s.attributes,
       s."by", s.sources, s.start, s."end"
FROM segments AS s
LEFT JOIN facts AS f ON f.jurisdiction = s.jurisdiction AND f.fact = s.fact
WHERE {_ON.format(t='s.', d=':date')}
ORDER BY s.jurisdiction, s.kind, s.target, coalesce(s.about, '')"""

DIFF_SQL = f"""\
SELECT sides.jurisdiction, sides.fact, f.title, sides.kind, sides.target, sides.about,
       coalesce(max(CASE WHEN side = 'a' THEN status END), 'absent') AS before,
       coalesce(max(CASE WHEN side = 'b' THEN status END), 'absent') AS after,
       max(CASE WHEN side = 'a' THEN attributes END) AS attributes_before,
       max(CASE WHEN side = 'b' THEN attributes END) AS attributes_after
FROM (SELECT 'a' AS side, jurisdiction, fact, kind, target, about, status, attributes
      FROM segments WHERE {_ON.format(t='', d=':date_a')}
      UNION ALL
      SELECT 'b' AS side, jurisdiction, fact, kind, target, about, status, attributes
      FROM segments WHERE {_ON.format(t='', d=':date_b')}) AS sides
LEFT JOIN facts AS f ON f.jurisdiction = sides.jurisdiction AND f.fact = sides.fact
GROUP BY sides.jurisdiction, sides.fact, f.title, sides.kind, sides.target, sides.about
HAVING coalesce(max(CASE WHEN side = 'a' THEN status END), 'absent')
       <> coalesce(max(CASE WHEN side = 'b' THEN status END), 'absent')
    OR max(CASE WHEN side = 'a' THEN attributes END)
       <> max(CASE WHEN side = 'b' THEN attributes END)
ORDER BY sides.jurisdiction, sides.kind, sides.target, coalesce(sides.about, '')"""

HISTORY_SQL = """\
SELECT s.jurisdiction, s.fact, f.title, s.status, s.start, s."end", s.attributes, s."by",
       s.sources
FROM segments AS s
LEFT JOIN facts AS f ON f.jurisdiction = s.jurisdiction AND f.fact = s.fact
WHERE s.target = :id OR s.about = :id
ORDER BY s.jurisdiction, s.kind, s.target, coalesce(s.about, ''), s.start IS NOT NULL, s.start"""

QUERIES = (
    ("in_force", "In force on a date", "Every fact in force or uncertain on :date "
     "(YYYY-MM-DD), as `kzlaw in-force DATE` answers it.", IN_FORCE_SQL),
    ("changes", "Changes between two dates", "Every fact whose status or attributes differ "
     "between :date_a and :date_b, as `kzlaw diff DATE_A DATE_B` answers it.", DIFF_SQL),
    ("history", "History of an id", "Every stretch of every fact about :id (an act, "
     "organization, institution, power, duty or penalty), as `kzlaw history ID` lists its "
     "periods.", HISTORY_SQL),
)


def for_duckdb(sql: str) -> str:
    """The same query with DuckDB's parameter spelling ($date for :date)."""
    import re
    return re.sub(r":([a-z_]+)", r"$\1", sql)


def duckdb_views(folder: str) -> list[str]:
    """``CREATE VIEW`` statements that make the Parquet dataset at ``folder`` look like the
    SQLite file: one glob per table across every jurisdiction."""
    out = []
    for t in TABLES:
        glob = os.path.join(folder, t.name, "*", "*.parquet").replace("'", "''")
        out.append(f"CREATE VIEW \"{t.name}\" AS SELECT {', '.join(_q(c) for c in t.names)} "
                   f"FROM read_parquet('{glob}', hive_partitioning = true)")
    return out


def _q(name: str) -> str:
    return f'"{name}"'


# --- generated documents -----------------------------------------------------------------------

def schema_markdown() -> str:
    """The tables and columns as markdown (the generated part of docs/export.md)."""
    lines = ["| type | SQLite | Parquet | JSONL |", "|---|---|---|---|"]
    for name, (sqlite, parquet, jsonl) in TYPES.items():
        lines.append(f"| {name} | {sqlite} | {parquet} | {jsonl} |")
    for t in TABLES:
        lines += ["", f"### `{t.name}`", "", t.description, "",
                  "| column | type | meaning |", "|---|---|---|"]
        for c in t.columns:
            lines.append(f"| `{c.name}` | {c.type} | {c.description} |")
        if t.indexes:
            idx = ", ".join("(" + ", ".join(i) + ")" for i in t.indexes)
            lines += ["", f"SQLite indexes: {idx}."]
    lines += ["", "## The questions in SQL", "",
              "Each runs unchanged on the SQLite file and on the DuckDB views over the Parquet "
              "dataset (DuckDB writes the parameters `$date` instead of `:date`)."]
    for _name, title, description, sql in QUERIES:
        lines += ["", f"### {title}", "", description, "", "```sql", sql, "```"]
    return "\n".join(lines) + "\n"


# Datasette names a database after its file: the metadata describes ``kzlaw.db``.
DATASETTE_DATABASE = "kzlaw"


def datasette_metadata() -> dict:
    """The Datasette metadata: labelled and described columns, and the canned queries."""
    tables = {}
    for t in TABLES:
        tables[t.name] = {
            "description": t.description,
            "columns": {c.name: f"{c.label}: {c.description}" for c in t.columns},
        }
        if "fact" in t.names:
            tables[t.name]["label_column"] = "fact"
    tables["segments"]["sort"] = "fact"
    queries = {name: {"title": title, "description": description, "sql": sql}
               for name, title, description, sql in QUERIES}
    return {
        "title": "kzlaw export",
        "description": "Measures, dated effects and the facts in force over time, exported by "
                       "kzlaw. 'In force on a date' and 'Changes between two dates' answer as "
                       "kzlaw in-force and kzlaw diff do.",
        "databases": {DATASETTE_DATABASE: {"tables": tables, "queries": queries}},
    }


def datasette_json() -> str:
    return json.dumps(datasette_metadata(), indent=2, ensure_ascii=False) + "\n"


HERE = os.path.dirname(os.path.abspath(__file__))
DATASETTE_FILE = os.path.join(HERE, "datasette.json")
BEGIN = "<!-- generated by python -m kzlaw.export.schema: begin -->"
END = "<!-- generated by python -m kzlaw.export.schema: end -->"


def docs_path() -> Optional[str]:
    path = os.path.join(HERE, "..", "..", "..", "docs", "export.md")
    return os.path.normpath(path) if os.path.exists(path) else None


def splice(doc: str) -> str:
    """docs/export.md with its generated part replaced by the current schema."""
    head, _, rest = doc.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n\n{schema_markdown()}\n{END}{tail}"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["--write"]:
        sys.stdout.write(schema_markdown())
        return 0
    with open(DATASETTE_FILE, "w", encoding="utf-8") as f:
        f.write(datasette_json())
    doc = docs_path()
    if doc:
        with open(doc, encoding="utf-8") as f:
            text = f.read()
        with open(doc, "w", encoding="utf-8") as f:
            f.write(splice(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
