"""One function per command: parsed arguments -> (text, exit code), through the Python API."""

from __future__ import annotations

import sys

from . import report
from .corpus import load, resolve_path, to_day, validate
from .output import check_writable
from .problems import KzlawError, Problem


def run(args, fmt: str) -> tuple[str, int]:
    if getattr(args, "output", None) and args.command != "reports":
        check_writable(args.output, resolve_path(args.data))
    return COMMANDS[args.command](args, fmt)


def write_output(args, text: str) -> None:
    """The answer to ``--output``, never inside the corpus's measures/ or rules/."""
    from .output import write_atomic
    write_atomic(args.output, text, resolve_path(args.data))


def _load(args):
    cache = not getattr(args, "no_cache", False)
    if getattr(args, "as_of", None) is not None:
        from .record import load_at
        return load_at(args.data, args.as_of, cache=cache)
    return load(args.data, cache=cache)


def _warned(data, fmt: str, text: str) -> str:
    """The answer with its document's warnings (a day outside the corpus's record): one line
    each before a table or markdown answer; on stderr for CSV, which stays one table; JSON
    carries them in the document itself."""
    warnings = data.get("warnings") if isinstance(data, dict) else None
    if not warnings or fmt not in ("table", "markdown", "csv"):
        return text
    lines = "".join(f"warning: {w}\n" for w in warnings)
    if fmt == "csv":
        sys.stderr.write(lines)
        return text
    return lines + ("\n" if fmt == "markdown" else "") + text


def _opts(args) -> dict:
    """How a renderer lays out its answer: ids shown or not, the terminal's width."""
    return {"ids": bool(getattr(args, "ids", False)), "width": report.terminal_width()}


def cmd_in_force(args, fmt):
    day = to_day(args.date)
    corpus = _load(args)
    data = corpus.in_force(day, kind=args.kind, category=args.category, status=args.status,
                           about=args.about)
    return _warned(data, fmt, report.render_in_force(data, fmt, **_opts(args))), 0


def cmd_diff(args, fmt):
    a, b = to_day(args.date_a), to_day(args.date_b)
    corpus = _load(args)
    data = corpus.diff(a, b)
    return _warned(data, fmt, report.render_diff(data, fmt, **_opts(args))), 0


def cmd_timeline(args, fmt):
    start = to_day(args.start) if args.start else None
    end = to_day(args.end) if args.end else None
    corpus = _load(args)
    data = corpus.timeline(start, end)
    return _warned(data, fmt, report.render_timeline(data, fmt, **_opts(args))), 0


def cmd_history(args, fmt):
    corpus = _load(args)
    return report.render_history(corpus.history(args.id), fmt, **_opts(args)), 0


def cmd_explain(args, fmt):
    day = to_day(args.at)
    corpus = _load(args)
    data = corpus.explain(args.kind, args.target, args.about, at=day)
    return _warned(data, fmt, report.render_explain(data, fmt, **_opts(args))), 0


def cmd_show(args, fmt):
    day = to_day(args.at) if args.at else None
    corpus = _load(args)
    data = corpus.show(args.measure, day)
    return _warned(data, fmt, report.render_show(data, fmt, **_opts(args))), 0


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
    else:
        from .loader import load_raw
        root = resolve_path(args.data)
        raw = load_raw(root)
    problems = validate(raw)
    if problems:
        raise KzlawError(relocate(revision, root, problems) if revision else problems)
    from .corpus import Corpus
    corpus = Corpus(raw)
    lines = corpus.warnings() + corpus.notes()
    if revision is not None:
        lines = relocate(revision, root, lines)
    summary = (f"ok: {len(raw.measures)} measures, {len(raw.rules)} rules, "
               f"{len(raw.sources)} sources, {sum(len(v) for v in raw.vocabulary.values())} "
               f"vocabulary ids; {sum(1 for p in lines if p.severity == 'warning')} warnings, "
               f"{sum(1 for p in lines if p.severity == 'note')} date conflicts")
    if fmt == "json":
        data = {"ok": True, "summary": summary,
                "problems": [{"path": p.path, "line": p.line, "severity": p.severity,
                              "message": p.message} for p in lines]}
        return report.to_json(data), 0
    if fmt == "csv":
        return report.render_problems(lines, fmt), 0
    return report.render_problems(lines, fmt) + summary + "\n", 0


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
    day = to_day(args.at) if args.at else None
    from .record import record_diff
    from .record_report import render_record_diff
    data = record_diff(args.data, args.rev_a, args.rev_b, at=day,
                       cache=not getattr(args, "no_cache", False))
    return render_record_diff(data, fmt, **_opts(args)), 0


def cmd_reports(args, fmt):
    from .reports import write_reports
    corpus = _load(args)
    return write_reports(corpus, args.dir, check=args.check, force=args.force)


COMMANDS = {"in-force": cmd_in_force, "diff": cmd_diff, "timeline": cmd_timeline,
            "history": cmd_history, "explain": cmd_explain, "show": cmd_show,
            "search": cmd_search, "source": cmd_source, "check": cmd_check,
            "record-diff": cmd_record_diff, "reports": cmd_reports, "serve": cmd_serve}
