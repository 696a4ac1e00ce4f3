"""The command line: argument handling only. Every answer comes from the Python API."""

from __future__ import annotations

import argparse
import errno
import gc
import os
import signal
import sys
from typing import Optional

from . import __version__
from .model import FACT_KINDS
from .problems import KzlawError, Problem, suggest

FORMATS = ("table", "markdown", "json", "csv", "html")
EXPORT_FORMATS = ("sqlite", "parquet", "jsonl")  # kzlaw export --format


def _common(p: argparse.ArgumentParser, top: bool) -> None:
    d = None if top else argparse.SUPPRESS
    p.add_argument("--data", metavar="DIR", default=d,
                   help="corpus folder (default: $KZLAW_DATA or the bundled corpus)")
    p.add_argument("--as-of", dest="as_of", metavar="REV", default=d,
                   help="answer from the corpus as committed at git revision REV (HEAD~3, "
                        "a tag, a commit id) of the repository holding it")
    # Checked by kzlaw (``_usage_problem``), not by argparse's ``choices``, so that the
    # message is kzlaw's own whatever the Python version or locale.
    p.add_argument("--format", metavar="FORMAT", default=d,
                   help="output format: " + ", ".join(FORMATS) + " (default: table)")
    p.add_argument("--output", metavar="FILE", default=d,
                   help="write the answer to FILE (atomically) instead of stdout")
    p.add_argument("--no-cache", action="store_true", default=False if top else argparse.SUPPRESS,
                   help="always parse the corpus files, ignoring the compiled cache")
    p.add_argument("--ids", action="store_true", default=False if top else argparse.SUPPRESS,
                   help="show ids (facts, effects, sources) in tables beside the labels")


class Parser(argparse.ArgumentParser):
    """argparse with kzlaw's own framing of a usage error: one line, exit 2. The messages
    kzlaw's users meet most (unknown command, unknown format, a missing argument) are
    checked by kzlaw itself before and after parsing, so they do not change with argparse."""

    def error(self, message):  # noqa: D102 - argparse's hook
        self.exit(2, f"{self.prog}: {_one_line(message)} (see '{self.prog} --help')\n")


def need(p: argparse.ArgumentParser, name: str, metavar: str, help_: str = "",
         option: bool = False) -> None:
    """A required argument whose absence kzlaw reports itself (``missing_arguments``)."""
    if option:
        p.add_argument(name, metavar=metavar, default=None, help=help_)
    else:
        p.add_argument(name, metavar=metavar, nargs="?", default=None, help=help_)
    dest = name.lstrip("-").replace("-", "_")
    label = f"{name} {metavar}" if option else metavar
    needed = getattr(p, "_kz_needed", ()) + ((dest, label),)
    p._kz_needed = needed
    p.set_defaults(_needed=needed)


def paged(p: argparse.ArgumentParser, items: str) -> None:
    """``--offset`` and ``--limit``: one page of a long answer (``paging.py``); kzlaw checks
    the numbers itself, so the command line and the web app refuse them alike."""
    p.add_argument("--offset", metavar="N", default=None,
                   help=f"leave out the first N {items} (default: 0)")
    p.add_argument("--limit", metavar="N", default=None,
                   help=f"at most N {items} (default: all); the answer says how many there "
                        "are and where the next page starts")


