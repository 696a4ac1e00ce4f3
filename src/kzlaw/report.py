"""Rendering answers: each command's document (the API's dict) becomes a ``Doc`` of headings,
paragraphs, tables and trees, which is written as a terminal table (fitted to the terminal's
width, ``layout.py``), markdown (structured text on a code host), or a self-contained HTML
page; CSV is one row per fact; JSON is the document itself.

Tables show labels ("Prohibition: Prayer in the workplace") and statuses as words; ids appear
with ``ids=True`` (``--ids``), and always in JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html import escape
from itertools import chain
from typing import Iterable, NamedTuple, Optional

from . import collector, layout, paging
from .dates import range_bounds
from .names import KIND_TITLES, SINGULAR, STATUS_WORDS
from .queries import DIFF_GROUPS, fact_label

FORMATS = ("table", "markdown", "json", "csv", "html")
MAX_LISTED = 3  # in a terminal table, longer lists end in "(+N more)"
LIST_JOIN = "; "  # how CSV joins a list of references in one cell (docs/decisions.md)


def counted(n: int, one: str, many: str) -> str:
    """``1 fact``, ``2 facts``: a count with its noun in the singular or the plural."""
    return f"{n} {one if n == 1 else many}"


def terminal_width() -> int:
    """The terminal's width; ``COLUMNS`` when set (also when the output is piped); 80 else."""
    return max(shutil.get_terminal_size((80, 24)).columns, 20)


def to_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


class Link(NamedTuple):
    text: str
    url: Optional[str]


class Cut(NamedTuple):
    """A list a terminal table may cut short (markdown, HTML and CSV give every item)."""
    items: list


# --- documents -------------------------------------------------------------------------------

class Doc:
    """What an answer says, independent of the format it is written in."""

    def __init__(self, title: str):
        self.title = title
        self.blocks: list[tuple] = []

    def heading(self, text: str, level: int = 2):
        self.blocks.append(("heading", level, text))

    def para(self, text: str):
        self.blocks.append(("para", text))

    def warnings(self, lines: Iterable[str]):
        for line in lines:
            self.blocks.append(("warning", line))

    def table(self, headers: list[str], rows: list[list], empty: str = "(none)"):
        self.blocks.append(("table", headers, rows, empty))

    def tree(self, nodes: list[tuple]):
        """``nodes``: (depth, "item" | "quote", text)."""
        self.blocks.append(("tree", nodes))

    def raw(self, html: str, markdown: str = ""):
        """A chart: SVG in HTML, a Mermaid block in markdown, nothing in a terminal."""
        self.blocks.append(("raw", html, markdown))


def _plain(cell, fmt: str) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Link):
        return cell.text
    if isinstance(cell, Cut):
        items = [_plain(c, fmt) for c in cell.items]
        if fmt == "table" and len(items) > MAX_LISTED:
            items = items[:MAX_LISTED] + [f"(+{len(items) - MAX_LISTED} more)"]
        return "; ".join(items)
    if isinstance(cell, (list, tuple)):
        return ", ".join(_plain(c, fmt) for c in cell)
    return str(cell)


def render(doc: Doc, fmt: str, width: int = 80) -> str:
    if fmt == "markdown":
        return _markdown(doc)
    if fmt == "html":
        return page(doc.title, _html_body(doc))
    return _terminal(doc, width)


def _terminal(doc: Doc, width: int) -> str:
    out = layout.heading_lines(doc.title, width, "=")
    for block in doc.blocks:
        kind = block[0]
        if kind == "heading":
            if out and out[-1] == "":
                out.pop()
            out += [""] + layout.heading_lines(block[2], width, "-")
        elif kind == "para":
            out += [""] + layout.wrap(block[1], width) + [""]
        elif kind == "warning":
            out += layout.hanging("warning: " + block[1], width, "", "    ")
            if block is doc.blocks[-1] or doc.blocks[doc.blocks.index(block) + 1][0] != "warning":
                out.append("")
        elif kind == "table":
            _, headers, rows, empty = block
            if not rows:
                out.append(empty)
                continue
            if set(map(type, chain.from_iterable(rows))) == {str}:  # (checked in C)
                cells = rows  # text already, as the in-force table's rows are
            else:
                cells = [[c if type(c) is str else "" if c is None else _plain(c, "table")
                          for c in r] for r in rows]
            out.extend(layout.table_chunks(headers, cells, width))  # (joined below)
        elif kind == "tree":
            for depth, what, text in block[1]:
                pad = "    " * depth
                if what == "quote":
                    out += layout.hanging(f'"{text}"', width, pad + "  ", " ")
                else:
                    out += layout.hanging(text, width, pad, "    ")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --- markdown ----------------------------------------------------------------------------------

