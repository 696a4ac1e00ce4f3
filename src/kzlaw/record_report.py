"""Rendering ``record-diff`` (what the record said differently at two revisions) as table,
markdown, json or csv."""

from __future__ import annotations

from .queries import DIFF_GROUPS, fact_label
from .report import Doc, finish, status_word, table, to_json

SHORT = 12  # characters of a commit id shown in tables


def _heading(text: str, fmt: str, level: int = 1) -> str:
    if fmt == "markdown":
        return "#" * level + " " + text + "\n\n"
    return text + "\n" + ("=" if level == 1 else "-") * len(text) + "\n"


def _value(v) -> str:
    if v is None:
        return "none"
    return " or ".join(v) if isinstance(v, (list, tuple)) else str(v)


def _changed(c: dict) -> str:
    return "; ".join(f"{k}: {_value(a)} -> {_value(b)}"
                     for k, (a, b) in c.get("changed", {}).items())


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
    return f["what"] if f["what"] == f["id"] else f"{f['what']} {f['id']}"


def _fact(c: dict, ids: bool) -> str:
    ident = fact_label((c["kind"], c["target"], c["about"]))
    return f"{c['title']} ({ident})" if ids else c["title"]


def render_record_diff(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    changes, files, commits = data["changes"], data["files"], data["commits"]
    on_any_day = data["at"] is None
    if fmt == "csv":
        headers = ["section", "group", "fact", "before", "after", "changed", "days", "by before",
                   "by after", "path", "old path", "commit", "date", "subject"]
        rows = [["change", c["group"], fact_label((c["kind"], c["target"], c["about"])),
                 c["before"], c["after"], _changed(c),
                 days_text(c["days"]) if on_any_day else data["at"],
                 c["by"]["before"], c["by"]["after"], None, None, None, None, None]
                for c in changes]
        rows += [["file", f["change"], _holds(f), None, None, None, None, None,
                  None, f["path"], f["old_path"], None, None, None] for f in files]
        rows += [["commit", m["side"], None, None, None, None, None, None, None, None, None,
                  m["commit"], m["date"], m["subject"]] for m in commits]
        return table(rows, headers, fmt)
    when = "on any day" if on_any_day else f"on {data['at']}"
    doc = Doc(f"Record at {side_text(data['from'])} -> {side_text(data['to'])}: "
              f"{len({(c['kind'], c['target'], c['about']) for c in changes})} facts "
              f"answer differently {when}")
    doc.warnings(data.get("warnings", ()))
    for group, title in DIFF_GROUPS:
        chosen = [c for c in changes if c["group"] == group]
        if not chosen:
            continue
        headers = ["fact", "before", "after"]
        with_changed = any(c.get("changed") for c in chosen)
        headers += (["changed"] if with_changed else []) + (["days"] if on_any_day else [])
        headers += ["by", "sources"] if ids else []
        rows = []
        for c in chosen:
            row = [_fact(c, ids), status_word(c["before"]), status_word(c["after"])]
            row += ([_changed(c)] if with_changed else [])
            row += ([days_text(c["days"])] if on_any_day else [])
            row += [_by_text(c, "by"), _by_text(c, "sources")] if ids else []
            rows.append(row)
        doc.heading(f"{title} ({len(rows)})")
        doc.table(headers, rows)
    if not changes:
        doc.para("Both records give the same answer to every question" + (
            "." if on_any_day else f" about {data['at']}."))
    doc.heading(f"Corpus files changed ({len(files)})")
    doc.table(["change", "file", "holds"], [[f["change"], _file_text(f), _holds(f)] for f in files])
    doc.heading(f"Commits that changed them ({len(commits)})")
    rows = [[m["commit"][:SHORT], m["date"][:10], _subject(m["subject"], fmt)]
            + (["only in " + side_text(data["from"])] if m["side"] == "from" else [])
            for m in commits]
    headers = ["commit", "date", "subject"]
    if any(m["side"] == "from" for m in commits):
        rows = [r + [""] * (4 - len(r)) for r in rows]
        headers.append("note")
    doc.table(headers, rows)
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
    out = _heading(f"Corrections since {named}", "markdown")
    out += ("What the record answers differently now than it did at revision "
            f"`{data['commit']}` (`corrections_since` in `measures/corpus.yaml`): a changed "
            "answer is a correction of what we know, not a change of the law. "
            f"{len(facts)} facts answer differently on some day. The commits that made them: "
            f"`kzlaw record-diff {since}`; what the record said then: "
            f"`kzlaw --as-of {since} in-force DATE`.\n")
    for group, title in DIFF_GROUPS:
        rows = [[c["title"], c["before"], c["after"], _changed(c), days_text(c["days"]),
                 _by_text(c, "by"), _by_text(c, "sources")]
                for c in data["changes"] if c["group"] == group]
        if rows:
            out += "\n" + _heading(f"{title} ({len(rows)})", "markdown", 2)
            out += table(rows, ["fact", "then", "now", "changed", "days", "by", "sources"],
                         "markdown")
    if not data["changes"]:
        out += "\nThe record gives the same answer to every question as it did then.\n"
    out += "\n" + _heading(f"Corpus files changed ({len(data['files'])})", "markdown", 2)
    out += table([[f["change"], _file_text(f), _holds(f)] for f in data["files"]],
                 ["change", "file", "holds"], "markdown")
    return out


__all__ = ["render_record_diff", "render_corrections", "side_text", "days_text"]
