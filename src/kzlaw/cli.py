"""The command line: argument handling only. Every answer comes from the Python API."""

from __future__ import annotations

import argparse
import gc
import os
import signal
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
    p = cmd("serve", "the tracker in a browser and a JSON API (needs the web extra)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    cmd("check", "validate the corpus and run the integrity rules (exit 1 on any error)")
    p = cmd("reports", "regenerate the reports/ folder from the corpus")
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if reports/ is stale")
    p.add_argument("--dir", default=None, metavar="DIR",
                   help="the reports folder (default: reports/ in the corpus folder)")
    return parser


INTERNAL_ERROR = 3  # a bug in kzlaw, not in the corpus or the question


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main(argv: Optional[list[str]] = None) -> int:
    """Run one command; return the exit code: 0 answered, 1 invalid corpus or question (one
    ``PATH:LINE: message`` line per problem on stderr), 2 bad usage, 3 internal error. Set
    ``KZLAW_DEBUG=1`` to see the traceback of an internal error."""
    # A short-lived process that builds large acyclic structures: collect garbage cycles
    # rarely (measured: a warm in-force on 40,000 measures runs about a quarter faster).
    gc.set_threshold(100_000, 50, 100)
    parser = build_parser()
    args = parser.parse_args(argv)
    fmt = args.format or "table"
    if fmt == "html" and args.command != "reports":
        parser.error("--format html is for reports; use table, markdown, json or csv")
    if args.output is not None and not args.output.strip():
        parser.error("--output needs a file name")
    previous = _on_sigterm_raise()
    try:
        from . import commands
        text, code = commands.run(args, fmt)
        if text:
            if args.output is not None and args.command != "reports":
                from .output import write_atomic
                write_atomic(args.output, text)
            else:
                _write_stdout(text)
        return code
    except KzlawError as e:
        for p in e.problems:
            print(_one_line(str(p)), file=sys.stderr)
        return 1
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("kzlaw: interrupted", file=sys.stderr)
        return 130
    except _Terminated:
        print("kzlaw: terminated", file=sys.stderr)
        return 143
    except RecursionError:
        print(str(Problem("kzlaw", 0, "input nested too deeply")), file=sys.stderr)
        return 1
    except MemoryError:
        print("kzlaw: out of memory", file=sys.stderr)
        return 1
    except OSError as e:  # reading or writing a file outside what the commands check
        where = e.filename if isinstance(e.filename, str) else "kzlaw"
        print(f"{where}: {_one_line(e.strerror or e)}", file=sys.stderr)
        return 1
    except Exception as e:  # a bug: say so in one line, keep the traceback for KZLAW_DEBUG
        if os.environ.get("KZLAW_DEBUG"):
            raise
        print(f"kzlaw: internal error (a bug in kzlaw, please report it with the command): "
              f"{type(e).__name__}: {_one_line(e)[:300]}; set KZLAW_DEBUG=1 for the traceback",
              file=sys.stderr)
        return INTERNAL_ERROR
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class _Terminated(BaseException):
    """SIGTERM, raised as an exception so that a half-written output file is cleaned up."""


def _raise_terminated(signum, frame):
    raise _Terminated()


def _on_sigterm_raise():
    """Turn SIGTERM into an exception (the default would end the process without running
    ``finally`` blocks, leaving a temporary file behind); return the previous handler."""
    try:
        return signal.signal(signal.SIGTERM, _raise_terminated)
    except (ValueError, OSError, AttributeError):  # not the main thread, or no SIGTERM
        return None


def _write_stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:  # a terminal that cannot show every character of the answer
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            raise
        sys.stdout.flush()
        buffer.write(text.encode(sys.stdout.encoding or "utf-8", "backslashreplace"))
    sys.stdout.flush()


def entry() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
