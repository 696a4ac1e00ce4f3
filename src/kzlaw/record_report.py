"""Rendering ``record-diff`` (what the record said differently at two revisions) and
``reports/corrections.md`` with report.py's documents: table, markdown, html (with the chart
of both records), json or csv."""

from __future__ import annotations

from .queries import DIFF_GROUPS
from .report import (Doc, _changed, _fact_id, counted, csv_text, finish, render,
                     status_word, to_json)

SHORT = 12  # characters of a commit id shown in tables


def side_text(side: dict) -> str:
    """``v1 (1a2b3c4d5e6f)``, or the work tree's folder."""
    if side["revision"] is None:
        return f"the files in {side['folder']}"
    short = side["commit"][:SHORT]
    given = side["revision"]
    return short if given.startswith(short) or short.startswith(given) else f"{given} ({short})"


def days_text(days: list[dict]) -> str:
    parts = []
    for d in days:
        lo, hi = d["from"], d["until"]
        if lo is None and hi is None:
            parts.append("every day")
        elif lo == hi:
            parts.append(lo)
        else:
            parts.append(f"{lo or ''}..{hi or ''}")
    return ", ".join(parts)


def _by_text(c: dict, field: str) -> str:
    before, after = c[field]["before"], c[field]["after"]
    if before == after:
        return ", ".join(before)
    return (", ".join(before) or "-") + " -> " + (", ".join(after) or "-")


def _file_text(f: dict) -> str:
    if f["change"] == "renamed":
        return f"{f['path']} (from {f['old_path']}" + (", modified)" if f["modified"] else ")")
    return f["path"]


SUBJECT = 100  # characters of a commit's subject shown in a terminal table


def _subject(text: str, fmt: str) -> str:
    return text if fmt != "table" or len(text) <= SUBJECT else text[:SUBJECT - 3] + "..."


def _holds(f: dict) -> str:
    """What the file holds: a measure, a rule, the vocabulary, the sources (the path says
    which one)."""
    return f["what"]


RECORD_DIFF_CSV = ["section", "group", "kind", "id", "label", "before", "after", "changed",
                   "days", "by_before", "by_after", "sources_before", "sources_after", "path",
                   "old_path", "commit", "date", "subject"]


def render_record_diff(data: dict, fmt: str, ids: bool = False, width: int = 80,
                       charts: tuple = ()) -> str:
    """``charts``: for HTML, the SVG chart of each record's changed facts (on one axis)."""
    if fmt == "json":
        return to_json(data)
    changes, files, commits = data["changes"], data["files"], data["commits"]
    on_any_day = data["at"] is None
    if fmt == "csv":
        rows = [["change", c["group"], c["kind"], _fact_id(c), c["label"], c["before"],
                 c["after"], _changed(c), days_text(c["days"]) if on_any_day else data["at"],
                 c["by"]["before"], c["by"]["after"], c["sources"]["before"],
                 c["sources"]["after"], None, None, None, None, None] for c in changes]
        rows += [["file", f["change"], f["what"], f["id"], None, None, None, None, None, None,
                  None, None, None, f["path"], f["old_path"], None, None, None] for f in files]
        rows += [["commit", m["side"], None, None, None, None, None, None, None, None, None,
                  None, None, None, None, m["commit"], m["date"], m["subject"]] for m in commits]
        return csv_text(RECORD_DIFF_CSV, rows)
    when = "on any day" if on_any_day else f"on {data['at']}"
    n_facts = len({(c["kind"], c["target"], c["about"]) for c in changes})
    doc = Doc(f"Record at {side_text(data['from'])} -> {side_text(data['to'])}: "
              f"{counted(n_facts, 'fact answers', 'facts answer')} differently {when}")
    doc.warnings(data.get("warnings", ()))
    for group, title in DIFF_GROUPS:
        chosen = [c for c in changes if c["group"] == group]
        if not chosen:
            continue
        with_changed = any(c.get("changed") for c in chosen)
        headers = ["fact", "before", "after"] + (["changed"] if with_changed else []) \
            + (["days"] if on_any_day else []) + (["id", "by", "sources"] if ids else [])
        rows = []
        for c in chosen:
            row = [c["title"], status_word(c["before"]), status_word(c["after"])]
            row += ([_changed(c)] if with_changed else [])
            row += ([days_text(c["days"])] if on_any_day else [])
            row += [_fact_id(c), _by_text(c, "by"), _by_text(c, "sources")] if ids else []
            rows.append(row)
        doc.heading(f"{title} ({len(rows)})")
        doc.table(headers, rows)
    if not changes:
        doc.para("Both records give the same answer to every question"
                 + ("." if on_any_day else f" about {data['at']}."))
    for side, chart in zip(("from", "to"), charts):
        doc.heading(f"The record at {side_text(data[side])}")
        doc.raw(chart)
    doc.heading(f"Corpus files changed ({len(files)})")
    doc.table(["change", "file", "holds"], [[f["change"], _file_text(f), _holds(f)]
                                             for f in files])
    doc.heading(f"Commits that changed them ({len(commits)})")
    headers = ["commit", "date", "subject"]
    earlier = any(m["side"] == "from" for m in commits)
    rows = [[m["commit"][:SHORT], m["date"][:10], _subject(m["subject"], fmt)]
            + ([f"only in {side_text(data['from'])}" if m["side"] == "from" else ""]
               if earlier else []) for m in commits]
    doc.table(headers + (["note"] if earlier else []), rows)
    return finish(doc, data, fmt, width)


def answered_at(revision, fmt: str) -> str:
    """The line under an answer given at a revision: what it was answered from, and how to
    reproduce it (the JSON says the same in ``corpus.commit``)."""
    text = f"Answered from the record at {revision.given}, commit {revision.commit}."
    return f"\n{text}\n" if fmt == "table" else f"\n_{text}_\n"


def render_corrections(data: dict) -> str:
    """reports/corrections.md: what the record answers differently than at a past revision."""
    since, short = data["since"], data["commit"][:SHORT]
    named = short if since.startswith(short) or short.startswith(since) else f"{since} ({short})"
    facts = {(c["kind"], c["target"], c["about"]) for c in data["changes"]}
    doc = Doc(f"Corrections since {named}")
    doc.para("What the record answers differently now than it did at revision "
             f"{data['commit']} (corrections_since in measures/corpus.yaml): a changed answer is "
             "a correction of what we know, not a change of the law. "
             f"{counted(len(facts), 'fact answers', 'facts answer')} differently on some day. "
             f"The commits that made them: kzlaw record-diff {since}; "
             f"what the record said then: kzlaw --as-of {since} in-force DATE.")
    for group, title in DIFF_GROUPS:
        rows = [[c["title"], status_word(c["before"]), status_word(c["after"]), _changed(c),
                 days_text(c["days"])] for c in data["changes"] if c["group"] == group]
        if rows:
            doc.heading(f"{title} ({len(rows)})")
            doc.table(["fact", "then", "now", "changed", "days"], rows)
    if not data["changes"]:
        doc.para("The record gives the same answer to every question as it did then.")
    doc.heading(f"Corpus files changed ({len(data['files'])})")
    doc.table(["change", "file", "holds"], [[f["change"], _file_text(f), _holds(f)]
                                             for f in data["files"]])
    return render(doc, "markdown")


__all__ = ["render_record_diff", "render_corrections", "side_text", "days_text"]
