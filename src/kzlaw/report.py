"""Rendering answers as table, markdown, json or csv. Every table goes through tabulate."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable

import tabulate as tabulate_module
from tabulate import tabulate

from .queries import DIFF_GROUPS, fact_label
from .timeline import IN_FORCE, UNCERTAIN

FORMATS = ("table", "markdown", "json", "csv")
MAX_LISTED = 6  # in a table row, longer `by` and `sources` lists end in "(+N more)"


def to_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return str(value)


PADDING_SLACK = 1_000_000  # characters of padding a table may add before it is left unpadded


def _padding_dominates(cells: list[list[str]], headers: list[str]) -> bool:
    """Would aligning the columns cost far more than the text itself? Every cell is padded to
    its column's widest, so one cell listing 9,000 facts makes every row 9,000 facts wide
    (gigabytes for a timeline): such a table is written unaligned instead."""
    widths = [len(h) for h in headers]
    text = 0
    for r in cells:
        for i, c in enumerate(r):
            text += len(c)
            if i < len(widths) and len(c) > widths[i]:
                widths[i] = len(c)
    return len(cells) * sum(widths) > 8 * text + PADDING_SLACK


def _unpadded(cells: list[list[str]], headers: list[str], fmt: str) -> str:
    if fmt == "markdown":
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in cells]
    else:
        lines = ["  ".join(headers), "  ".join("-" * len(h) for h in headers)]
        lines += ["  ".join(r) for r in cells]
    return "\n".join(lines) + "\n"


def table(rows: list[list], headers: list[str], fmt: str) -> str:
    """A table in the requested format (table -> tabulate 'simple', markdown -> 'github')."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(headers)
        for r in rows:
            w.writerow([_cell(c) for c in r])
        return buf.getvalue()
    style = "github" if fmt == "markdown" else "simple"
    if not rows:
        return "(none)\n" if fmt == "table" else "_(none)_\n"
    cells = [[_cell(c) for c in r] for r in rows]
    if fmt == "markdown":
        cells = [[c.replace("|", "\\|") for c in r] for r in cells]
    if _padding_dominates(cells, headers):
        return _unpadded(cells, headers, fmt)
    # tabulate measures East Asian wide characters cell by cell; skip that (the slow part of
    # a large table) when every cell is ASCII, where it changes nothing.
    wide = not all(c.isascii() for r in cells for c in r) or not all(h.isascii() for h in headers)
    saved, tabulate_module.WIDE_CHARS_MODE = tabulate_module.WIDE_CHARS_MODE, (
        tabulate_module.WIDE_CHARS_MODE and wide)
    try:
        text = tabulate(cells, headers=headers, tablefmt=style, disable_numparse=True)
    finally:
        tabulate_module.WIDE_CHARS_MODE = saved
    return text + "\n"


def _heading(text: str, fmt: str, level: int = 1) -> str:
    if fmt == "markdown":
        return "#" * level + " " + text + "\n\n"
    return text + "\n" + ("=" if level == 1 else "-") * len(text) + "\n"


def _attrs(fact_attrs: dict) -> str:
    """``as: extremist or terrorist`` where the effects that may apply disagree."""
    return "; ".join(f"{k}: {' or '.join(v) if isinstance(v, (list, tuple)) else v}"
                     for k, v in fact_attrs.items())


def alternative_text(a: dict) -> str:
    """One source's version of a date, with the curator's reason where it was set aside."""
    return f"{a['date']} per {a['ref']}" + (f" (rejected: {a['rejected']})"
                                            if a.get("rejected") else "")


def words_lines(s: dict, pad: str) -> list[str]:
    """A reference's words: a quote (the source's own words) in quotation marks, its
    translation and the curator's summary never in them."""
    out = []
    if s.get("quote"):
        out.append(f'{pad}"{s["quote"]}"')
    if s.get("translation"):
        out.append(f"{pad}translation: {s['translation']}")
    if s.get("summary"):
        out.append(f"{pad}summary: {s['summary']}")
    return out


def words_text(s: dict) -> str:
    """A reference's words on one line (see ``words_lines``)."""
    return " ".join(line.strip() for line in words_lines(s, ""))


