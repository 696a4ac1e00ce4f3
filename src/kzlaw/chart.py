"""The timeline chart: one row per fact, a solid bar where it is certainly in force, a hatched
bar where it is uncertain, measure markers on the axis. As hand-written SVG (no scripts, no
external files) and as a Mermaid gantt block for markdown."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Optional

from .dates import NEG, POS, day_iso
from .queries import fact_label
from .timeline import IN_FORCE, sort_key

ROW = 18
LABEL_W = 300
PLOT_W = 760
TOP = 40


def chart_rows(corpus, only=None) -> list[tuple[tuple, list[tuple[int, int, str]]]]:
    """(fact, [(start, end, status)]) for every fact that is ever in force or uncertain (or
    those of ``only``), with consecutive stretches of the same status merged."""
    rows = []
    keys = corpus.compiled.segments if only is None else only
    for key in sorted(keys, key=sort_key):
        spans: list[tuple[int, int, str]] = []
        for s, e, v in corpus.compiled.fact_days(key):
            if spans and spans[-1][1] == s and spans[-1][2] == v.status:
                spans[-1] = (spans[-1][0], e, v.status)
            else:
                spans.append((s, e, v.status))
        if spans:
            rows.append((key, spans))
    return rows


def axis_range(corpus, rows) -> tuple[int, int]:
    """From the January before the first finite date to the January after the last one."""
    days = [d for _, spans in rows for s, e, _st in spans for d in (s, e) if NEG < d < POS]
    for m in corpus.measures.values():
        for field in ("introduced", "adopted", "in_force", "failed"):
            d = getattr(m.dates, field)
            if d is not None:
                days += [x for x in (d.earliest, d.latest) if NEG < x < POS]
    if not days:
        return date(2000, 1, 1).toordinal(), date(2001, 1, 1).toordinal()
    lo, hi = date.fromordinal(min(days)), date.fromordinal(max(days))
    return date(lo.year, 1, 1).toordinal(), date(hi.year + 2, 1, 1).toordinal()


def markers(corpus) -> list[tuple[int, int, str]]:
    """(earliest, latest, label) of each measure's start (or bill's introduction)."""
    out = []
    for mid in sorted(corpus.measures):
        m = corpus.measures[mid]
        d = m.start_date if m.in_effect else (m.dates.introduced or m.dates.failed)
        if d is not None:
            label = f"{mid}: {m.title}" + ("" if m.in_effect else f" ({m.status})")
            out.append((d.earliest, d.latest, label))
    return out


def svg(corpus, mark: Optional[int] = None, only=None, span: Optional[tuple] = None) -> str:
    """The chart of every fact (or those of ``only``), with the day ``mark`` (an ordinal)
    drawn as a vertical line when given; ``span`` (first day, last day) fixes the axis, so
    that two charts (two records, record_report.py) line up."""
    rows = chart_rows(corpus, only)
    lo, hi = span or axis_range(corpus, rows)
    label_w = max([LABEL_W] + [int(len(fact_label(k)) * 6.4) + 16 for k, _ in rows])
    width = label_w + PLOT_W + 20
    height = TOP + ROW * len(rows) + 60

    def x(day: int) -> float:
        day = min(max(day, lo), hi)
        return round(label_w + (day - lo) * PLOT_W / (hi - lo), 1)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="kzlaw-chart" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="Timeline of facts: solid bars in force, hatched bars uncertain">',
           '<defs><pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
           'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde7c8"/>'
           '<line x1="0" y1="0" x2="0" y2="6" stroke="#d9822b" stroke-width="3"/></pattern></defs>']
    first_year = date.fromordinal(lo).year
    last_year = date.fromordinal(hi).year
    for year in range(first_year, last_year + 1):
        gx = x(date(year, 1, 1).toordinal())
        out.append(f'<line class="grid" x1="{gx}" y1="{TOP - 6}" x2="{gx}" '
                   f'y2="{TOP + ROW * len(rows)}" stroke="#e3e3e3"/>')
        out.append(f'<text class="year" x="{gx}" y="{TOP - 10}" font-size="10" '
                   f'text-anchor="middle">{year}</text>')
    for i, (key, spans) in enumerate(rows):
        y = TOP + i * ROW
        label = escape(fact_label(key))
        out.append(f'<g class="fact-row" data-fact="{escape("|".join(str(k or "") for k in key))}">')
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end">'
                   f'{label}</text>')
        for s, e, status in spans:
            x1, x2 = x(s), x(e)
            w = max(round(x2 - x1, 1), 1.0)
            fill = "#2b6cb0" if status == IN_FORCE else "url(#hatch)"
            cls = "certain" if status == IN_FORCE else "uncertain"
            title = f"{fact_label(key)}: {status} {day_iso(s) or '..'} to " \
                    f"{day_iso(e - 1) if e < POS else 'open end'}"
            out.append(f'<rect class="{cls}" x="{x1}" y="{y + 3}" width="{w}" height="{ROW - 6}" '
                       f'fill="{fill}"><title>{escape(title)}</title></rect>')
        out.append("</g>")
    if mark is not None and lo <= mark <= hi:
        mx = x(mark)
        out.append(f'<g class="day-mark"><line x1="{mx}" y1="{TOP - 22}" x2="{mx}" '
                   f'y2="{TOP + ROW * len(rows)}" stroke="#c53030" stroke-width="2"/>'
                   f'<text x="{mx + 4}" y="{TOP - 24}" font-size="11" fill="#c53030">'
                   f'{day_iso(mark)}</text></g>')
    axis_y = TOP + ROW * len(rows) + 8
    out.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + PLOT_W}" y2="{axis_y}" '
               'stroke="#333"/>')
    for earliest, latest, label in markers(corpus):
        x1, x2 = x(earliest), x(latest)
        w = max(round(x2 - x1, 1), 2.0)
        out.append(f'<rect class="measure-marker" x="{x1}" y="{axis_y + 2}" width="{w}" '
                   f'height="10" fill="#555" opacity="0.55"><title>{escape(label)}</title></rect>')
    out.append(f'<text x="{label_w}" y="{axis_y + 30}" font-size="10">Markers: when each measure '
               'took effect (a range where the date is uncertain). Solid: in force; hatched: '
               'uncertain.</text>')
    out.append("</svg>")
    return "\n".join(out)


def _mermaid_text(text: str) -> str:
    return text.replace(":", " ").replace("#", " ").replace(";", " ")


def mermaid(corpus, only=None) -> str:
    """A Mermaid gantt block: ``done`` bars in force, ``active`` bars uncertain."""
    lo, hi = axis_range(corpus, chart_rows(corpus))
    rows = chart_rows(corpus, only)
    lines = ["```mermaid", "gantt", "    title Facts in force (done) and uncertain (active)",
             "    dateFormat YYYY-MM-DD", "    axisFormat %Y"]
    section = None
    for key, spans in rows:
        if key[0] != section:
            section = key[0]
            lines.append(f"    section {section}")
        label = _mermaid_text(key[1] + (f" about {key[2]}" if key[2] else ""))
        for s, e, status in spans:
            tag = "done" if status == IN_FORCE else "active"
            start = day_iso(max(s, lo))
            end = day_iso(min(e, hi))
            lines.append(f"    {label} :{tag}, {start}, {end}")
    lines.append("```")
    return "\n".join(lines) + "\n"
