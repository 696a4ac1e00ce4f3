"""The command line: argument handling only. Every answer comes from the Python API."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from . import __version__
from .problems import KzlawError, Problem

FORMATS = ("table", "markdown", "json", "csv")


def _common(p: argparse.ArgumentParser, top: bool) -> None:
    d = None if top else argparse.SUPPRESS
    p.add_argument("--data", metavar="DIR", default=d,
                   help="corpus folder (default: $KZLAW_DATA or the bundled corpus)")
    p.add_argument("--format", choices=FORMATS + ("html",), default=d,
                   help="output format (default: table)")
    p.add_argument("--output", metavar="FILE", default=d,
                   help="write the answer to FILE (atomically) instead of stdout")
    p.add_argument("--no-cache", action="store_true", default=False if top else argparse.SUPPRESS,
                   help="always parse the corpus files, ignoring the compiled cache")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzlaw",
        description="What was in force, when, and why: Kazakhstan's counterterrorism, "
                    "counter-extremism and religion laws.")
    parser.add_argument("--version", action="version", version=f"kzlaw {__version__}")
    _common(parser, True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def cmd(name, help_):
        p = sub.add_parser(name, help=help_, description=help_)
        _common(p, False)
        return p

    p = cmd("in-force", "the facts in force or uncertain on DATE")
    p.add_argument("date", metavar="DATE", help="a day, YYYY-MM-DD")
    p.add_argument("--kind", help="only facts of this kind (prohibition, designation, ...)")
    p = cmd("diff", "every fact whose status or attributes differ between two dates")
    p.add_argument("date_a", metavar="DATE_A")
    p.add_argument("date_b", metavar="DATE_B")
    p = cmd("timeline", "the dated events and the changes they make, in order")
    p.add_argument("--from", dest="start", metavar="DATE")
    p.add_argument("--to", dest="end", metavar="DATE")
    p = cmd("history", "the life of one act, organization, institution, power, duty or measure")
    p.add_argument("id", metavar="ID")
    p = cmd("explain", "why a fact is or is not in force on a date")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("--about", default=None)
    p.add_argument("--at", required=True, metavar="DATE")
    p = cmd("show", "a measure with its effects as amended on DATE")
    p.add_argument("measure", metavar="MEASURE")
    p.add_argument("--at", default=None, metavar="DATE")
    cmd("check", "validate the corpus and run the integrity rules (exit 1 on any error)")
    p = cmd("reports", "regenerate the reports/ folder from the corpus")
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if reports/ is stale")
    p.add_argument("--dir", default=None, metavar="DIR",
                   help="the reports folder (default: reports/ in the corpus folder)")
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    fmt = args.format or "table"
    if fmt == "html" and args.command != "reports":
        parser.error("--format html is for reports; use table, markdown, json or csv")
    try:
        from . import commands
        text, code = commands.run(args, fmt)
        if text:
            if args.output and args.command != "reports":
                from .output import write_atomic
                write_atomic(args.output, text)
            else:
                sys.stdout.write(text)
                sys.stdout.flush()
        return code
    except KzlawError as e:
        for p in e.problems:
            print(str(p), file=sys.stderr)
        return 1
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("kzlaw: interrupted", file=sys.stderr)
        return 130
    except RecursionError:
        print(str(Problem("kzlaw", 0, "input nested too deeply")), file=sys.stderr)
        return 1
    except MemoryError:
        print("kzlaw: out of memory", file=sys.stderr)
        return 1


def entry() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