def when_text(e: dict) -> str:
    """An event's date for people: the notation, its range when that says more, the source's
    words, and the alternatives when sources disagree."""
    text = e["range"]
    if e.get("date") and e["date"] != e["range"] and not e["date"].startswith("["):
        text = f"{e['date']} ({e['range']})"
    if e.get("as_written"):
        text += f' ("{e["as_written"]}")'
    if e.get("alternatives"):
        text += " [sources disagree: " + "; ".join(alternative_text(a)
                                                 for a in e["alternatives"]) + "]"
    return text


# --- in-force ------------------------------------------------------------------------------

def terminal_width() -> int:
    import shutil
    return shutil.get_terminal_size((80, 24)).columns


def render_in_force(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    facts = data["facts"]
    rows = [[f["status"], f["kind"], f["target"], f["about"],
             _attrs({k: v for k, v in f.items() if k in ("liability", "as", "deadline")}),
             f["by"], f["sources"]] for f in facts]
    headers = ["status", "kind", "target", "about", "attributes", "by", "sources"]
    if fmt == "csv":
        return table(rows, headers, fmt)
    n_unc = sum(1 for f in facts if f["status"] == UNCERTAIN)
    title = (f"In force on {data['date']}: {len(facts) - n_unc} facts in force, "
             f"{n_unc} uncertain")
    cut = False
    for r in rows if fmt == "table" else ():  # a terminal; reports keep every reference
        for i in (5, 6):
            if len(r[i]) > MAX_LISTED:
                r[i] = r[i][:MAX_LISTED] + [f"(+{len(r[i]) - MAX_LISTED} more)"]
                cut = True
    note = (f"\nLists of more than {MAX_LISTED} effects or sources are cut short here; "
            "`--format json` or `kzlaw explain` gives them all.\n") if cut else ""
    return _heading(title, fmt) + table(rows, headers, fmt) + note


# --- diff ----------------------------------------------------------------------------------

def _when(events: list[dict]) -> str:
    return "; ".join(when_text(e) for e in events)


def render_diff(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    headers = ["change", "fact", "before", "after", "changed", "when", "by", "sources"]
    if fmt == "csv":
        rows = [[c["group"], fact_label((c["kind"], c["target"], c["about"])), c["before"],
                 c["after"], c.get("changed"), _when(c["when"]), c["by"], c["sources"]]
                for c in data["changes"]]
        return table(rows, headers, fmt)
    out = _heading(f"Changes from {data['from']} to {data['to']}: "
                   f"{len(data['changes'])} facts", fmt)
    for group, title in DIFF_GROUPS:
        rows = [[fact_label((c["kind"], c["target"], c["about"])), c["before"], c["after"],
                 _changed(c), _when(c["when"]), c["by"], c["sources"]]
                for c in data["changes"] if c["group"] == group]
        if not rows:
            continue
        out += "\n" + _heading(f"{title} ({len(rows)})", fmt, 2)
        out += table(rows, ["fact", "before", "after", "changed", "when", "by", "sources"], fmt)
    if not data["changes"]:
        out += "No fact changed status or attributes.\n"
    return out


def _changed(c: dict) -> str:
    return "; ".join(f"{k}: {_cell(a)} -> {_cell(b)}" for k, (a, b) in c.get("changed", {}).items())


# --- explain --------------------------------------------------------------------------------

def render_explain(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        rows = []
        _explain_rows(data, 0, rows)
        return table(rows, ["depth", "fact", "status", "because", "applies", "sources"], fmt)
    lines: list[str] = []
    _explain_text(data, 0, lines, fmt)
    return "\n".join(lines) + "\n"


def _explain_rows(node: dict, depth: int, rows: list) -> None:
    label = fact_label((node["kind"], node["target"], node.get("about")))
    for h in node.get("effects", []):
        rows.append([depth, label, node["status"], f"{h['by']}: {h['effect']}", h["applies"],
                     [s["ref"] for s in h["sources"]]])
    for r in node.get("rules", []):
        rows.append([depth, label, node["status"], r["rule"], r["applies"],
                     [s["ref"] for s in r["sources"]]])
        for p in r.get("premises", []):
            if "effects" in p or "rules" in p:
                _explain_rows(p, depth + 1, rows)
            else:
                rows.append([depth + 1, _premise_label(p), p["status"], "", "", ""])
    if not node.get("effects") and not node.get("rules"):
        rows.append([depth, label, node["status"], node.get("note", ""), "", ""])


def _premise_label(p: dict) -> str:
    if "pattern" in p:
        return ("not " if p.get("negated") else "") + p["pattern"]
    return ("not " if p.get("negated") else "") + fact_label((p["kind"], p["target"], p.get("about")))


def _explain_text(node: dict, depth: int, lines: list, fmt: str) -> None:
    pad = "    " * depth
    bullet = "- " if fmt == "markdown" else ""
    label = fact_label((node["kind"], node["target"], node.get("about")))
    neg = "NOT " if node.get("negated") else ""
    head = f"{pad}{bullet}{neg}{label}: {node['status'].upper()} on {node.get('date', '')}"
    if node.get("attributes"):
        head += f" ({_attrs(node['attributes'])})"
    lines.append(head if fmt != "markdown" or depth else f"**{head.strip('- ')}**")
    sub = pad + "    "
    for h in node.get("effects", []):
        num = f" No. {h['number']}" if h.get("number") else ""
        lines.append(f"{sub}{bullet}effect {h['by']} ({h['applies']} on this day): {h['effect']}")
        status = f" ({h['status']})" if h.get("status") not in (None, "enacted") else ""
        lines.append(f"{sub}    measure: {h['title']}{num}{status}")
        for code, title in (h.get("titles") or {}).items():
            lines.append(f"{sub}    title ({code}): {title}")
        lines.append(f"{sub}    starts: {_event_text(h['start'])}")
        for e in h["ends"]:
            lines.append(f"{sub}    ends: {_event_text(e)} ({e['reason']} by {e['by']})")
        for s in h["sources"]:
            lines.append(f"{sub}    source {s['ref']}: {s.get('citation', '')}")
            lines += words_lines(s, sub + "      ")
        if h.get("note"):
            lines.append(f"{sub}    note: {h['note']}")
    for r in node.get("rules", []):
        binding = ", ".join(f"{k}={v}" for k, v in r.get("binding", {}).items())
        lines.append(f"{sub}{bullet}{r['rule']} ({r['applies']} on this day)"
                     + (f" with {binding}" if binding else ""))
        if r.get("description"):
            lines.append(f"{sub}    {r['description']}")
        for s in r.get("sources", []):
            lines.append(f"{sub}    source {s['ref']}: {s.get('citation', '')}")
            lines += words_lines(s, sub + "      ")
        if r.get("failing"):
            lines.append(f"{sub}    fails because: " + "; ".join(r["failing"]))
        for p in r.get("premises", []):
            if "effects" in p or "rules" in p:
                _explain_text(p, depth + 2, lines, fmt)
            else:
                extra = ""
                if p.get("explained") == "above":
                    extra = " (explained above)"
                if p.get("nearest"):
                    extra = " — " + _nearest_text(p["nearest"])
                lines.append(f"{sub}    {bullet}premise {_premise_label(p)}: "
                             f"{p['status'].upper()}{extra}")
    if node.get("nearest"):
        lines.append(f"{sub}{bullet}{_nearest_text(node['nearest'])}")
    if node.get("note"):
        lines.append(f"{sub}{bullet}{node['note']}")


def _nearest_text(n: dict) -> str:
    parts = []
    for key in ("last-in-force", "next-in-force", "last-uncertain", "next-uncertain"):
        if key in n:
            span = n[key]
            parts.append(f"{key.replace('-', ' ')}: {span['from'] or '..'} to "
                         f"{span['until'] or 'open end'}")
    return "; ".join(parts) if parts else "never in force in the corpus"


def _event_text(e: dict) -> str:
    return f"{e['label']}: {when_text(e)}"


# --- show / timeline / history / check -----------------------------------------------------------

_PAST = {"amends": "amended", "repeals": "repealed", "replaces": "replaced"}


def render_show(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    rows = [[e["id"], e["effect"], e.get("applies", ""), e.get("from"), e.get("until"),
             [f"{_PAST[c['verb']]} by {c['by']} ({c['range']})" + (f": {c['effect']}" if c.get("effect") else "")
              for c in e["changed_by"]],
             [s["ref"] for s in e["sources"]]] for e in data["effects"]]
    headers = ["effect", "what", "on " + (data["at"] or "(no date)"), "from", "until",
               "changed by", "sources"]
    if fmt == "csv":
        return table(rows, headers, fmt)
    num = f" (No. {data['number']})" if data.get("number") else ""
    out = _heading(f"{data['measure']}: {data['title']}{num}", fmt)
    info = [[f"title ({code})", title] for code, title in (data.get("titles") or {}).items()]
    info += [["kind", data["kind"]], ["status", data["status"]], ["file", data["file"]]]
    for field, d in data["dates"].items():
        text = d["date"]
        if d["earliest"] != d["latest"]:
            text += f" ({d['earliest'] or '..'}..{d['latest'] or ''})"
        if d.get("as_written"):
            text += f' "{d["as_written"]}"'
        if d.get("alternatives"):
            text += " [sources disagree: " + "; ".join(alternative_text(a)
                                                    for a in d["alternatives"]) + "]"
        info.append([field, text])
    for s in data["sources"]:
        words = words_text(s)
        info.append(["source", s["ref"] + (f": {words}" if words else "")])
    if data.get("note"):
        info.append(["note", data["note"]])
    out += table(info, ["field", "value"], fmt) + "\n"
    out += table(rows, headers, fmt)
    return out


def render_timeline(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    rows = data["events"]
    trows = []
    for r in rows:
        when = when_text(r)
        what = r["measure"] + (f"#{r['effect']}" if r.get("effect") else "")
        trows.append([when, r["event"], what, [f["title"] for f in r["starts"]],
                      [f["title"] for f in r["ends"]], [f["title"] for f in r["restates"]]])
    headers = ["date", "event", "measure", "starts", "ends", "continues, amended"]
    if fmt == "csv":
        return table(trows, headers, fmt)
    cut = False
    for r in trows if fmt == "table" else ():  # a terminal; reports keep every fact
        for i in (3, 4, 5):
            if len(r[i]) > MAX_LISTED:
                r[i] = r[i][:MAX_LISTED] + [f"(+{len(r[i]) - MAX_LISTED} more)"]
                cut = True
    note = (f"\nLists of more than {MAX_LISTED} facts are cut short here; `--format json` "
            "gives them all.\n") if cut else ""
    return _heading(f"Timeline: {len(rows)} dated events", fmt) + table(trows, headers, fmt) + note


def render_history(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if data.get("type") == "measure":
        return render_show(data, fmt)
    if fmt == "json":
        return to_json(data)
    rows = [[p["fact"], p["status"], p["from"] or "..", p["until"] or "(open)",
             _attrs(p["attributes"]), p["by"], p["sources"]] for p in data["periods"]]
    headers = ["fact", "status", "from", "until", "attributes", "by", "sources"]
    if fmt == "csv":
        return table(rows, headers, fmt)
    out = _heading(f"History of {data['id']} ({data['type']})", fmt)
    out += table(rows, headers, fmt)
    if data["events"]:
        out += "\n" + _heading("Events", fmt, 2) + render_timeline(data, fmt).split(
            "\n", 2 if fmt != "markdown" else 2)[-1]
    return out


def render_problems(problems: Iterable, fmt: str) -> str:
    problems = list(problems)
    if fmt == "json":
        return to_json({"problems": [{"path": p.path, "line": p.line, "severity": p.severity,
                                      "message": p.message} for p in problems]})
    rows = [[f"{p.path}:{p.line}" if p.line else p.path, p.severity, p.message] for p in problems]
    if fmt in ("csv", "markdown"):
        return table(rows, ["where", "severity", "message"], fmt)
    return "".join(str(p) + "\n" for p in problems)


def render_search(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    rows = []
    for m in data["measures"]:
        rows.append(["measure", m["id"], m["title"]])
    for f in data["facts"]:
        rows.append(["fact", " ".join(x for x in (f["kind"], f["target"], f["about"]) if x),
                     f["title"]])
    for o in data["organizations"] + data["vocabulary"]:
        rows.append([o["section"].rstrip("s"), o["id"], o["label"]])
    for src in data["sources"]:
        rows.append(["source", src["id"], src["citation"]])
    return table(rows, ["what", "id", "label"], fmt)


def render_source(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    # a quote in quotation marks, a summary plainly (words_text)
    rows = [[c["by"], words_text(c)] for c in data["cited_by"]]
    head = [["citation", data["citation"]], ["kind", data["kind"]], ["url", data["url"]]]
    if fmt == "csv":
        return table(rows, ["cited by", "words"], fmt)
    return (_heading(f"Source {data['id']}", fmt) + table(head, ["field", "value"], fmt) + "\n"
            + table(rows, ["cited by", "words"], fmt))
