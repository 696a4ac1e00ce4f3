"""`kzlaw export`: SQL over the SQLite file and DuckDB over the Parquet dataset give exactly
kzlaw's answers (in force on a day, the diff of two days, the history of an id) on the day
before, on and after every change point, for the bundled corpus and for generated corpora."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzlaw
from kzlaw.dates import NEG, POS, day_iso
from kzlaw.export import MANIFEST, export, schema
from kzlaw.export.compare import (DuckDB, SQLite, diff_rows, in_force_rows, kzlaw_diff,
                                  kzlaw_history, kzlaw_in_force, sql_diff, sql_history,
                                  sql_in_force)

import strategies
from builder import measure, write_corpus

# --- asking the exported files -------------------------------------------------------------------

def _load_json(value):
    return json.loads(value) if isinstance(value, str) else value


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def days_around_change_points(corpus):
    """The day before, on and after every change point (and a day before them all)."""
    points = [p for p in corpus.compiled.points if NEG < p < POS]
    days = {d for p in points for d in (p - 1, p, p + 1)}
    days.add(min(points, default=730000) - 400)
    return sorted(days)


def assert_same_answers(corpus, engines, jurisdiction):
    days = days_around_change_points(corpus)
    for day in days:
        expected = kzlaw_in_force(corpus, day)
        for engine in engines:
            got = sql_in_force(in_force_rows(engine, day), jurisdiction)
            assert got == expected, (type(engine), day_iso(day))
    pairs = list(zip(days, days[1:])) + [(days[0], days[-1]), (days[-1], days[0])]
    pairs += [(days[i], days[j]) for i, j in ((0, len(days) // 2), (len(days) // 3, -1))]
    for a, b in pairs:
        expected = kzlaw_diff(corpus, a, b)
        for engine in engines:
            got = sql_diff(diff_rows(engine, a, b), jurisdiction)
            assert got == expected, (type(engine), day_iso(a), day_iso(b))


def _export_both(folders, tmp):
    db = os.path.join(tmp, "kzlaw.db")
    pq = os.path.join(tmp, "kzlaw-parquet")
    export(folders, "sqlite", db, cache=False)
    export(folders, "parquet", pq, cache=False)
    return [SQLite(db), DuckDB(pq)]


# --- the bundled corpus ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    corpus = kzlaw.load()
    tmp = str(tmp_path_factory.mktemp("export"))
    root = kzlaw.corpus.resolve_path(None)
    engines = _export_both([root], tmp)
    jurisdiction = kzlaw.export.rows.jurisdiction_of(corpus, root)
    return corpus, engines, jurisdiction, tmp


def test_sql_and_duckdb_answer_in_force_and_diff_as_kzlaw_does_around_every_change_point(bundled):
    corpus, engines, jurisdiction, _ = bundled
    assert len(days_around_change_points(corpus)) > 100
    assert_same_answers(corpus, engines, jurisdiction)


def test_the_history_query_lists_the_periods_kzlaw_history_lists(bundled):
    corpus, engines, jurisdiction, _ = bundled
    idents = sorted({i for section in corpus.vocabulary.values() for i in section})
    nonempty = 0
    for ident in idents:
        expected = kzlaw_history(corpus, ident)
        nonempty += bool(expected)
        for engine in engines:
            assert sql_history(engine, ident, jurisdiction) == expected, ident
    assert nonempty > 20


def test_the_record_tables_hold_every_measure_effect_event_source_and_citation(bundled):
    corpus, engines, jurisdiction, _ = bundled
    sqlite_, duck = engines
    for engine in engines:
        def count(table):
            return engine.query(f'SELECT count(*) FROM "{table}"', {})[0][0]
        assert count("measures") == len(corpus.measures)
        assert count("effects") == sum(len(m.effects) for m in corpus.measures.values())
        assert count("sources") == len(corpus.sources)
        assert count("vocabulary") == sum(len(s) for s in corpus.vocabulary.values())
        assert count("facts") == len(corpus.compiled.segments)
        assert count("derivations") == sum(len(d) for d in corpus.derivations.values())
        assert count("corpora") == 1
    # a disputed date keeps its alternatives, each with its source
    disputed = sqlite_.query("SELECT event, alternatives FROM events "
                             "WHERE alternatives IS NOT NULL", {})
    expected = {(f"{m.id} {f}") for m in corpus.measures.values()
                for f in ("introduced", "adopted", "in_force", "expires", "failed")
                if getattr(m.dates, f) is not None and getattr(m.dates, f).alternatives}
    assert expected and {e for e, _ in disputed} >= expected
    for _event, alts in disputed:
        assert all(a["ref"] in corpus.sources for a in json.loads(alts))
    # every quote of a measure is there, as the source's words
    m = corpus.measures["law-1999-countering-terrorism"]
    quotes = sqlite_.query('SELECT source, quote FROM "references" WHERE cited_by = :m',
                           {"m": m.id})
    assert sorted(quotes) == sorted((r.ref, r.quote) for r in m.sources)
    # a derived fact names its rule and premises as the facts table names facts
    rows = sqlite_.query("SELECT fact, rule, premises FROM derivations", {})
    facts = {r[0] for r in sqlite_.query("SELECT fact FROM facts", {})}
    assert rows
    for fact, rule, premises in rows:
        assert fact in facts and rule.startswith("rule:")
        assert all(p in facts or p.startswith("category ") for p in json.loads(premises))


def test_the_sqlite_file_has_indexes_for_the_date_query(bundled):
    _, (sqlite_, _duck), _, _ = bundled
    plan = sqlite_.query("EXPLAIN QUERY PLAN SELECT * FROM segments WHERE start <= '2012-01-01'",
                         {})
    assert any("segments_start" in str(row) for row in plan)


def test_sqlite_parquet_and_jsonl_hold_the_same_rows(bundled, tmp_path):
    corpus, (sqlite_, duck), _, _ = bundled
    js = str(tmp_path / "jsonl")
    export([kzlaw.corpus.resolve_path(None)], "jsonl", js, cache=False)
    for t in schema.TABLES:
        cols = ", ".join(f'"{c}"' for c in t.names)
        a = [[_load_json(v) if c.type in ("list", "json") else v
              for c, v in zip(t.columns, row)]
             for row in sqlite_.query(f'SELECT {cols} FROM "{t.name}"', {})]
        b = [[_load_json(v) if c.type == "json" else (
            bool(v) if c.type == "boolean" else _iso(v)) for c, v in zip(t.columns, row)]
            for row in duck.query(f'SELECT {cols} FROM "{t.name}"', {})]
        a = [[bool(v) if c.type == "boolean" and v is not None else v
              for c, v in zip(t.columns, row)] for row in a]
        with open(os.path.join(js, f"{t.name}.jsonl"), encoding="utf-8") as f:
            c_ = [[obj[name] for name in t.names] for obj in map(json.loads, f)]
        key = json.dumps
        assert sorted(a, key=key) == sorted(b, key=key) == sorted(c_, key=key), t.name
        assert len(a) > 0, t.name


# --- generated corpora -------------------------------------------------------------------------------

@settings(max_examples=25)
@given(spec=strategies.specs())
def test_on_generated_corpora_sql_and_duckdb_answer_as_kzlaw(spec):
    root = strategies.write_spec(spec)
    corpus = kzlaw.load(root)
    tmp = strategies.fresh_dir()
    os.makedirs(tmp)
    engines = _export_both([root], tmp)
    assert_same_answers(corpus, engines, os.path.basename(root))


@settings(max_examples=10)
@given(specs=st.lists(strategies.specs(max_measures=3), min_size=2, max_size=3))
def test_several_corpora_go_into_one_dataset_that_one_glob_reads(specs):
    parent = strategies.fresh_dir()
    roots = [strategies.write_spec(s, root=os.path.join(parent, f"j{i}"))
             for i, s in enumerate(specs)]
    tmp = strategies.fresh_dir()
    os.makedirs(tmp)
    engines = _export_both([parent], tmp)  # a folder of corpora
    for root in roots:
        assert_same_answers(kzlaw.load(root), engines, os.path.basename(root))
    duck = engines[1]
    assert duck.query("SELECT count(DISTINCT jurisdiction) FROM corpora", {}) == [(len(roots),)]


# --- the command ------------------------------------------------------------------------------------

def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kzlaw", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd,
                          env=dict(os.environ, KZLAW_NO_CACHE="1"))


def small_corpus(root):
    write_corpus(root, [measure("m1", "2005-03-01", [{"id": "e", "prohibits": "a"}])])
    return str(root)


@pytest.mark.parametrize("fmt", ["sqlite", "parquet", "jsonl"])
def test_kzlaw_export_writes_the_format_and_says_what_it_wrote(fmt, tmp_path):
    root = small_corpus(tmp_path / "kz")
    out = tmp_path / "out"
    result = run("--data", root, "export", "--format", fmt, "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out} ({fmt}): 1 corpus (kz); 1 measures, 1 effects, " \
                            "1 facts, 1 segments\n"
    if fmt == "sqlite":
        con = sqlite3.connect(str(out))
        assert con.execute('SELECT fact, start, "end" FROM segments').fetchall() == \
            [("prohibition a", "2005-03-01", None)]
    else:
        assert json.load(open(out / MANIFEST))["jurisdictions"] == ["kz"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kzlaw")] == []


def test_an_export_over_an_earlier_export_replaces_it(tmp_path):
    root = small_corpus(tmp_path / "kz")
    out = tmp_path / "out"
    for _ in range(2):
        result = run("export", "--data", root, "--format", "parquet", "--output", str(out))
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kz", "out"]
    assert (out / "segments" / "jurisdiction=kz" / "segments.parquet").is_file()


def test_an_export_never_overwrites_a_folder_that_is_not_an_export(tmp_path):
    root = small_corpus(tmp_path / "kz")
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = run("export", "--data", root, "--format", "jsonl", "--output", str(out))
    assert result.returncode == 1
    assert result.stderr == f"{out}: the folder exists and is not a kzlaw export: choose " \
                            "another --output (nothing was written)\n"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_two_corpora_of_one_jurisdiction_are_refused_and_nothing_is_written(tmp_path):
    a = small_corpus(tmp_path / "a" / "kz")  # no corpus.yaml: both are named after "kz"
    b = small_corpus(tmp_path / "b" / "kz")
    out = tmp_path / "out.db"
    result = run("export", "--data", a, "--data", b, "--format", "sqlite", "--output", str(out))
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"{b}: jurisdiction 'kz' is also the jurisdiction of {a}: give " \
                            "each corpus its own (jurisdiction: in measures/corpus.yaml)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_the_jurisdiction_and_horizon_come_from_corpus_yaml(tmp_path):
    a = small_corpus(tmp_path / "a")
    b = small_corpus(tmp_path / "b")
    for root, j in ((a, "KZ"), (b, "KZ")):
        with open(os.path.join(root, "measures", "corpus.yaml"), "w") as f:
            f.write(f"title: Law of {j}\njurisdiction: {j}\ncurated_until: 2016-12-31\n")
    out = tmp_path / "out.db"
    result = run("export", "--data", a, "--format", "sqlite", "--output", str(out))
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(str(out))
    assert con.execute("SELECT jurisdiction, title, curated_from, curated_until FROM corpora"
                       ).fetchall() == [("KZ", "Law of KZ", None, "2016-12-31")]
    assert con.execute("SELECT DISTINCT jurisdiction FROM segments").fetchall() == [("KZ",)]
    result = run("export", "--data", a, "--data", b, "--format", "sqlite", "--output", str(out))
    assert result.returncode == 1
    assert result.stderr == f"{b}: jurisdiction 'KZ' is also the jurisdiction of {a}: give " \
                            "each corpus its own (jurisdiction: in measures/corpus.yaml)\n"


def test_an_invalid_corpus_is_refused_line_by_line_and_an_old_export_stays(tmp_path):
    root = small_corpus(tmp_path / "kz")
    out = tmp_path / "out.db"
    assert run("export", "--data", root, "--format", "sqlite", "--output", str(out)).returncode == 0
    before = out.read_bytes()
    with open(os.path.join(root, "measures", "2000", "m1.yaml"), "a") as f:
        f.write("adoptd: 2005\n")
    result = run("export", "--data", root, "--format", "sqlite", "--output", str(out))
    assert result.returncode == 1
    assert "unknown field 'adoptd'" in result.stderr and "Traceback" not in result.stderr
    assert out.read_bytes() == before


def test_a_failure_while_writing_leaves_the_old_export_and_no_temporary_file(tmp_path,
                                                                             monkeypatch):
    root = small_corpus(tmp_path / "kz")
    out = str(tmp_path / "out")
    export([root], "parquet", out, cache=False)
    before = sorted(os.listdir(out))
    from kzlaw.export import parquet

    def broken(folder, corpora):
        for _ in corpora:
            open(os.path.join(folder, "half"), "w").close()
            raise OSError(28, "No space left on device")
    monkeypatch.setattr(parquet, "write", broken)
    with pytest.raises(kzlaw.KzlawError, match="No space left on device"):
        export([root], "parquet", out, cache=False)
    assert sorted(os.listdir(out)) == before
    assert sorted(os.listdir(tmp_path)) == ["kz", "out"]


@pytest.mark.parametrize("fmt", ["sqlite", "parquet"])
def test_an_export_is_never_written_inside_a_corpus(fmt, tmp_path):
    root = small_corpus(tmp_path / "kz")
    out = os.path.join(root, "measures", "2000", "x")
    result = run("export", "--data", root, "--format", fmt, "--output", out)
    assert result.returncode == 1
    assert result.stderr == f"{out}: output path is inside the corpus's measures/ folder: " \
                            "choose a file outside measures/ and rules/\n"
    assert sorted(os.listdir(os.path.join(root, "measures", "2000"))) == ["m1.yaml"]


def test_an_export_through_a_link_replaces_the_linked_file_and_the_link_stays(tmp_path):
    root = small_corpus(tmp_path / "kz")
    real = tmp_path / "real.db"
    real.write_text("an older export")
    link = tmp_path / "link.db"
    os.symlink(real, link)
    result = run("export", "--data", root, "--format", "sqlite", "--output", str(link))
    assert result.returncode == 0, result.stderr
    assert os.path.islink(link) and os.readlink(link) == str(real)
    con = sqlite3.connect(str(real))
    assert con.execute("SELECT fact FROM segments").fetchall() == [("prohibition a",)]
    con.close()
    folder_link = tmp_path / "link-jsonl"
    os.symlink(tmp_path / "real-jsonl", folder_link)
    for _ in range(2):  # a new folder, then over the export it holds
        result = run("export", "--data", root, "--format", "jsonl", "--output", str(folder_link))
        assert result.returncode == 0, result.stderr
    assert os.path.islink(folder_link)
    assert (tmp_path / "real-jsonl" / MANIFEST).is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".kzlaw")) == []


def test_an_export_to_a_fifo_is_written_into_it_and_the_fifo_stays(tmp_path):
    root = small_corpus(tmp_path / "kz")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    result = run("export", "--data", root, "--format", "sqlite", "--output", str(fifo))
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and got[0].startswith(b"SQLite format 3\x00")
    copy = tmp_path / "copy.db"
    copy.write_bytes(got[0])
    con = sqlite3.connect(str(copy))
    assert con.execute("SELECT fact FROM segments").fetchall() == [("prohibition a",)]
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db", "kz", "pipe"]


def test_an_export_to_the_standard_output_says_what_it_wrote_on_stderr(tmp_path):
    root = small_corpus(tmp_path / "kz")
    proc = subprocess.run([sys.executable, "-m", "kzlaw", "export", "--data", root, "--format",
                           "sqlite", "--output", "/dev/stdout"], capture_output=True,
                          timeout=120, env=dict(os.environ, KZLAW_NO_CACHE="1"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.decode() == "wrote /dev/stdout (sqlite): 1 corpus (kz); 1 measures, " \
                                   "1 effects, 1 facts, 1 segments\n"
    copy = tmp_path / "copy.db"
    copy.write_bytes(proc.stdout)  # the file alone, with no line of text after it
    con = sqlite3.connect(str(copy))
    page = con.execute("PRAGMA page_size").fetchone()[0]
    assert len(proc.stdout) == page * con.execute("PRAGMA page_count").fetchone()[0]
    assert con.execute("SELECT fact FROM segments").fetchall() == [("prohibition a",)]
    con.close()


DEVICES = r"""
set -e
mount -t tmpfs none /dev
mknod -m 666 /dev/null c 1 3
"$PYTHON" -m kzlaw --data "$CORPUS" export --format sqlite --output /dev/null
stat -c '%n %F' /dev/null
ls -A /dev
"""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="needs root and unshare for a private /dev")
def test_an_export_to_dev_null_writes_into_it_and_never_replaces_it(tmp_path):
    root = small_corpus(tmp_path / "kz")
    env = dict(os.environ, PYTHON=sys.executable, CORPUS=root, KZLAW_NO_CACHE="1")
    proc = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", DEVICES],
                          capture_output=True, text=True, env=env, timeout=300)
    if proc.returncode != 0 and "mount" in proc.stderr:
        pytest.skip(f"no private mount namespace here: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1:] == ["/dev/null character special file", "null"]


def test_a_folder_holding_no_corpus_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("export", "--data", str(tmp_path / "empty"), "--format", "sqlite",
                 "--output", str(tmp_path / "x.db"))
    assert result.returncode == 1
    assert result.stderr == f"{tmp_path / 'empty'}: not a kzlaw corpus nor a folder of " \
                            "corpora: no measures/ folder in it or in its sub-folders\n"


def test_export_needs_a_format_and_an_output(tmp_path):
    result = run("export", "--output", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "--format" in result.stderr
    result = run("export", "--format", "csv", "--output", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert "unknown format 'csv'; formats: sqlite, parquet, jsonl" in result.stderr
    result = run("--as-of", "HEAD", "export", "--format", "sqlite", "--output",
                 str(tmp_path / "x.db"))
    assert result.returncode == 2 and "drop --as-of" in result.stderr
    assert not (tmp_path / "x.db").exists()


# --- the generated documents -------------------------------------------------------------------------

def test_docs_export_md_shows_the_current_schema_and_queries():
    path = schema.docs_path()
    assert path is not None
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert schema.BEGIN in text and schema.END in text
    assert text == schema.splice(text), "run: python -m kzlaw.export.schema --write"


def test_the_datasette_metadata_file_is_generated_from_the_schema():
    with open(schema.DATASETTE_FILE, encoding="utf-8") as f:
        assert f.read() == schema.datasette_json(), "run: python -m kzlaw.export.schema --write"
    meta = schema.datasette_metadata()["databases"]["kzlaw"]
    assert set(meta["queries"]) == {"in_force", "changes", "history"}
    for t in schema.TABLES:
        assert set(meta["tables"][t.name]["columns"]) == set(t.names)


def test_every_table_and_column_has_one_name_everywhere():
    names = [t.name for t in schema.TABLES]
    assert len(set(names)) == len(names)
    for t in schema.TABLES:
        assert t.names[0] == "jurisdiction"
        assert len(set(t.names)) == len(t.names)
        for cols in t.indexes:
            assert set(cols) <= set(t.names)
    # the Parquet files hold the same columns (the jurisdiction is the partition)
    from kzlaw.export.parquet import arrow_schema
    for t in schema.TABLES:
        assert arrow_schema(t).names == t.names[1:]


def test_the_readme_duckdb_query_prints_the_rows_the_readme_shows(tmp_path):
    import re
    readme = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "README.md")
    text = open(readme, encoding="utf-8").read()
    code, shown = re.search(r"```python\n(import duckdb\n.*?)```\n\n```text\n(.*?)```", text,
                            flags=re.S).groups()
    assert run("export", "--format", "parquet", "--output", "kzlaw-parquet",
               cwd=tmp_path).returncode == 0
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr

    def cells(box):  # the data rows of DuckDB's box drawing (its frame varies by version)
        rows = [[c.strip() for c in line.strip("│").split("│")]
                for line in box.splitlines() if line.startswith("│")]
        return rows[2:]  # below the names and the types
    assert cells(result.stdout) == cells(shown)
    assert len(cells(shown)) >= 3


def test_exporting_many_corpora_keeps_no_earlier_corpus_alive(tmp_path):
    from kzlaw import check
    for name in ("a", "b", "c"):
        small_corpus(tmp_path / "all" / name)
    export([str(tmp_path / "all")], "jsonl", str(tmp_path / "out"), cache=False)
    roots = {v[0].root for v in check._VOCAB_IDS.values()}  # what the checker's memo holds
    assert roots <= {str(tmp_path / "all" / "c")}