def missing_arguments(args) -> list[str]:
    """The required arguments of the command that the command line left out, in order."""
    return [label for dest, label in getattr(args, "_needed", ())
            if getattr(args, dest, None) is None]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="kzlaw",
        description="What was in force, when, and why: Kazakhstan's counterterrorism, "
                    "counter-extremism and religion laws.")
    parser.add_argument("--version", action="version", version=f"kzlaw {__version__}")
    _common(parser, True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True

    def cmd(name, help_):
        p = sub.add_parser(name, help=help_, description=help_, prog=f"kzlaw {name}")
        _common(p, False)
        return p

    p = cmd("in-force", "the facts in force or uncertain on DATE")
    need(p, "date", "DATE", "a day, YYYY-MM-DD")
    p.add_argument("--kind", help="only facts of this kind (prohibition, designation, ...)")
    p.add_argument("--category", metavar="C",
                   help="only facts whose act belongs to this category (terrorism-related, ...)")
    p.add_argument("--status", metavar="STATUS", help="only in-force or only uncertain facts")
    p.add_argument("--about", metavar="X",
                   help="only facts about X (an organization, or a penalty's id)")
    paged(p, "facts")
    p = cmd("diff", "every fact whose status or attributes differ between two dates")
    need(p, "date_a", "DATE_A", "the earlier day, YYYY-MM-DD")
    need(p, "date_b", "DATE_B", "the later day, YYYY-MM-DD")
    paged(p, "changes")
    p = cmd("timeline", "the dated events and the changes they make, in order")
    p.add_argument("--from", dest="start", metavar="DATE",
                   help="only events on or after this day (default: from the first)")
    p.add_argument("--to", dest="end", metavar="DATE",
                   help="only events on or before this day (default: to the last)")
    paged(p, "events")
    p = cmd("history", "the life of one act, organization, institution, power, duty or measure")
    need(p, "id", "ID", "the id or an alias of an organization, act, institution, power, "
                        "duty or measure (hizb-ut-tahrir, HT, law-2011-religious-activity)")
    p = cmd("explain", "why a fact is or is not in force on a date")
    need(p, "kind", "KIND", "the fact's kind: " + ", ".join(FACT_KINDS))
    need(p, "target", "TARGET", "what the fact is of: an act, organization, institution, "
                                "power or duty (prayer-in-workplace, hizb-ut-tahrir)")
    p.add_argument("--about", default=None, metavar="X",
                   help="the organization a prohibition or penalty is about "
                        "(membership-in-banned-organization --about hizb-ut-tahrir)")
    need(p, "--at", "DATE", "the day of the question", option=True)
    p = cmd("show", "a measure with its effects as amended on DATE")
    need(p, "measure", "MEASURE", "the measure's id (law-2011-religious-activity)")
    p.add_argument("--at", default=None, metavar="DATE",
                   help="the day to show it on: which effects apply then (default: every effect "
                        "with what amends it)")
    p = cmd("serve", "the tracker in a browser and a JSON API (needs the web extra)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p = cmd("record-diff", "what the record said differently at two git revisions: the facts, "
                           "the corpus files and the commits")
    need(p, "rev_a", "REV_A", "the earlier record (a commit, tag, HEAD~N)")
    p.add_argument("rev_b", metavar="REV_B", nargs="?", default=None,
                   help="the later record (default: the files in the work tree)")
    p.add_argument("--at", default=None, metavar="DATE",
                   help="compare the answers on this day only (default: on every day)")
    p.add_argument("--kind", help="only facts of this kind (prohibition, designation, ...)")
    p = cmd("search", "find measures, facts, organizations and sources by their words")
    p.add_argument("words", metavar="WORDS", nargs="+",
                   help="words to find, in any case, in English, Russian or Kazakh")
    p = cmd("source", "a source: its citation, URL, date and what cites it")
    p.add_argument("id", metavar="ID", help="the source's id, as an answer cites it "
                                            "(almanac-fn51)")
    cmd("check", "validate the corpus and run the integrity rules (exit 1 on any error)")
    p = cmd("reports", "regenerate the reports/ folder from the corpus")
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if reports/ is stale")
    p.add_argument("--dir", default=None, metavar="DIR",
                   help="the reports folder (default: reports/ in the corpus folder)")
    p.add_argument("--force", action="store_true",
                   help="write into a folder holding files kzlaw did not write, or linked out "
                        "of the corpus (those files are never removed)")
    p = sub.add_parser("export", help="write the compiled record as tables (SQLite, "
                       "Parquet, JSONL) for SQL, DuckDB, pandas or Datasette",
                       description="write the compiled record of one or more corpora as "
                       "tables; see docs/export.md")
    p.add_argument("--data", metavar="DIR", action="append", dest="data_dirs", default=[],
                   help="a corpus, or a folder of corpora; repeat for several (default: "
                        "$KZLAW_DATA or the bundled corpus)")
    p.add_argument("--format", dest="export_format", required=True, choices=EXPORT_FORMATS,
                   help="sqlite: one file; parquet (needs kzlaw[export]): a folder of tables "
                        "partitioned by jurisdiction; jsonl: a folder of TABLE.jsonl files")
    p.add_argument("--output", dest="export_output", metavar="PATH", required=True,
                   help="the file (sqlite) or folder (parquet, jsonl) to write, atomically")
    p.add_argument("--no-cache", action="store_true", default=argparse.SUPPRESS,
                   help="always parse the corpus files, ignoring the compiled cache")
    return parser


# Commands that write their own files (--output is not the answer's file).
WRITES_ITSELF = ("reports", "export")
# Options common to every command that some commands have no use for: refused, not ignored.
_UNUSED = {"reports": {"--output": "writes its files into --dir DIR",
                       "--format": "writes Markdown"},
           "serve": {"--output": "answers in a browser, not in a file",
                     "--format": "answers in HTML and JSON (/api/...)"}}

INTERNAL_ERROR = 3  # a bug in kzlaw, not in the corpus or the question


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _usage_problem(parser: argparse.ArgumentParser, argv: list[str]) -> Optional[str]:
    """kzlaw's own message for an unknown command or format, or for no command at all."""
    formats = FORMATS
    takes_value = {o for a in parser._actions for o in a.option_strings if a.nargs != 0}
    commands = [c for a in parser._actions if isinstance(a, argparse._SubParsersAction)
                for c in a.choices]
    command, i = None, 0
    while i < len(argv):
        word = argv[i]
        if word in ("-h", "--help", "--version"):
            return None
        if word == "--format" or word.startswith("--format="):
            value = word.partition("=")[2] if "=" in word else \
                (argv[i + 1] if i + 1 < len(argv) else None)
            allowed = EXPORT_FORMATS if command == "export" else formats
            if value is not None and value not in allowed:
                return (f"unknown format {value!r}{suggest(value, allowed)}; "
                        f"formats: {', '.join(allowed)}")
        if command is None and not word.startswith("-"):
            command = word
        if word in takes_value and command is None:
            i += 1
        i += 1
    if command is None:
        return "a command is needed: " + ", ".join(commands)
    if command not in commands:
        return f"unknown command {command!r}{suggest(command, commands)}; commands: " \
            + ", ".join(commands)
    return None


def main(argv: Optional[list[str]] = None) -> int:
    """Run one command; return the exit code: 0 answered, 1 invalid corpus or question (one
    ``PATH:LINE: message`` line per problem on stderr), 2 bad usage, 3 internal error. Set
    ``KZLAW_DEBUG=1`` to see the traceback of an internal error."""
    # A short-lived process that builds large acyclic structures: collect garbage cycles
    # rarely (measured: a warm in-force on 40,000 measures runs about a quarter faster).
    gc.set_threshold(100_000, 50, 100)
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    problem = _usage_problem(parser, argv)
    if problem:
        parser.error(problem)
    args, extra = parser.parse_known_args(argv)
    if extra:
        options = sorted({o for a in parser._actions for o in a.option_strings} |
                         {o for a in parser._actions if isinstance(a, argparse._SubParsersAction)
                          for o in a.choices[args.command]._option_string_actions})
        word = extra[0]
        parser.error(f"{args.command}: unexpected argument {word!r}"
                     + (suggest(word.partition("=")[0], options) if word.startswith("-") else ""))
    missing = missing_arguments(args)
    if missing:
        parser.error(f"{args.command}: missing " + ", ".join(missing))
    fmt = args.format or "table"
    if args.output is not None and not args.output.strip():
        parser.error("--output needs a file name")
    if args.data is not None and not args.data.strip():
        parser.error("--data needs a folder name")
    if getattr(args, "dir", None) is not None and not args.dir.strip():
        parser.error("--dir needs a folder name")
    if args.command == "serve" and not args.host.strip():  # "" would listen on every network
        parser.error("--host needs an address (127.0.0.1 is this machine only; 0.0.0.0 every "
                     "network)")
    unused = _UNUSED.get(args.command, {})
    for option, value in (("--output", args.output), ("--format", args.format)):
        if value is not None and option in unused:
            parser.error(f"{args.command} {unused[option]}: drop {option}")
    if args.output == "-" and args.command not in WRITES_ITSELF:
        args.output = None  # the standard output, as for most commands that take a file
    if args.as_of is not None and args.command == "record-diff":
        parser.error("record-diff names its two revisions itself: drop --as-of")
    if args.as_of is not None and args.command == "export":
        parser.error("export writes the corpora's files as they are: drop --as-of")
    if args.as_of is not None and args.command == "reports" and not args.dir:
        parser.error("reports --as-of REV needs --dir DIR: reports/ holds the reports of "
                     "the files in the work tree")
    previous = _on_sigterm_raise()
    try:
        from . import commands
        text, code = commands.run(args, fmt)
        if text:
            if args.output is not None and args.command not in WRITES_ITSELF:
                commands.write_output(args, text)
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
    if sys.stdout is None:  # started with stdout closed: nobody reads the answer
        return
    try:
        sys.stdout.write(text)
    except OSError as e:
        if e.errno == errno.EBADF:  # stdout was closed: like a reader that went away
            raise BrokenPipeError(errno.EPIPE, "stdout is closed") from None
        raise
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