def _md_escape(text: str) -> str:
    for ch in ("\\", "*", "_", "`", "<", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return text


def _cell(cell, fmt: str) -> str:
    """One table cell as markdown or html: text escaped, links made where safe, lists joined."""
    esc = escape if fmt == "html" else _md_escape
    if isinstance(cell, Link):
        text = esc(cell.text)
        if not _linkable(cell.url):
            return text
        return f'<a href="{escape(cell.url)}">{text}</a>' if fmt == "html" else \
            f"[{text}](<{cell.url}>)"
    if isinstance(cell, (Cut, list, tuple)):
        items = cell.items if isinstance(cell, Cut) else cell
        return ", ".join(_cell(c, fmt) for c in items)
    return esc(_plain(cell, fmt))


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


def md_table(headers: list[str], rows: list[list]) -> str:
    """A GitHub-flavoured markdown table (pipes in cells escaped), aligned unless the padding
    would dwarf the text."""
    cells = [[_cell(c, "markdown").replace("|", "\\|").replace("\n", " ") for c in r] for r in rows]
    if _padding_dominates(cells, headers):
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in cells]
        return "\n".join(lines) + "\n"
    from tabulate import tabulate
    return tabulate(cells, headers=headers, tablefmt="github", disable_numparse=True) + "\n"


def _markdown(doc: Doc) -> str:
    out = [f"# {_md_escape(doc.title)}", ""]
    for block in doc.blocks:
        kind = block[0]
        if kind == "heading":
            out += ["#" * block[1] + " " + _md_escape(block[2]), ""]
        elif kind == "para":
            out += [_md_escape(block[1]), ""]
        elif kind == "warning":
            out += [f"> **Warning:** {_md_escape(block[1])}", ""]
        elif kind == "table":
            _, headers, rows, empty = block
            out += [md_table(headers, rows) if rows else f"_{empty}_", ""]
        elif kind == "tree":
            for depth, what, text in block[1]:
                if what == "quote":
                    out.append("  " * (depth + 1) + '> "' + _md_escape(text) + '"')
                else:
                    out.append("  " * depth + "- " + _md_escape(text))
            out.append("")
        elif kind == "raw" and block[2]:
            out += [block[2].rstrip("\n"), ""]
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --- HTML --------------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em auto;
       max-width: 1400px; padding: 0 1em; color: #1d1d1f; line-height: 1.4; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 14px; margin: .5em 0; }
