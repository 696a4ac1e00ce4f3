"""One function per command: parsed arguments -> (text, exit code), through the Python API."""

from __future__ import annotations

from . import report
from .chart import svg
from .corpus import load, resolve_path, to_day, validate
from .output import check_writable
from .problems import KzlawError
from .queries import document


def run(args, fmt: str) -> tuple[str, int]:
    if getattr(args, "output", None) and args.command != "reports":
        check_writable(args.output)
    return COMMANDS[args.command](args, fmt)


def _load(args):
    return load(args.data, cache=not getattr(args, "no_cache", False))


def _opts(args) -> dict:
    """How a renderer lays out its answer: ids shown or not, the terminal's width."""
    return {"ids": bool(getattr(args, "ids", False)), "width": report.terminal_width()}


def cmd_in_force(args, fmt):
    day = to_day(args.date)
    corpus = _load(args)
    data = corpus.in_force(day, kind=args.kind, category=args.category, status=args.status,
                           about=args.about)
    return report.render_in_force(data, fmt, **_opts(args)), 0


def cmd_diff(args, fmt):
    a, b = to_day(args.date_a), to_day(args.date_b)
    corpus = _load(args)
    return report.render_diff(corpus.diff(a, b), fmt, **_opts(args)), 0


def cmd_timeline(args, fmt):
    start = to_day(args.start) if args.start else None
    end = to_day(args.end) if args.end else None
    corpus = _load(args)
    chart = svg(corpus) if fmt == "html" else ""
    return report.render_timeline(corpus.timeline(start, end), fmt, chart=chart,
                                  **_opts(args)), 0


def cmd_history(args, fmt):
    corpus = _load(args)
    data = corpus.history(args.id)
    chart = ""
    if fmt == "html" and data.get("periods"):
        chart = svg(corpus, {(p["kind"], p["target"], p["about"]) for p in data["periods"]})
    return report.render_history(data, fmt, chart=chart, **_opts(args)), 0


def cmd_explain(args, fmt):
    day = to_day(args.at)
    corpus = _load(args)
    data = corpus.explain(args.kind, args.target, args.about, at=day)
    return report.render_explain(data, fmt, **_opts(args)), 0


def cmd_show(args, fmt):
    day = to_day(args.at) if args.at else None
    corpus = _load(args)
    return report.render_show(corpus.show(args.measure, day), fmt, **_opts(args)), 0


def cmd_search(args, fmt):
    corpus = _load(args)
    return report.render_search(corpus.search(args.words), fmt, **_opts(args)), 0


def cmd_source(args, fmt):
    corpus = _load(args)
    return report.render_source(corpus.source(args.id), fmt, **_opts(args)), 0


def cmd_check(args, fmt):
    """Errors go to stderr with exit 1; warnings and date conflicts are listed on stdout."""
    root = resolve_path(args.data)
    from .loader import load_raw
    raw = load_raw(root)
    problems = validate(raw)
    if problems:
        raise KzlawError(problems)
    from .corpus import Corpus
    corpus = Corpus(raw)
    lines = corpus.warnings() + corpus.notes()
    summary = (f"ok: {len(raw.measures)} measures, {len(raw.rules)} rules, "
               f"{len(raw.sources)} sources, {sum(len(v) for v in raw.vocabulary.values())} "
               f"vocabulary ids; {sum(1 for p in lines if p.severity == 'warning')} warnings, "
               f"{sum(1 for p in lines if p.severity == 'note')} date conflicts")
    if fmt == "json":
        data = document(corpus, {"command": "check"}, [], {
            "ok": True, "summary": summary,
            "problems": [{"path": p.path, "line": p.line, "severity": p.severity,
                          "message": p.message} for p in lines]})
        return report.to_json(data), 0
    if fmt == "csv":
        return report.render_problems(lines, fmt), 0
    return report.render_problems(lines, fmt, report.terminal_width(), summary=summary), 0


def cmd_reports(args, fmt):
    from .reports import write_reports
    corpus = _load(args)
    return write_reports(corpus, args.dir, check=args.check)


COMMANDS = {"in-force": cmd_in_force, "diff": cmd_diff, "timeline": cmd_timeline,
            "history": cmd_history, "explain": cmd_explain, "show": cmd_show,
            "search": cmd_search, "source": cmd_source, "check": cmd_check,
            "reports": cmd_reports}
