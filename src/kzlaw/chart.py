"""The timeline chart: one row per fact under a heading per kind, a solid bar where the fact is
certainly in force, a hatched bar where it is uncertain, the record's horizon (open bars stop
there), and a row of measure markers (each names its measure on hover). As hand-written SVG
(no scripts, no external files) that fits a 1400-pixel page, and as a Mermaid gantt block for
markdown."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Optional

from .dates import NEG, POS, day_iso
from .names import KIND_WORDS
from .timeline import IN_FORCE, sort_key

WIDTH = 1340        # the whole chart, so that it fits a 1400-pixel page with its margins
LABEL_W = 380       # the fact labels, right-aligned against the plot
RIGHT = 40          # room after the plot for the last year's label
ROW = 18
TOP = 64            # legend and year labels above the first row
CHAR_W = 6.1        # average width of an 11-pixel sans-serif character
KIND_HEADINGS = {"prohibition": "Prohibitions", "obligation": "Obligations",
                 "designation": "Designated organizations", "institution": "Institutions",
                 "power": "Powers of the state", "penalty": "Penalties"}
IN_FORCE_FILL = "#2b6cb0"
HORIZON = "#6b46c1"
MAX_MARKERS = 1000  # beyond this many measures the axis is not marked


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


def horizon(corpus) -> Optional[int]:
    """The day after ``curated_until`` (an ordinal): changes from then on are not recorded."""
    info = getattr(corpus, "info", None)
    until = getattr(info, "curated_until", None)
    return until.toordinal() + 1 if until is not None else None


def axis_range(corpus, rows) -> tuple[int, int]:
    """From 1 January of the first finite date's year to 1 January after the last finite date
    (or the horizon, when later)."""
    days = [d for _, spans in rows for s, e, _st in spans for d in (s, e) if NEG < d < POS]
    for m in corpus.measures.values():
        for field in ("introduced", "adopted", "in_force", "failed"):
            d = getattr(m.dates, field)
            if d is not None:
                days += [x for x in (d.earliest, d.latest) if NEG < x < POS]
    end = horizon(corpus)
    if end is not None:
        days.append(end - 1)
    if not days:
        return date(2000, 1, 1).toordinal(), date(2001, 1, 1).toordinal()
    lo, hi = date.fromordinal(min(days)), date.fromordinal(max(days))
    return date(lo.year, 1, 1).toordinal(), date(hi.year + 1, 1, 1).toordinal()


def markers(corpus, measures=None) -> list[tuple[int, int, str]]:
    """(earliest, latest, label) of each measure's start (or bill's introduction), of every
    measure or those of ``measures``."""
    out = []
    for mid in sorted(corpus.measures if measures is None else measures):
        m = corpus.measures[mid]
        d = m.start_date if m.in_effect else (m.dates.introduced or m.dates.failed)
        if d is not None:
            when = day_iso(d.earliest) if d.earliest == d.latest else \
                f"{day_iso(d.earliest) or '..'} to {day_iso(d.latest) or '..'}"
            label = f"{m.title} ({mid}), {when}" + ("" if m.in_effect else f", {m.status}")
            out.append((d.earliest, d.latest, label))
    return out


def _short(text: str, width: float) -> str:
    most = max(int(width / CHAR_W), 8)
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _row_label(names, key, width: float = 10_000) -> str:
    """The fact's label without its kind (the heading above says it), shortened to ``width``
    pixels from its general part, so that what tells rows apart (the organization a ban is
    about, the act a penalty is for) stays readable."""
    kind, target, about = key
    if not about:
        return _short(names.label(target, kind), width)
    if kind == "penalty":  # the act it is for first: the penalty is the same on many rows
        return _short(f"{names.label(target, kind)}: {names.label(about, 'penalty')}", width)
    else:
        head, tail = names.label(target, kind), f" ({names.label(about)})"
    room = width - len(tail) * CHAR_W
    if room < 12 * CHAR_W:
        return _short(head + tail, width)
    return _short(head, room) + tail


def _year_step(px_per_year: float) -> int:
    for step in (1, 2, 5, 10, 20, 50):
        if step * px_per_year >= 36:
            return step
    return 100


def svg(corpus, mark: Optional[int] = None, only=None, span: Optional[tuple] = None) -> str:
    """The chart of every fact (or those of ``only``, with the markers of the measures behind
    them), with the day ``mark`` (an ordinal) drawn as a vertical line when given; ``span``
    (first day, last day) fixes the axis, so that two charts (two records, record_report.py)
    line up."""
    return Chart(corpus, only, span).render(mark)


class Chart:
    """The chart laid out and drawn once; ``render(mark)`` adds a day's line (cheap, so one
    chart serves every day)."""

    def __init__(self, corpus, only=None, span: Optional[tuple] = None):
        names = corpus.names
        rows = chart_rows(corpus, only)
        lo, hi = span or axis_range(corpus, rows)
        end = horizon(corpus)
        plot_w = WIDTH - LABEL_W - RIGHT
        lines: list[tuple] = []  # ("kind", kind) or ("fact", key, spans)
        for key, spans in rows:
            if not lines or lines[-1][0] == "fact" and lines[-1][1][0] != key[0] or \
                    lines[-1][0] == "kind" and lines[-1][1] != key[0]:
                lines.append(("kind", key[0]))
            lines.append(("fact", key, spans))
        body_h = ROW * len(lines)
        axis_y = TOP + body_h + 8
        height = axis_y + 58

        def x(day: int) -> float:
            day = min(max(day, lo), hi)
            return round(LABEL_W + (day - lo) * plot_w / (hi - lo), 1)
        self.x, self.lo, self.hi, self.body_h = x, lo, hi, body_h

        out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="kzlaw-chart" width="{WIDTH}" '
               f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" font-family="system-ui, '
               'sans-serif" aria-label="Timeline of facts: solid bars in force, hatched bars '
               'uncertain">',
               '<defs><pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
               'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde7c8"/>'
               '<line x1="0" y1="0" x2="0" y2="6" stroke="#d9822b" stroke-width="3"/></pattern></defs>']
        # the legend
        lx = 8
        out.append('<g class="legend" font-size="12">'
                   f'<rect x="{lx}" y="8" width="22" height="11" fill="{IN_FORCE_FILL}"/>'
                   f'<text x="{lx + 28}" y="18">in force (in every reading of the dates)</text>'
                   f'<rect x="{lx + 290}" y="8" width="22" height="11" fill="url(#hatch)" '
                   'stroke="#d9822b"/>'
                   f'<text x="{lx + 318}" y="18">uncertain (in some readings)</text>'
                   f'<line x1="{lx + 520}" y1="6" x2="{lx + 520}" y2="21" stroke="{HORIZON}" '
                   'stroke-width="2" stroke-dasharray="4 3"/>'
                   f'<text x="{lx + 528}" y="18">end of the record (later changes not '
                   'recorded)</text>'
                   f'<rect x="{lx + 820}" y="9" width="4" height="10" fill="#555"/>'
                   f'<text x="{lx + 830}" y="18">a measure takes effect (hover for its '
                   'name)</text></g>')
        first_year = date.fromordinal(lo).year
        last_year = date.fromordinal(hi).year
        step = _year_step(plot_w / max(last_year - first_year, 1))
        for year in range(first_year, last_year + 1):
            gx = x(date(year, 1, 1).toordinal())
            strong = year % step == 0
            out.append(f'<line class="grid" x1="{gx}" y1="{TOP - 6}" x2="{gx}" y2="{TOP + body_h}" '
                       f'stroke="{"#d5d5d5" if strong else "#efefef"}"/>')
            if strong:
                out.append(f'<text class="year" x="{gx}" y="{TOP - 10}" font-size="11" '
                           f'text-anchor="middle">{year}</text>')
        if end is not None and lo < end <= hi:
            hx = x(end)
            out.append(f'<g class="horizon"><rect x="{hx}" y="{TOP - 6}" width="{round(x(hi) - hx, 1)}" '
                       f'height="{body_h + 6}" fill="#f4f1fa" opacity="0.7"/>'
                       f'<line x1="{hx}" y1="{TOP - 30}" x2="{hx}" y2="{TOP + body_h}" '
                       f'stroke="{HORIZON}" stroke-width="2" stroke-dasharray="4 3"/>'
                       f'<text x="{hx - 4}" y="{TOP - 32}" font-size="11" fill="{HORIZON}" '
                       f'text-anchor="end">record curated to {day_iso(end - 1)}</text>'
                       f'<title>Changes after {day_iso(end - 1)} are not recorded</title></g>')
        for i, line in enumerate(lines):
            y = TOP + i * ROW
            if line[0] == "kind":
                out.append(f'<text class="kind" x="8" y="{y + 14}" font-size="12" '
                           f'font-weight="bold">{escape(KIND_HEADINGS.get(line[1], line[1]))}</text>')
                continue
            _, key, spans = line
            label = _row_label(names, key, LABEL_W - 30)
            full = names.fact_title(*key)
            out.append(f'<g class="fact-row" data-fact="{escape("|".join(str(k or "") for k in key))}">')
            out.append(f'<text x="{LABEL_W - 8}" y="{y + 13}" font-size="11" text-anchor="end">'
                       f'<title>{escape(full)}</title>{escape(label)}</text>')
            for s, e, status in spans:
                stop = e
                if e >= POS and end is not None and s < end:
                    stop = end  # an open bar stops at the horizon, not at an invented year
                x1, x2 = x(s), x(stop)
                w = max(round(x2 - x1, 1), 1.5)
                fill = IN_FORCE_FILL if status == IN_FORCE else "url(#hatch)"
                cls = "certain" if status == IN_FORCE else "uncertain"
                word = "in force" if status == IN_FORCE else "uncertain"
                until = day_iso(e - 1) if e < POS else "open end"
                title = f"{full}: {word} from {day_iso(s) or '..'} to {until}"
                out.append(f'<rect class="{cls}" x="{x1}" y="{y + 3}" width="{w}" height="{ROW - 6}" '
                           f'fill="{fill}"><title>{escape(title)}</title></rect>')
            out.append("</g>")
        self._head = "\n".join(out)
        out = []
        out.append(f'<line x1="{LABEL_W}" y1="{axis_y}" x2="{LABEL_W + plot_w}" y2="{axis_y}" '
                   'stroke="#333"/>')
        out.append(f'<text x="{LABEL_W - 8}" y="{axis_y + 13}" font-size="11" text-anchor="end" '
                   'font-weight="bold">Measures</text>')
        shown = None
        if only is not None:  # the measures whose effects hold the charted facts
            shown = {h.measure for key, _spans in rows
                     for h in corpus.holdings_by_fact.get(key, ())}
        marks = markers(corpus, shown)
        if len(marks) <= MAX_MARKERS:
            for earliest, latest, label in marks:
                if earliest <= NEG:  # "on or before": a tick at the last possible day
                    earliest = latest
                x1, x2 = x(earliest), x(min(latest, hi))
                w = max(round(x2 - x1, 1), 3.0)
                opacity = "0.7" if w <= 3.0 else "0.35"  # overlapping ranges show darker
                out.append(f'<rect class="measure-marker" x="{x1}" y="{axis_y + 3}" width="{w}" '
                           f'height="12" fill="#444" opacity="{opacity}"><title>{escape(label)}'
                           '</title>'
                           '</rect>')
            out.append(f'<text x="{LABEL_W}" y="{axis_y + 36}" font-size="11" fill="#444">Hover '
                       'over a bar or a marker for its dates and measure. A marker is as wide as '
                       'the range of days in which the measure took effect.</text>')
        else:  # thousands of markers on one line would only blacken it
            out.append(f'<text x="{LABEL_W}" y="{axis_y + 36}" font-size="11" fill="#444">Hover '
                       f'over a bar for its dates and measures ({len(marks):,} measures: too many '
                       'to mark here).</text>')
        out.append("</svg>")
        self._tail = "\n".join(out)



    def render(self, mark: Optional[int] = None) -> str:
        parts = [self._head]
        if mark is not None and self.lo <= mark <= self.hi:
            mx = self.x(mark)
            parts.append(f'<g class="day-mark"><line x1="{mx}" y1="{TOP - 22}" x2="{mx}" '
                         f'y2="{TOP + self.body_h}" stroke="#c53030" stroke-width="2"/>'
                         f'<text x="{mx + 4}" y="{TOP - 24}" font-size="11" fill="#c53030">'
                         f'{day_iso(mark)}</text></g>')
        parts.append(self._tail)
        return "\n".join(parts)


def _mermaid_text(text: str) -> str:
    for ch in (":", "#", ";", "%", "<", ">", "\n"):
        text = text.replace(ch, " ")
    return " ".join(text.split())


def mermaid(corpus, only=None) -> str:
    """A Mermaid gantt block: facts in force as plain (solid) bars, uncertain ones as
    ``active`` (pale) bars marked "(uncertain)"; open bars stop at the record's horizon."""
    names = corpus.names
    axis = corpus.__dict__.get("_memo_axis")  # the whole corpus's axis, once per corpus
    if axis is None:
        axis = corpus.__dict__["_memo_axis"] = axis_range(corpus, chart_rows(corpus))
    lo, hi = axis
    end = horizon(corpus)
    rows = chart_rows(corpus, only)
    title = "Facts in force (solid) and uncertain (pale)"
    if end is not None:
        title += f"; the record ends {day_iso(end - 1)}"
    lines = ["```mermaid", "gantt", f"    title {title}", "    dateFormat YYYY-MM-DD",
             "    axisFormat %Y", "    todayMarker off"]
    section = None
    for key, spans in rows:
        if key[0] != section:
            section = key[0]
            lines.append(f"    section {KIND_HEADINGS.get(section, section)}")
        label = _mermaid_text(_row_label(names, key))
        for s, e, status in spans:
            stop = e
            if e >= POS:
                stop = end if end is not None and s < end else hi
            start = day_iso(max(s, lo))
            finish = day_iso(min(stop, hi))
            if status == IN_FORCE:
                lines.append(f"    {label} :{start}, {finish}")
            else:
                lines.append(f"    {label} (uncertain) :active, {start}, {finish}")
    lines.append("```")
    return "\n".join(lines) + "\n"