th, td { border: 1px solid #d0d0d0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
tr.uncertain td { background: #fff7ec; }
.warning { background: #fff3cd; border-left: 4px solid #d9822b; padding: .4em .8em; }
blockquote { margin: .3em 0 .3em 1em; padding-left: .8em; border-left: 3px solid #bbb;
             color: #444; }
ul { padding-left: 1.4em; }
.chart, .table-wrap { overflow-x: auto; }  /* on a phone a wide table scrolls, not the page */
.legend span { display: inline-block; width: 18px; height: 10px; margin: 0 4px 0 12px; }
footer { margin-top: 2em; color: #666; font-size: 13px; }
""".strip()


def _linkable(url) -> bool:
    """Web addresses and relative links (another report); never ``javascript:`` and the like."""
    if not isinstance(url, str) or not url:
        return False
    return url.startswith(("http://", "https://")) or ":" not in url.split("/")[0]


def html_table(headers: list[str], rows: list[list], status_col: Optional[int] = None) -> str:
    out = ['<div class="table-wrap"><table>',
           "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers)
           + "</tr></thead>", "<tbody>"]
    for r in rows:
        cls = ""
        if status_col is not None and _plain(r[status_col], "html") == STATUS_WORDS["uncertain"]:
            cls = ' class="uncertain"'
        out.append(f"<tr{cls}>" + "".join(f"<td>{_cell(c, 'html')}</td>" for c in r) + "</tr>")
    out += ["</tbody>", "</table></div>"]
    return "\n".join(out)


def _html_tree(nodes: list[tuple]) -> str:
    out: list[str] = []
    depth = -1
    for d, what, text in nodes:
        if what == "quote":
            out.append(f"<blockquote>\u201c{escape(text)}\u201d</blockquote>")
            continue
        if d > depth:
            out += ["<ul>"] * (d - depth)
        else:
            out.append("</li>")
            for _ in range(depth - d):
                out += ["</ul>", "</li>"]
        out.append(f"<li>{escape(text)}")
        depth = d
    if depth >= 0:
        out.append("</li>")
        for _ in range(depth):
            out += ["</ul>", "</li>"]
        out.append("</ul>")
    return "\n".join(out)


def _html_body(doc: Doc) -> str:
    out = [f"<h1>{escape(doc.title)}</h1>"]
    for block in doc.blocks:
        kind = block[0]
        if kind == "heading":
            level = min(block[1], 6)
            out.append(f"<h{level}>{escape(block[2])}</h{level}>")
        elif kind == "para":
            out.append(f"<p>{escape(block[1])}</p>")
        elif kind == "warning":
            out.append(f'<p class="warning">Warning: {escape(block[1])}</p>')
        elif kind == "table":
            _, headers, rows, empty = block
            status = headers.index("status") if "status" in headers else None
            out.append(html_table(headers, rows, status) if rows else
                       f"<p><em>{escape(empty)}</em></p>")
        elif kind == "tree":
            out.append(_html_tree(block[1]))
        elif kind == "raw" and block[1]:
            out.append(f'<div class="chart">\n{block[1]}\n</div>')
    return "\n".join(out)


def page(title: str, body: str, footer: str = "") -> str:
    """One self-contained HTML page: inline CSS (and SVG), no scripts, nothing fetched."""
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>\n{CSS}\n</style>", "</head>", "<body>",
        body, f"<footer>{footer}</footer>" if footer else "", "</body>", "</html>", ""])


# --- CSV -----------------------------------------------------------------------------------------

def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return LIST_JOIN.join(_csv_value(v) for v in value)
    if isinstance(value, dict):
        return LIST_JOIN.join(f"{k}: {_csv_value(v)}" for k, v in value.items())
    return str(value)


def csv_text(headers: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(headers)
    for r in rows:
        w.writerow([_csv_value(c) for c in r])
    return buf.getvalue()


def table(rows: list[list], headers: list[str], fmt: str) -> str:
    """One table in a format: csv, markdown, or the terminal's (at 80 columns)."""
    if fmt == "csv":
        return csv_text(headers, rows)
    if fmt == "markdown":
        return md_table(headers, rows) if rows else "_(none)_\n"
    if not rows:
        return "(none)\n"
    cells = [[_plain(c, "table") for c in r] for r in rows]
    return "\n".join(layout.table_chunks(headers, cells, 80)) + "\n"


# --- shared pieces -------------------------------------------------------------------------

def _attrs(fact_attrs: dict) -> str:
    """``as: extremist or terrorist`` where the effects that may apply disagree."""
    return "; ".join(f"{k}: {' or '.join(v) if isinstance(v, (list, tuple)) else v}"
                     for k, v in fact_attrs.items())


ATTRIBUTE_NAMES = ("liability", "as", "deadline")  # a column each (empty ones are dropped)


def _fact_attrs(f: dict) -> dict:
    return {k: f[k] for k in ATTRIBUTE_NAMES if k in f}


def _attr_cells(f: dict) -> list[str]:
    out = []
    for k in ATTRIBUTE_NAMES:  # (_attr_value, written out: a cell per fact and attribute)
        v = f.get(k)
        out.append("" if v is None else " or ".join(v) if isinstance(v, (list, tuple))
                   else str(v))
    return out


def status_word(s: str) -> str:
    """'in force', 'uncertain', 'not in force' for in-force, uncertain, absent."""
    return STATUS_WORDS.get(s, s)


_status = status_word


def _fact_id(f: dict) -> str:
    return " ".join(x for x in (f["kind"], f["target"], f.get("about")) if x)


def alternative_text(a: dict) -> str:
    """One source's version of a date, with the curator's reason where it was set aside."""
    return f"{a['date']} per {a['ref']}" + (f" (rejected: {a['rejected']})"
                                            if a.get("rejected") else "")


def words_text(s: dict) -> str:
    """A reference's words on one line: a quote (the source's own words) in quotation marks,
    its translation and the curator's summary never in them."""
    out = []
    if s.get("quote"):
        out.append(f'"{s["quote"]}"')
    if s.get("translation"):
        out.append(f"translation: {s['translation']}")
    if s.get("summary"):
        out.append(f"summary: {s['summary']}")
    return " ".join(out)


def when_text(e: dict) -> str:
    """An event's date for people: the notation, its range when that says more, the source's
    words, and the alternatives when sources disagree."""
    text = e["range"]
    bounds = range_bounds(e["date"]) if e.get("date") and not e.get("alternatives") else None
    if bounds:  # as precisely as the record knows it: 2011-05..2011-06-04, not 2011-05-01..
        text = f"{bounds[0]}..{bounds[1]}{bounds[2]}"
    elif e.get("date") and e["date"] != e["range"] and not e["date"].startswith("["):
        text = f"{e['date']} ({e['range']})"
    if e.get("as_written"):
        text += f' ("{e["as_written"]}")'
    if e.get("alternatives"):
        text += " [sources disagree: " + "; ".join(alternative_text(a)
                                                 for a in e["alternatives"]) + "]"
    return text


_DESCRIBED_RANGE = re.compile(r"^(\[[^\]|]*\][?~]?)(?: \([^)]*\))?(.*)\Z", re.S)


def date_words(text: Optional[str]) -> Optional[str]:
    """A date as ``UncertainDate.describe`` writes it, read as when_text reads an event's:
    a range in brackets as its bounds, without the same range again in days
    ("[2005-02-18..2013-12-31] (2005-02-18..2013-12-31)" is "2005-02-18..2013-12-31")."""
    m = _DESCRIBED_RANGE.match(text) if text else None
    bounds = range_bounds(m.group(1)) if m else None
    if not bounds:
        return text
    return f"{bounds[0]}..{bounds[1]}{bounds[2]}{m.group(2)}"


def _page_note(doc: "Doc", data: dict, key: str, items: str) -> None:
    """The line that says a document is one page of a longer answer, and how to ask for the
    next (``paging.py``): nothing for a whole answer."""
    p = data.get("page")
    if not p:
        return
    text = f"{items.capitalize()} {paging.shown(data, key)}"
    if p["next"] is not None:
        text += f"; the next page: --offset {p['next']}"
        if p["limit"] is not None:
            text += f" --limit {p['limit']}"
    doc.para(text + ".")


def _when(events: list[dict]) -> str:
    return "; ".join(when_text(e) for e in events)


def _footer(data: dict) -> str:
    c = data.get("corpus") or {}
    text = escape(c.get("title") or "")
    if c.get("curated_until"):
        text += f", curated to {escape(c['curated_until'])}"
    if c.get("commit"):
        text += f", commit <code>{escape(c['commit'])}</code>"
    return f"Source: {text}. Generated by kzlaw." if text else "Generated by kzlaw."


def finish(doc: Doc, data: dict, fmt: str, width: int) -> str:
    """The document written in a format; an HTML page ends with the corpus to cite. The
    collector is paused meanwhile (``collector.py``): the lines, cells and columns of a
    table of thousands of rows hold no cycles (at 40,000 measures, the in-force table's one
    collection took 12 ms of its 0.1 s)."""
    with collector.paused():
        if fmt == "html":
            return page(doc.title, _html_body(doc), _footer(data))
        return render(doc, fmt, width)


_finish = finish


# --- in-force ------------------------------------------------------------------------------

IN_FORCE_CSV = ["date", "kind", "id", "target", "about", "label", "about_label", "status",
                "liability", "as", "deadline", "evidence", "why", "by", "sources"]


def _in_force_head(data: dict) -> str:
    kind = (data.get("question") or {}).get("kind")
    return f"{KIND_TITLES.get(kind, kind)} in force" if kind else "In force"


def _leaves_out(data: dict) -> str:
    """What a filtered answer leaves out, so that its counts are not read as the whole day's:
    ", of the facts about Hizb ut-Tahrir al-Islami (in force only)"."""
    q = data.get("question") or {}
    about, category, status = q.get("about"), q.get("category"), q.get("status")
    if not (about or category or status):
        return ""
    text = ", of the facts"
    if about:
        label = next((f["about_label"] if f["about"] == about else f["label"]
                      for f in data["facts"] if about in (f["target"], f["about"])), about)
        text += f" about {label}"
    if category:
        text += f" in the category {category}"
    return text + (f" ({status_word(status)} only)" if status else "")


def in_force_shows_by(fmt: str, ids: bool) -> bool:
    """Whether ``render_in_force`` reads each fact's ``by`` (JSON, CSV, or a table with ids):
    an answer for the others may leave it out (``Corpus.in_force(with_by=False)``)."""
    return ids or fmt not in ("table", "markdown", "html")


def render_in_force(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    facts = data["facts"]
    if fmt == "csv":
        rows = [[data["date"], f["kind"], _fact_id(f), f["target"], f["about"], f["label"],
                 f["about_label"], f["status"], f.get("liability"), f.get("as"),
                 f.get("deadline"), f["evidence"], f.get("why"), f["by"], f["sources"]]
                for f in facts]
        return csv_text(IN_FORCE_CSV, rows)
    if data.get("page"):
        counts = data["page"]["counts"]
        n_in, n_unc = counts["in-force"], counts["uncertain"]
    else:
        n_unc = sum(1 for f in facts if f["status"] == "uncertain")
        n_in = len(facts) - n_unc
    doc = Doc(f"{_in_force_head(data)} on {data['date']}: {n_in} in force, "
              f"{n_unc} uncertain{_leaves_out(data)}")
    doc.warnings(data.get("warnings", ()))
    _page_note(doc, data, "facts", "facts")
    headers = ["fact", "status"] + list(ATTRIBUTE_NAMES) + ["evidence", "why"]
    if ids:
        headers += ["id", "by", "sources"]
    # every cell text ("" for none, which every format writes as it writes None)
    rows = []
    for f in facts:
        row = [f["title"], _status(f["status"]), *_attr_cells(f), f["evidence"] or "",
               f.get("why") or ""]
        if ids:
            row += [_fact_id(f), Cut(f["by"]), Cut(f["sources"])]
        rows.append(row)
    doc.table(headers, rows)
    if fmt == "table" and facts:
        doc.para("Why each fact holds, with its sources: kzlaw explain KIND ID --at "
                 f"{data['date']} (ids: --ids).")
    return _finish(doc, data, fmt, width)


# --- diff ----------------------------------------------------------------------------------

DIFF_CSV = ["from", "to", "change", "kind", "id", "target", "about", "label", "about_label",
            "before", "after", "changed", "when", "evidence", "by", "sources"]


def _changed(c: dict) -> str:
    return "; ".join(f"{k}: {_attr_value(a)} -> {_attr_value(b)}"
                     for k, (a, b) in c.get("changed", {}).items())


def _attr_value(v) -> str:
    if v is None:
        return "none"
    return " or ".join(v) if isinstance(v, (list, tuple)) else str(v)


def render_diff(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        rows = [[data["from"], data["to"], c["group"], c["kind"], _fact_id(c), c["target"],
                 c["about"], c["label"], c["about_label"], c["before"], c["after"],
                 _changed(c), _when(c["when"]), c.get("evidence"), c["by"], c["sources"]]
                for c in data["changes"]]
        return csv_text(DIFF_CSV, rows)
    total = data["page"]["total"] if data.get("page") else len(data["changes"])
    doc = Doc(f"Changes from {data['from']} to {data['to']}: "
              f"{counted(total, 'fact', 'facts')}")
    doc.warnings(data.get("warnings", ()))
    _page_note(doc, data, "changes", "changes")
    headers = ["fact", "before", "after", "changed", "when"]
    if ids:
        headers += ["id", "by", "sources"]
    for group, title in DIFF_GROUPS:
        rows = []
        for c in data["changes"]:
            if c["group"] != group:
                continue
            row = [c["title"], _status(c["before"]), _status(c["after"]), _changed(c),
                   _when(c["when"])]
            if ids:
                row += [_fact_id(c), Cut(c["by"]), Cut(c["sources"])]
            rows.append(row)
        if rows:
            doc.heading(f"{title} ({len(rows)})")
            doc.table(headers, rows)
    if not data["changes"]:
        doc.para("No fact changed status or attributes.")
    return _finish(doc, data, fmt, width)


# --- explain --------------------------------------------------------------------------------

EXPLAIN_CSV = ["date", "depth", "kind", "id", "label", "status", "because", "applies",
               "measure", "starts", "ends", "evidence", "sources", "quotes"]


def render_explain(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        rows: list = []
        _explain_rows(data, 0, rows, data["date"])
        return csv_text(EXPLAIN_CSV, rows)
    nodes: list = []
    _explain_nodes(data, 0, nodes, ids)
    doc = Doc(f"Why: {data['title']} is {_status(data['status'])} on {data['date']}")
    doc.warnings(data.get("warnings", ()))
    doc.tree(nodes)
    return _finish(doc, data, fmt, width)


def _quotes(sources: list[dict]) -> list[str]:
    return [f"{s['ref']}: {words_text(s)}" for s in sources if words_text(s)]


def _explain_rows(node: dict, depth: int, rows: list, day: str) -> None:
    base = [day, depth, node["kind"], _fact_id(node), node.get("title"), node["status"]]
    for h in node.get("effects", []):
        ends = "; ".join(f"{_event_text(e)} ({e['reason']} by {e['by']})" for e in h["ends"])
        rows.append(base + [f"{h['by']}: {h['effect']}", h["applies"], h["title"],
                            _event_text(h["start"]), ends, node.get("evidence"),
                            [s["ref"] for s in h["sources"]], _quotes(h["sources"])])
    for r in node.get("rules", []):
        rows.append(base + [r["rule"] + (": " + r["description"] if r.get("description") else ""),
                            r["applies"], "", "", "; ".join(r.get("failing", [])),
                            node.get("evidence"), [s["ref"] for s in r["sources"]],
                            _quotes(r["sources"])])
        for p in r.get("premises", []):
            if "effects" in p or "rules" in p:
                _explain_rows(p, depth + 1, rows, day)
            else:
                rows.append([day, depth + 1, p.get("kind", ""), _premise_id(p),
                             _premise_label(p), p["status"], "", "", "", "", "", "", "", ""])
    if not node.get("effects") and not node.get("rules"):
        rows.append(base + [node.get("note", ""), "", "", "", "", "", "", ""])


def _premise_id(p: dict) -> str:
    if "pattern" in p:
        return p["pattern"]
    return ("not " if p.get("negated") else "") + _fact_id(p)


def _premise_label(p: dict) -> str:
    if "pattern" in p:
        return ("not " if p.get("negated") else "") + p["pattern"]
    title = p.get("title") or fact_label((p["kind"], p["target"], p.get("about")))
    return ("not " if p.get("negated") else "") + title


def _explain_nodes(node: dict, depth: int, nodes: list, ids: bool) -> None:
    neg = "NOT " if node.get("negated") else ""
    head = f"{neg}{node['title']}: {_status(node['status'])} on {node.get('date', '')}"
    if node.get("attributes"):
        head += f" ({_attrs(node['attributes'])})"
    if node.get("why"):
        head += f"; uncertain because it {node['why']}" if not node["why"].startswith(
            ("only", "sources", "follows", "unless")) else f"; uncertain: {node['why']}"
    if ids:
        head += f" [{_fact_id(node)}]"
    nodes.append((depth, "item", head))
    sub = depth + 1
    for h in node.get("effects", []):
        num = f" No. {h['number']}" if h.get("number") else ""
        status = f" ({h['status']})" if h.get("status") not in (None, "enacted") else ""
        nodes.append((sub, "item", f"{h['title']}{num}{status} ({h['applies']} on this day): "
                                   f"{h['effect']}" + (f" [{h['by']}]" if ids else "")))
        for code, title in (h.get("titles") or {}).items():
            nodes.append((sub + 1, "item", f"title ({code}): {title}"))
        nodes.append((sub + 1, "item", "starts: " + _event_text(
            h["start"], None if ids else h.get("measure"))))
        for e in h["ends"]:
            nodes.append((sub + 1, "item", f"ends: {_event_text(e)} ({e['reason']} by {e['by']})"))
        _source_nodes(h["sources"], sub + 1, nodes)
        if h.get("note"):
            nodes.append((sub + 1, "item", f"note: {h['note']}"))
    for r in node.get("rules", []):
        binding = ", ".join(f"{k}={v}" for k, v in r.get("binding", {}).items())
        nodes.append((sub, "item", f"rule {r['rule'][5:]} ({r['applies']} on this day)"
                                   + (f" with {binding}" if binding else "")
                                   + (f": {r['description']}" if r.get("description") else "")))
        _source_nodes(r.get("sources", []), sub + 1, nodes)
        if r.get("failing"):
            nodes.append((sub + 1, "item", "fails because: " + "; ".join(failing_words(r))))
        for p in r.get("premises", []):
            if "effects" in p or "rules" in p:
                _explain_nodes(p, sub + 1, nodes, ids)
            else:
                extra = " (explained above)" if p.get("explained") == "above" else ""
                if p.get("nearest"):
                    extra = f" ({_nearest_text(p['nearest'])})"
                nodes.append((sub + 1, "item", f"premise {_premise_label(p)}: "
                                               f"{_status(p['status'])}{extra}"))
    if node.get("nearest"):
        nodes.append((sub, "item", _nearest_text(node["nearest"])))
    if node.get("note"):
        nodes.append((sub, "item", node["note"]))


def failing_words(rule: dict) -> list[str]:
    """Why a rule does not apply, in words: each premise that fails by its label and status
    word ("Designation: Hizb ut-Tahrir al-Islami is not in force"), where the JSON's
    ``failing`` names its ids ("designation hizb-ut-tahrir is absent")."""
    out = [(("not " if p.get("negated") else "") + (p.get("pattern") or p.get("title")
            or _fact_id(p))) + f" is {_status(p['status'])}"
           for p in rule.get("premises", ()) if (p["status"] != "in-force") != p["negated"]]
    return out or list(rule.get("failing", ()))


def _source_nodes(sources: list[dict], depth: int, nodes: list) -> None:
    for s in sources:
        kind = f", {s['kind']}" if s.get("kind") else ""
        nodes.append((depth, "item", f"source {s['ref']}{kind}: {s.get('citation', '')}"))
        if s.get("quote"):
            nodes.append((depth, "quote", s["quote"]))
        if s.get("translation"):
            nodes.append((depth, "item", f"translation: {s['translation']}"))
        if s.get("summary"):
            nodes.append((depth, "item", f"summary: {s['summary']}"))


def _nearest_text(n: dict) -> str:
    parts = []
    for key in ("last-in-force", "next-in-force", "last-uncertain", "next-uncertain"):
        if key in n:
            span = n[key]
            parts.append(f"{key.replace('-', ' ')}: {span['from'] or '..'} to "
                         f"{span['until'] or 'open end'}")
    return "; ".join(parts) if parts else "never in force in the corpus"


_OWN_EVENTS = {"from": "effect in force", "until": "effect ends"}


def event_text(e: dict, measure: Optional[str] = None) -> str:
    """An event and its date; an event of ``measure`` itself (the measure named just above
    it) is told without the measure's id again: "in force: 2011-10-25", not
    "law-2011-religious-activity in force: 2011-10-25"."""
    label = e["label"]
    head, _, rest = label.partition(" ")
    if measure is not None and rest and head.partition("#")[0] == measure:
        label = _OWN_EVENTS.get(rest, rest) if "#" in head else rest
    return f"{label}: {when_text(e)}"


_event_text = event_text


# --- show --------------------------------------------------------------------------------------

_PAST = {"amends": "amended", "repeals": "repealed", "replaces": "replaced"}
SHOW_CSV = ["measure", "title", "at", "effect", "what", "fact_kind", "fact_id", "fact_label",
            "applies", "from", "until", "changed_by", "sources", "quotes"]


def _changed_by(e: dict) -> list[str]:
    return [f"{_PAST[c['verb']]} by {c['by']} ({c['range']})"
            + (f": {c['effect']}" if c.get("effect") else "") for c in e["changed_by"]]


def render_show(data: dict, fmt: str, ids: bool = False, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        rows = [[data["measure"], data["title"], data["at"], "", "(the measure)", "", "", "",
                 "", "", "", _changed_by(data), [s["ref"] for s in data["sources"]],
                 _quotes(data["sources"])]]
        for e in data["effects"]:
            f = e.get("fact") or {}
            rows.append([data["measure"], data["title"], data["at"], e["id"], e["effect"],
                         f.get("kind"), _fact_id(f) if f else "", f.get("title"),
                         e.get("applies"), e.get("from"), e.get("until"), _changed_by(e),
                         [s["ref"] for s in e["sources"]], _quotes(e["sources"])])
        return csv_text(SHOW_CSV, rows)
    num = f" (No. {data['number']})" if data.get("number") else ""
    doc = Doc(f"{data['title']}{num}")
    doc.warnings(data.get("warnings", ()))
    info = [["id", data["measure"]], ["kind", data["kind"]], ["status", data["status"]],
            ["evidence", data.get("evidence")], ["file", data["file"]]]
    for lang, title in (data.get("titles") or {}).items():
        info.append([f"title ({lang})", title])
    if data.get("article"):
        info.append(["article", data["article"]])
    for field, d in data["dates"].items():
        text = d["date"]
        if d["earliest"] != d["latest"]:
            text += f" ({d['earliest'] or '..'}..{d['latest'] or ''})"
        if d.get("as_written"):
            text += f' "{d["as_written"]}"'
        if d.get("alternatives"):
            text += " [sources disagree: " + "; ".join(alternative_text(a)
                                                    for a in d["alternatives"]) + "]"
        info.append([field.replace("_", " "), text])
    for s in data["sources"]:
        info.append(["source", _source_cell(s)])
    if data.get("note"):
        info.append(["note", data["note"]])
    for c in _changed_by(data):
        info.append(["changed", c])
    doc.table(["field", "value"], info)
    at = data["at"]
    headers = ["effect", "on " + at if at else "applies", "from", "until", "changed by"]
    if ids:
        headers += ["id", "sources"]
    rows = []
    for e in data["effects"]:
        f = e.get("fact")
        what = f["title"] if f and not e["effect"].startswith("amends") else e["effect"]
        if f and e["effect"].startswith("amends"):
            what = f"{e['effect'].split(':')[0]}: {f['title']}"
        if f and e.get("article"):
            what += f" [article {e['article']}]"
        row = [what, _status(e["applies"]) if e.get("applies") else "",
               date_words(e.get("from")), date_words(e.get("until")), _changed_by(e)]
        if ids:
            row += [e["id"], Cut([s["ref"] for s in e["sources"]])]
        rows.append(row)
    doc.heading("Effects")
    doc.table(headers, rows)
    return _finish(doc, data, fmt, width)


def _source_cell(s: dict) -> str:
    words = words_text(s)
    return s["ref"] + (f": {words}" if words else "")


# --- timeline ----------------------------------------------------------------------------------

TIMELINE_CSV = ["date", "earliest", "latest", "as_written", "event", "event_label", "measure",
                "effect", "title", "measure_status", "evidence", "starts", "ends", "continues"]


def _titles(facts: list[dict]) -> list[str]:
    return [f["title"] for f in facts]


def _event_rows(events: list[dict], ids: bool, about: Optional[str] = None) -> list[list]:
    """Rows of dated events; with ``about``, only the facts that name that id are listed."""
    def facts(fs):
        if about is not None:
            fs = [f for f in fs if about in (f["target"], f.get("about"))]
        return Cut(_titles(fs))
    rows = []
    for r in events:
        event = r.get("event_label") or r["event"]
        if ids and event != r["event"]:  # the ids it names, on request
            event += f" [{r['event']}]"
        row = [when_text(r), event, r["title"], facts(r["starts"]), facts(r["ends"]),
               facts(r["restates"])]
        if ids:
            row.append(r["measure"] + (f"#{r['effect']}" if r.get("effect") else ""))
        rows.append(row)
    return rows


EVENT_HEADERS = ["date", "event", "measure", "starts", "ends", "continues, amended"]


def render_timeline(data: dict, fmt: str, ids: bool = False, width: int = 80,
                    chart: str = "", chart_md: str = "") -> str:
    if fmt == "json":
        return to_json(data)
    events = data["events"]
    if fmt == "csv":
        rows = []
        for r in events:
            earliest, _, latest = r["range"].partition("..")
            rows.append([r["date"], earliest, latest or earliest, r.get("as_written"),
                         r["event"], r.get("event_label"), r["measure"], r.get("effect"),
                         r["title"],
                         r.get("measure_status"), r.get("evidence"),
                         [_fact_id(f) for f in r["starts"]], [_fact_id(f) for f in r["ends"]],
                         [_fact_id(f) for f in r["restates"]]])
        return csv_text(TIMELINE_CSV, rows)
    total = data["page"]["total"] if data.get("page") else len(events)
    doc = Doc(f"Timeline: {counted(total, 'dated event', 'dated events')}")
    doc.warnings(data.get("warnings", ()))
    _page_note(doc, data, "events", "events")
    if chart or chart_md:
        doc.raw(chart, chart_md)
    doc.table(EVENT_HEADERS + (["id"] if ids else []), _event_rows(events, ids))
    return _finish(doc, data, fmt, width)


# --- history -------------------------------------------------------------------------------------

HISTORY_CSV = ["id", "kind", "fact_id", "target", "about", "label", "about_label", "status",
               "from", "until", "liability", "as", "deadline", "evidence", "why", "by", "sources"]


def render_history(data: dict, fmt: str, ids: bool = False, width: int = 80,
                   chart: str = "", chart_md: str = "") -> str:
    if data.get("type") == "measure":
        return render_show(data, fmt, ids, width)
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        rows = [[data["id"], p["kind"], _fact_id(p), p["target"], p["about"], p["label"],
                 p["about_label"], p["status"], p["from"], p["until"],
                 p["attributes"].get("liability"), p["attributes"].get("as"),
                 p["attributes"].get("deadline"), p.get("evidence"), p.get("why"), p["by"],
                 p["sources"]] for p in data["periods"]]
        return csv_text(HISTORY_CSV, rows)
    what = SINGULAR.get(data["type"], data["type"])
    label = data.get("label") or data["id"]
    doc = Doc(f"History of {label} ({what} {data['id']})" if label != data["id"]
              else f"History of {data['id']} ({what})")
    doc.warnings(data.get("warnings", ()))
    if chart or chart_md:
        doc.raw(chart, chart_md)
    headers = ["fact", "status", "from", "until"] + list(ATTRIBUTE_NAMES) + ["why"]
    if ids:
        headers += ["id", "by", "sources"]
    rows = []
    for p in data["periods"]:
        row = [p["title"], _status(p["status"]), p["from"] or "..", p["until"] or "(open)",
               *_attr_cells(p["attributes"]), p.get("why")]
        if ids:
            row += [_fact_id(p), Cut(p["by"]), Cut(p["sources"])]
        rows.append(row)
    doc.table(headers, rows)
    if data["events"]:
        doc.heading("Events")
        doc.para(f"The dated events that start or end a fact about {label}; the facts listed "
                 "are those about it (kzlaw timeline lists every fact an event changes).")
        doc.table(EVENT_HEADERS + (["id"] if ids else []),
                  _event_rows(data["events"], ids, data["id"]))
    return _finish(doc, data, fmt, width)


# --- search and source -------------------------------------------------------------------------

def render_search(data: dict, fmt: str, ids: bool = True, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    sections = [
        ("Measures", ["measure", "id", "kind", "status"],
         [[m["title"], m["id"], m["kind"], m["status"]] for m in data["measures"]]),
        ("Facts", ["fact", "id"], [[f["title"], _fact_id(f)] for f in data["facts"]]),
        ("Organizations", ["organization", "id", "aliases"],
         [[o["label"], o["id"], o["aliases"]] for o in data["organizations"]]),
        ("Vocabulary", ["label", "id", "section"],
         [[v["label"], v["id"], v["section"]] for v in data["vocabulary"]]),
        ("Sources", ["citation", "id", "kind"],
         [[s["citation"], s["id"], s["kind"]] for s in data["sources"]]),
    ]
    if fmt == "csv":
        rows = [[title.lower(), r[1], r[0]] for title, _h, rs in sections for r in rs]
        return csv_text(["what", "id", "label"], rows)
    words = " ".join(data["question"]["words"])
    total = sum(len(rs) for _t, _h, rs in sections)
    doc = Doc(f"Search for '{words}': {total} found")
    for title, headers, rows in sections:
        if rows:
            doc.heading(f"{title} ({len(rows)})")
            doc.table(headers, rows)
    if not total:
        doc.para("Nothing matches every word. Try fewer words, or another spelling.")
    return _finish(doc, data, fmt, width)


SOURCE_CSV = ["source", "cited_by", "measure", "effect", "rule", "title", "fact_id",
              "fact_label", "quote", "translation", "summary"]


def render_source(data: dict, fmt: str, ids: bool = True, width: int = 80) -> str:
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        rows = [[data["id"], c["by"], c.get("measure"), c.get("effect"), c.get("rule"),
                 c.get("title"), _fact_id(c["fact"]) if c.get("fact") else "",
                 c["fact"]["title"] if c.get("fact") else "", c.get("quote"),
                 c.get("translation"), c.get("summary")]
                for c in data["cited_by"]]
        return csv_text(SOURCE_CSV, rows)
    doc = Doc(f"Source {data['id']}")
    info = [["citation", data["citation"]], ["kind", data["kind"]]]
    if data.get("url"):
        info.append(["url", Link(data["url"], data["url"])])
    if data.get("published"):
        pub = data["published"]
        info.append(["published", pub["date"] + (f" ({pub['earliest'] or '..'}.."
                                                   f"{pub['latest'] or ''})"
                                                   if pub["earliest"] != pub["latest"] else "")])
    if data.get("document"):
        where = data["document"] + (f", footnote {data['footnote']}" if data.get("footnote")
                                    else "")
        info.append(["document", where])
    for name in ("passage", "note"):
        if data.get(name):
            info.append([name, data[name]])
    doc.table(["field", "value"], info)
    doc.heading(f"Cited by ({len(data['cited_by'])})")
    rows = []
    for c in data["cited_by"]:
        said = words_text(c)
        rows.append([c.get("title") or "", c["fact"]["title"] if c.get("fact") else "",
                     said, c["by"]])
    doc.table(["measure or rule", "fact", "says", "id"], rows)
    return _finish(doc, data, fmt, width)


# --- check -------------------------------------------------------------------------------------

def render_problems(problems: Iterable, fmt: str, width: int = 80, title: str = "kzlaw check",
                    summary: str = "") -> str:
    problems = list(problems)
    if fmt == "json":
        return to_json({"problems": [{"path": p.path, "line": p.line, "severity": p.severity,
                                      "message": p.message} for p in problems]})
    rows = [[f"{p.path}:{p.line}" if p.line else p.path, p.severity, p.message] for p in problems]
    if fmt == "csv":
        return csv_text(["where", "severity", "message"], rows)
    if fmt in ("markdown", "html"):
        doc = Doc(title)
        if summary:
            doc.para(summary)
        doc.table(["where", "severity", "message"], rows)
        return render(doc, fmt, width)
    out = []
    for p in problems:
        out += layout.hanging(str(p), width, "", "    ")
    if summary:
        out += layout.wrap(summary, width)
    return "".join(line + "\n" for line in out)
