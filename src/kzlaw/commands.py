"""One function per command: parsed arguments -> (text, exit code), through the Python API."""

from __future__ import annotations

import os
import sys

from . import paging, report
from .chart import svg
from .corpus import load, resolve_path, to_day, validate
from .output import check_writable
from .problems import KzlawError, Problem
from .queries import document


def run(args, fmt: str) -> tuple[str, int]:
    if getattr(args, "output", None) and args.command not in ("reports", "export"):
        check_writable(args.output, resolve_path(args.data))
    text, code = COMMANDS[args.command](args, fmt)
    revision = getattr(args, "_revision", None)
    if revision is not None and fmt in ("table", "markdown") and args.command != "reports":
        from .record_report import answered_at
        text += answered_at(revision, fmt)
    return text, code


def write_output(args, text: str) -> None:
    """The answer to ``--output``, never inside the corpus's measures/ or rules/."""
    from .output import write_atomic
    write_atomic(args.output, text, resolve_path(args.data))


def _load(args):
    cache = not getattr(args, "no_cache", False)
    if getattr(args, "as_of", None) is not None:
        from .record import load_at
        corpus = load_at(args.data, args.as_of, cache=cache)
        args._revision = corpus.revision  # named under the answer (run)
        return corpus
    return load(args.data, cache=cache, parallel=True)  # (a process with no other threads)


def _opts(args) -> dict:
    """How a renderer lays out its answer: ids shown or not, the terminal's width."""
    return {"ids": bool(getattr(args, "ids", False)), "width": report.terminal_width()}


def cmd_in_force(args, fmt):
    day = to_day(args.date)
    paging.bounds(args.offset, args.limit)  # refused before the corpus is read
    corpus = _load(args)
    opts = _opts(args)
    data = corpus.in_force(day, kind=args.kind, category=args.category, status=args.status,
                           about=args.about, with_by=report.in_force_shows_by(fmt, opts["ids"]),
                           offset=args.offset, limit=args.limit)
    return report.render_in_force(data, fmt, **opts), 0


def cmd_diff(args, fmt):
    a, b = to_day(args.date_a), to_day(args.date_b)
    paging.bounds(args.offset, args.limit)  # refused before the corpus is read
    corpus = _load(args)
    return report.render_diff(corpus.diff(a, b, args.offset, args.limit), fmt,
                              **_opts(args)), 0


def cmd_timeline(args, fmt):
    start = to_day(args.start) if args.start is not None else None
    end = to_day(args.end) if args.end is not None else None
    paging.bounds(args.offset, args.limit)  # refused before the corpus is read
    corpus = _load(args)
    chart = svg(corpus) if fmt == "html" else ""
    return report.render_timeline(corpus.timeline(start, end, args.offset, args.limit), fmt,
                                  chart=chart,
                                  **_opts(args)), 0


def cmd_history(args, fmt):
    corpus = _load(args)
    data = corpus.history(args.id)
    chart = ""
    if fmt == "html" and data.get("periods"):
        chart = svg(corpus, only={(p["kind"], p["target"], p["about"]) for p in data["periods"]})
    return report.render_history(data, fmt, chart=chart, **_opts(args)), 0


def cmd_explain(args, fmt):
    day = to_day(args.at)
    corpus = _load(args)
    data = corpus.explain(args.kind, args.target, args.about, at=day)
    return report.render_explain(data, fmt, **_opts(args)), 0


def cmd_show(args, fmt):
    day = to_day(args.at) if args.at is not None else None
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
    revision = None
    if getattr(args, "as_of", None) is not None:
        from .record import raw_at, relocate
        revision, root, raw = raw_at(args.data, args.as_of)
        args._revision = revision
    else:
        from .loader import load_raw
        root = resolve_path(args.data)
        raw = load_raw(root)
    problems = validate(raw)
    if problems:
        raise KzlawError(relocate(revision, root, problems) if revision else problems)
    from .corpus import Corpus
    corpus = Corpus(raw, timeline=False)  # the warnings need no compiled timeline
    lines = corpus.warnings() + corpus.notes()
    if revision is not None:
        lines = relocate(revision, root, lines)
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
    # One line per problem where a script or grep reads it (a pipe with no COLUMNS); fitted to
    # the width on a terminal, or when COLUMNS says how wide.
    width = report.terminal_width() if _sized(sys.stdout) else 1 << 16
    return report.render_problems(lines, fmt, width, summary=summary), 0


def _sized(stream) -> bool:
    """Whether output to ``stream`` has a width to fit: a terminal, or ``COLUMNS`` set."""
    if os.environ.get("COLUMNS", "").strip():
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def cmd_serve(args, fmt):
    """Serve until stopped. The web package (and the extra it needs) is imported only here."""
    from .web import EXTRA_MODULES, INSTALL_HINT
    try:
        from .web.serve import serve
    except ImportError as e:
        missing = (e.name or "").split(".")[0]
        if missing not in EXTRA_MODULES:
            raise
        raise KzlawError([Problem("serve", 0, f"kzlaw serve needs the web extra (module "
                                  f"{missing!r} is missing): {INSTALL_HINT}")]) from None
    corpus = _load(args)
    serve(corpus, args.host, args.port)
    return "", 0


def cmd_record_diff(args, fmt):
    day = to_day(args.at) if args.at is not None else None
    from .record import record_diff_of, records
    from .record_report import render_record_diff
    a, b = records(args.data, args.rev_a, args.rev_b, cache=not getattr(args, "no_cache", False))
    data = record_diff_of(a, b, at=day, kind=args.kind)
    charts = ()
    if fmt == "html":  # both records' changed facts, on one axis
        from .chart import axis_range, chart_rows
        facts = {(c["kind"], c["target"], c["about"]) for c in data["changes"]}
        spans = [axis_range(c, chart_rows(c, facts)) for c in (a, b)]
        span = (min(s[0] for s in spans), max(s[1] for s in spans))
        charts = tuple(svg(c, mark=day, only=facts, span=span) for c in (a, b))
    return render_record_diff(data, fmt, charts=charts, **_opts(args)), 0


def cmd_reports(args, fmt):
    from .reports import write_reports
    corpus = _load(args)
    return write_reports(corpus, args.dir, check=args.check, force=args.force)


def cmd_export(args, fmt):
    from .export import export, summary_text
    paths = ([args.data] if args.data else []) + args.data_dirs
    to_stdout = _is_stdout(args.export_output)
    summary = export(paths or [resolve_path(None)], args.export_format, args.export_output,
                     cache=not getattr(args, "no_cache", False))
    if to_stdout:  # the file went there: the summary must not be appended to it
        sys.stderr.write(summary_text(summary))
        return "", 0
    return summary_text(summary), 0


def _is_stdout(path: str) -> bool:
    """Whether ``path`` (``/dev/stdout``, ``/proc/self/fd/1``, ...) is the standard output."""
    try:
        here, there = os.stat(path), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


COMMANDS = {"in-force": cmd_in_force, "diff": cmd_diff, "timeline": cmd_timeline,
            "history": cmd_history, "explain": cmd_explain, "show": cmd_show,
            "search": cmd_search, "source": cmd_source, "check": cmd_check,
            "record-diff": cmd_record_diff, "reports": cmd_reports, "serve": cmd_serve,
            "export": cmd_export}
