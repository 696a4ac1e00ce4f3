"""Files -> model: find the corpus files, read them safely, structure them with cattrs.

Every problem becomes a ``Problem(path, line, message)``; loading goes on past a bad file so
that ``kzlaw check`` can report all of them at once. Cross-references between files are
checked afterwards, in ``check.py``.
"""

from __future__ import annotations

import gc
import os
import re
import stat
from datetime import date
from collections.abc import Mapping
from typing import Any, Optional

import attrs

from . import dates as _dates
from .dates import Alternative, DateError, UncertainDate
from .model import (
    DESIGNATIONS, LIABILITIES, MEASURE_KINDS, SOURCE_KINDS, STATUSES, CHOICES, PATTERN_KINDS, VOCAB_SECTIONS, CorpusInfo, Dates, Effect, EffectFields, Measure, MeasureFields, Pattern, Rule,
    LANGUAGE_CODE, Source, SourceRef, Titles, VocabEntry, is_slug, words_problem,
)
from .problems import Problem, suggest
from .yamlfile import LMap, LSeq, YamlProblem, forget_texts, load_file, locate

RENAMED = {"as_": "as", "with_": "with", "from_": "from"}


class MeasureFiles(Mapping):
    """measure id -> (relative path, what gives its lines: the parsed file, or its
    ``check.Lines``), the file each measure was read from (``RawCorpus.measure_files``).

    A measure read whole keeps no path of its own: the loader reads a measure only from
    ``measures/<year>/<id>.yaml``, so it keeps ``(folder, lines)``, one pair shared by every
    measure of the folder laid out alike, and the path is made again when asked for
    (measured on 50,000 measures: 6.7 MB of the 74 MB a load holds, a path string and a
    pair each; docs/decisions.md). Any other entry is kept as it is given."""

    __slots__ = ("_where",)

    def __init__(self, where: Optional[dict] = None):
        self._where = {} if where is None else where

    def __getitem__(self, ident: str) -> tuple:
        got = self._where[ident]
        folder = got[0]
        if folder.endswith(".yaml"):  # a whole path: kept as given
            return got
        return (f"{folder}/{ident}.yaml", got[1])

    def __contains__(self, ident) -> bool:
        return ident in self._where

    def __iter__(self):
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def __setitem__(self, ident: str, value: tuple) -> None:
        self._where[ident] = value

    def keep(self, ident: str, rel: str, lines, pairs: dict) -> None:
        """Keep ``(rel, lines)`` for the measure: as ``(folder, lines)`` when ``rel`` is
        ``folder/<ident>.yaml``, the pair shared through ``pairs`` (a dict kept for one
        load) with the measures of that folder keeping the very same ``lines``."""
        folder, _, name = rel.rpartition("/")
        if name != ident + ".yaml" or not folder:
            self._where[ident] = (rel, lines)
            return
        key = (folder, id(lines))
        pair = pairs.get(key)
        if pair is None:  # (a pair keeps its lines alive: no id is reused meanwhile)
            pair = pairs[key] = (folder, lines)
        self._where[ident] = pair


@attrs.define
class RawCorpus:
    """What the files say, typed, with where each thing was written."""

    root: str
    info: Optional[CorpusInfo] = None
    vocabulary: dict[str, dict[str, VocabEntry]] = attrs.Factory(dict)
    sources: dict[str, Source] = attrs.Factory(dict)
    measures: dict[str, Measure] = attrs.Factory(dict)
    rules: dict[str, Rule] = attrs.Factory(dict)
    # id -> (relative path, parsed YAML) for line look-ups in check.py
    measure_files: MeasureFiles = attrs.Factory(MeasureFiles)
    rule_files: dict[str, tuple[str, Any]] = attrs.Factory(dict)
    vocabulary_file: tuple[str, Any] = ("measures/vocabulary.yaml", None)
    sources_file: tuple[str, Any] = ("measures/sources.yaml", None)
    # where each vocabulary entry ((section, id)) and each source (id) is defined: (relative
    # path, parsed YAML of that file), for line look-ups across a folder of files
    vocabulary_where: dict[tuple, tuple[str, Any]] = attrs.Factory(dict)
    sources_where: dict[str, tuple[str, Any]] = attrs.Factory(dict)
    problems: list[Problem] = attrs.Factory(list)
    # What could not be loaded, as "measure:ID", "source:ID", "vocab:ID", or "source:*" and
    # "vocab:*" for a whole file: references to these are not reported again as unknown (the
    # broken file's own problems say what is wrong, and one mistake gives one message).
    broken: set[str] = attrs.Factory(set)


# --- cattrs -----------------------------------------------------------------------------------

def _structure_text(value, _type):
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {_describe(value)}")
    return value


def _structure_int(value, _type):
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    raise TypeError(f"expected a whole number (at most 9 digits), found {_describe(value)}")


def _choice_hook(name: str, values: tuple):
    def hook(value, _type):
        if not isinstance(value, str):
            raise TypeError(f"expected text, found {_describe(value)}")
        if value not in values:
            raise ValueError(f"{name} {value!r} is not one of " + ", ".join(values))
        return value
    return hook


def _structure_titles(value, _type) -> tuple:
    """``titles: {ru: ..., kk: ...}``: language codes (ru, kk, en, ...) to titles."""
    if not isinstance(value, dict):
        raise TypeError(f"expected a mapping of language codes to titles, found "
                        f"{_describe(value)}")
    out = []
    for code, title in value.items():
        if not LANGUAGE_CODE.match(code):
            raise TypeError(f"{code!r} is not a language code (e.g. ru, kk, en)")
        if not isinstance(title, str) or not title.strip():
            raise TypeError(f"{code}: expected the title as text, found {_describe(title)}")
        out.append((code, title))
    return tuple(out)


def _structure_date(value, _type) -> UncertainDate:
    return structure_date(value)


def structure_date(value) -> UncertainDate:
    """A date field in any of the semantics.md §3 forms: text, one-item range list, mapping, alternatives."""
    if isinstance(value, str):
        return _dates.parse_edtf(value)
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], str):
            return _dates.parse_edtf(f"[{value[0]}]")  # unquoted [..2011]
        if value and all(isinstance(v, dict) for v in value):
            alts = []
            for i, item in enumerate(value):
                try:
                    alts.append(_alternative(i, item))
                except DateError as e:
                    e.item = i  # reported on the alternative's own line
                    raise
            if len(alts) < 2:
                raise DateError("a list of alternatives needs at least two")
            standing = [a for a in alts if not a.rejected]
            if not standing:
                raise DateError("every alternative is rejected: at least one must stand")
            # the range is the hull of the alternatives that stand; rejected ones are listed
            lo, hi = _dates.hull([a.date for a in standing])
            text = standing[0].date.text + standing[0].date.flag if len(standing) == 1 else \
                "[" + " | ".join(a.date.text + a.date.flag for a in standing) + "]"
            return UncertainDate(lo, hi, text, "", alternatives=tuple(alts))
        raise DateError("a date list is either one range like [..2011] or alternatives "
                        "[{date: ..., ref: ...}, ...]")
    if isinstance(value, dict):
        extra = set(value) - set(DATE_FIELDS)
        if extra:
            key = sorted(extra)[0]
            raise DateError(f"unknown field {key!r} in a date" + suggest(key, DATE_FIELDS))
        if "date" not in value:
            raise DateError("a date written as a mapping needs 'date'")
        for k in value:
            if not isinstance(value[k], str):
                raise DateError(f"date field {k!r} must be text")
        _words_problem(value, "")
        d = _dates.parse_edtf(value["date"])
        return attrs.evolve(d, as_written=value.get("as_written"), note=value.get("note"),
                            ref=value.get("ref"), quote=value.get("quote"),
                            summary=value.get("summary"), translation=value.get("translation"))
    raise DateError(f"expected a date, found {_describe(value)}")


DATE_FIELDS = ("date", "as_written", "ref", "quote", "summary", "translation", "note")
ALTERNATIVE_FIELDS = DATE_FIELDS + ("rejected",)


def _words_problem(item: dict, prefix: str) -> None:
    problem = words_problem(item.get("quote"), item.get("summary"), item.get("translation"))
    if problem:
        raise DateError(prefix + problem)


def _alternative(i: int, item: dict) -> Alternative:
    extra = set(item) - set(ALTERNATIVE_FIELDS)
    if extra:
        key = sorted(extra)[0]
        raise DateError(f"alternative {i + 1}: unknown field {key!r}"
                        + suggest(key, ALTERNATIVE_FIELDS))
    if "date" not in item or "ref" not in item:
        raise DateError(f"alternative {i + 1} needs both 'date' and 'ref'")
    for k in item:
        if not isinstance(item[k], str):
            raise DateError(f"alternative {i + 1}: {k} must be text")
    _words_problem(item, f"alternative {i + 1}: ")
    if "rejected" in item and not item["rejected"].strip():
        raise DateError(f"alternative {i + 1}: rejected needs the reason the curator set it "
                        "aside")
    return Alternative(_dates.parse_edtf(item["date"]), item["ref"], item.get("quote"),
                       item.get("as_written"), item.get("note"), item.get("summary"),
                       item.get("translation"), item.get("rejected"))


def _describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _is_tuple(t) -> bool:
    return getattr(t, "__origin__", None) is tuple


def _make_converter():
    import cattrs
    from cattrs.gen import make_dict_structure_fn, override
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _structure_text)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(UncertainDate, _structure_date)
    conv.register_structure_hook(Titles, _structure_titles)
    for choice, (name, values) in CHOICES.items():
        conv.register_structure_hook(choice, _choice_hook(name, values))
    conv.register_structure_hook_factory(_is_tuple, lambda t: _list_to_tuple(conv, t))
    for cls in (SourceRef, VocabEntry, Source, Dates, MeasureFields, EffectFields):
        attrs.resolve_types(cls)
    # Effect and Measure are kept in fewer slots than they have fields (model.py): cattrs
    # structures their fields, each its own attribute, and they are made of those.
    effect_fields = make_dict_structure_fn(
        EffectFields, conv, _cattrs_forbid_extra_keys=True,
        **{name: override(rename=key) for name, key in RENAMED.items()})
    conv.register_structure_hook(
        Effect, lambda value, _type: effect_fields(value, EffectFields).effect())
    conv.register_structure_hook(
        Measure, lambda value, _type: conv.structure(value, MeasureFields).measure())
    return conv


def _list_to_tuple(conv, t):
    inner = t.__args__[0]

    def hook(value, _type):
        if not isinstance(value, list):
            raise TypeError(f"expected a list, found {_describe(value)}")
        return tuple(conv.structure(value, list[inner]))  # type: ignore[valid-type]

    return hook


_CONVERTER = None


def converter():
    """The cattrs converter, made the first time a file needs it: plainly right files are
    built without it (the direct path below), so a corpus of them never imports cattrs."""
    global _CONVERTER
    if _CONVERTER is None:
        _CONVERTER = _make_converter()
    return _CONVERTER


def _leaves(exc, path=()):
    """(path, exception) for each leaf of a cattrs validation error."""
    from cattrs.errors import ClassValidationError, IterableValidationError
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            step = note.index if isinstance(exc, IterableValidationError) else \
                RENAMED.get(note.name, note.name)
            yield from _leaves(sub, path + (step,))
        for sub in without:
            yield from _leaves(sub, path)
    else:
        yield path, exc


def _field_names(cls) -> list[str]:
    return [RENAMED.get(a.name, a.name) for a in attrs.fields(cls)]


_ENUM = re.compile(r"^(\w+) '(.*)' is not one of (.*)$")


def _value_problem(relpath: str, node, line: int, where: str, exc: Exception) -> Problem:
    """A validator's ``ValueError`` (``FIELD VALUE is not ...``), on the line of FIELD when the
    node is a mapping that has it, with a "did you mean" for a choice among fixed values."""
    message = " ".join(str(exc).split())
    field = message.split(" ", 1)[0]
    if isinstance(node, LMap) and field in node.lines:
        line = node.lines[field]
    if where.endswith("." + field) or where == field:
        where = where[: -len(field)].rstrip(".")
    m = _ENUM.match(message)
    if m:
        message += suggest(m.group(2), [c.strip() for c in m.group(3).split(",")])
        if m.group(2).lower() in ("yes", "no", "true", "false", "on", "off", "y", "n"):
            message += " (kzlaw reads yes/no/true/false as plain words, not booleans)"
    return Problem(relpath, line, f"{where}: {message}" if where else message)


def structure(raw, cls, relpath: str, problems: list[Problem]):
    """``converter().structure`` with every failure turned into a located Problem."""
    conv = converter()
    from cattrs.errors import (ClassValidationError, ForbiddenExtraKeysError,
                               IterableValidationError)
    try:
        return conv.structure(raw, cls)
    except (ClassValidationError, IterableValidationError) as e:
        for path, exc in _leaves(e):
            node, line = locate(raw, path)
            where = ".".join(str(p) for p in path)
            if isinstance(exc, ForbiddenExtraKeysError):
                known = _field_names(exc.cl) if attrs.has(exc.cl) else []
                for key in sorted(exc.extra_fields):
                    kline = node.lines.get(key, line) if isinstance(node, LMap) else line
                    problems.append(Problem(relpath, kline,
                                            f"unknown field {key!r}{suggest(key, known)}"))
            elif isinstance(exc, KeyError):
                field = RENAMED.get(exc.args[0], exc.args[0]) if exc.args else "?"
                if path and path[-1] == field:  # cattrs names the missing field as the path
                    node, line = locate(raw, path[:-1])
                    where = ".".join(str(p) for p in path[:-1])
                problems.append(Problem(relpath, line, f"missing required field {field!r}"
                                        + (f" in {where}" if where else "")))
            elif isinstance(exc, AttributeError) or (isinstance(exc, TypeError)
                                                      and not isinstance(node, (LMap, str))
                                                      and "found" not in str(exc)):
                # cattrs calls .keys()/.items() on what should be a mapping
                problems.append(Problem(relpath, line, f"{where or 'this'}: expected a mapping, "
                                        f"found {_describe(node)}"))
            elif isinstance(exc, ValueError) and not isinstance(exc, DateError):
                problems.append(_value_problem(relpath, node, line, where, exc))
            elif isinstance(exc, (ValueError, TypeError)):
                item = getattr(exc, "item", None)  # an alternative of a date: its own line
                if item is not None and isinstance(node, LSeq) and item < len(node.lines):
                    line = node.lines[item]
                message = " ".join(str(exc).split())
                problems.append(Problem(relpath, line, f"{where}: {message}" if where
                                        else message))
            else:
                problems.append(Problem(relpath, line, f"{where}: {type(exc).__name__}: "
                                        + " ".join(str(exc).split())))
        return None
    except AttributeError:
        problems.append(Problem(relpath, getattr(raw, "line", 0),
                                f"expected a mapping, found {_describe(raw)}"))
        return None
    except (ValueError, TypeError) as e:
        line = getattr(raw, "line", 0)
        if isinstance(e, ValueError) and not isinstance(e, DateError):
            problems.append(_value_problem(relpath, raw, line, "", e))
        else:
            problems.append(Problem(relpath, line, " ".join(str(e).split())))
        return None


# --- the direct path ---------------------------------------------------------------------------
# cattrs (``structure`` above) is the reference: it builds the model and, for anything wrong,
# says what and where. Building a Measure through it costs more than reading its file, so
# measures, vocabulary entries and source citations that are plainly right are built directly
# here, and anything the direct path does not expect (an unknown or missing field, a value of
# the wrong type or not among the choices, a date it cannot parse) raises _Decline and goes
# the cattrs way, which gives the same objects and every message. tests/test_fast_paths.py
# checks the two build equal objects.

class _Decline(Exception):
    pass


_MEASURE_REQUIRED = ("id", "title", "kind", "status", "dates", "sources")
_MEASURE_FIELDS = frozenset(_MEASURE_REQUIRED + ("number", "titles", "note", "effects"))
_DATE_KEYS = frozenset(("introduced", "adopted", "in_force", "expires", "failed"))
_REF_FIELDS = frozenset(("ref", "quote", "summary", "translation", "note"))
_EFFECT_TEXT = ("id", "prohibits", "requires", "designates", "establishes", "empowers",
                "penalizes", "repeals", "replaces", "amends", "penalty", "note", "article")
_EFFECT_FIELDS = frozenset(_EFFECT_TEXT + ("liability", "as", "deadline", "with", "from",
                                           "until", "sources"))
_VOCAB_FIELDS = frozenset(("label", "aliases", "note", "categories"))
_MEASURE_KIND_SET = frozenset(MEASURE_KINDS)
_STATUS_SET = frozenset(STATUSES)
_LIABILITY_SET = frozenset(LIABILITIES)
_DESIGNATION_SET = frozenset(DESIGNATIONS)
_DATE_MEMO: dict = {}


def _d_text(value):
    if value is None or value.__class__ is str:
        return value
    raise _Decline


def _d_date(value):
    """A date field's value; plain text dates are shared (UncertainDate is frozen)."""
    if value is None:
        return None
    if value.__class__ is str:
        hit = _DATE_MEMO.get(value)
        if hit is None:
            try:
                hit = _dates.parse_edtf(value)
            except DateError:
                raise _Decline from None
            if len(_DATE_MEMO) > 200_000:
                _DATE_MEMO.clear()
            _DATE_MEMO[value] = hit
        return hit
    try:
        return structure_date(value)
    except (DateError, TypeError, ValueError, AttributeError):
        raise _Decline from None


def _d_refs(value, shared: Optional[dict] = None) -> tuple:
    """The citations ``value`` lists; with ``shared`` (see _direct_measure), equal citations
    and equal lists of them are one object."""
    if value.__class__ is not LSeq:
        raise _Decline
    out = []
    for item in value:
        if item.__class__ is not LMap or not item.keys() <= _REF_FIELDS:
            raise _Decline
        ref = item.get("ref")
        if ref.__class__ is not str or not is_slug(ref):
            raise _Decline
        made = SourceRef(ref, _d_text(item.get("quote")), _d_text(item.get("summary")),
                         _d_text(item.get("translation")), _d_text(item.get("note")))
        out.append(made if shared is None else shared.setdefault(made, made))
    refs = tuple(out)
    return refs if shared is None or not refs else shared.setdefault(refs, refs)


def _d_effect(item, shared: Optional[dict] = None) -> Effect:
    if item.__class__ is not LMap or not item.keys() <= _EFFECT_FIELDS:
        raise _Decline
    get = item.get
    ident = get("id")
    if ident is not None and (ident.__class__ is not str or not is_slug(ident)):
        raise _Decline
    liability, as_ = get("liability"), get("as")
    if liability is not None and (liability.__class__ is not str
                                  or liability not in _LIABILITY_SET):
        raise _Decline
    if as_ is not None and (as_.__class__ is not str or as_ not in _DESIGNATION_SET):
        raise _Decline
    with_ = get("with")
    sources = get("sources")
    return Effect(ident, _d_text(get("prohibits")), _d_text(get("requires")),
                  _d_text(get("designates")), _d_text(get("establishes")),
                  _d_text(get("empowers")), _d_text(get("penalizes")), _d_text(get("repeals")),
                  _d_text(get("replaces")), _d_text(get("amends")), liability, as_,
                  _d_date(get("deadline")), _d_text(get("penalty")),
                  None if with_ is None else _d_effect(with_, shared), _d_date(get("from")),
                  _d_date(get("until")), () if sources is None and "sources" not in item
                  else _d_refs(sources, shared), _d_text(get("note")), _d_text(get("article")))


def _direct_measure(data: LMap, shared: Optional[dict] = None) -> Measure:
    """The Measure ``data`` says, built without cattrs; raises _Decline on anything unusual.
    ``shared``: a dict kept for one corpus's load, through which equal citations, lists of
    citations and dates blocks of its measures are one object (each is immutable; a corpus
    of many measures citing one source has many equal ones). It holds them by themselves,
    no key made for them: a corpus whose citations all differ pays no memory for it."""
    if not data.keys() <= _MEASURE_FIELDS:
        raise _Decline
    get = data.get
    ident, title, kind, status = get("id"), get("title"), get("kind"), get("status")
    if ident.__class__ is not str or title.__class__ is not str or \
            kind.__class__ is not str or status.__class__ is not str or \
            kind not in _MEASURE_KIND_SET or status not in _STATUS_SET or not is_slug(ident):
        raise _Decline
    dates = get("dates")
    if dates.__class__ is not LMap or not dates.keys() <= _DATE_KEYS:
        raise _Decline
    dget = dates.get
    made = Dates(_d_date(dget("introduced")), _d_date(dget("adopted")),
                 _d_date(dget("in_force")), _d_date(dget("expires")), _d_date(dget("failed")))
    if shared is not None:
        made = shared.setdefault(made, made)
    titles = ()
    if "titles" in data:
        try:
            titles = _structure_titles(data["titles"], Titles)
        except TypeError:
            raise _Decline from None
    effects = get("effects")
    if effects is None:
        if "effects" in data:
            raise _Decline
        effects = ()
    elif effects.__class__ is not LSeq:
        raise _Decline
    return Measure(ident, title, kind, status, made, _d_refs(get("sources"), shared),
                   _d_text(get("number")), titles, _d_text(get("note")),
                   tuple(_d_effect(e, shared) for e in effects))


_SOURCE_FIELDS = frozenset(("citation", "kind", "url", "published", "document", "footnote",
                            "passage", "note"))
_SOURCE_KIND_SET = frozenset(SOURCE_KINDS)


def _direct_source(body) -> Source:
    if body.__class__ is not LMap or not body.keys() <= _SOURCE_FIELDS:
        raise _Decline
    get = body.get
    citation, kind, footnote = get("citation"), get("kind"), get("footnote")
    if citation.__class__ is not str or kind.__class__ is not str or \
            kind not in _SOURCE_KIND_SET:
        raise _Decline
    if footnote is not None:
        try:
            footnote = _structure_int(footnote, int)
        except TypeError:
            raise _Decline from None
    return Source(citation, kind, _d_text(get("url")), _d_date(get("published")),
                  _d_text(get("document")), footnote, _d_text(get("passage")),
                  _d_text(get("note")))


def _direct_vocab(body) -> VocabEntry:
    if body.__class__ is not LMap or not body.keys() <= _VOCAB_FIELDS:
        raise _Decline
    label = body.get("label")
    if label.__class__ is not str:
        raise _Decline
    lists = []
    for key in ("aliases", "categories"):
        value = body.get(key)
        if value is None and key not in body:
            lists.append(())
            continue
        if value.__class__ is not LSeq or any(v.__class__ is not str for v in value):
            raise _Decline
        lists.append(tuple(value))
    return VocabEntry(label, lists[0], _d_text(body.get("note")), lists[1])


# --- files ------------------------------------------------------------------------------------

def _corpus_files(root: str, problems: list[Problem],
                  refused: Optional[list[str]] = None) -> tuple[list[str], list[str]]:
    """Relative paths of measure files and rule files. Every folder and file under measures/
    and rules/ is looked at: a folder that cannot be read, a link that leaves the corpus or
    loops back, and a file that looks like a corpus file but would not be read (``x.yml``,
    ``x.YAML``, ``x.yaml~``, ``x.yaml.bak``, ``.x.yaml.swp``, ``#x.yaml#``) are each a problem,
    so no answer comes from a corpus read in part. Links inside the corpus are followed. (The
    relative paths of refused ``.yaml`` files are added to ``refused``.)"""
    refused = [] if refused is None else refused
    real_root = os.path.realpath(root)
    measures, rules = [], []
    for sub, out in (("measures", measures), ("rules", rules)):
        top = os.path.join(root, sub)
        if not os.path.isdir(top):
            if sub == "measures":
                problems.append(Problem(root, 0, "not a kzlaw corpus: no measures/ folder"))
            elif os.path.lexists(top):
                problems.append(Problem(sub, 0, "cannot read folder: not a folder"))
            continue
        _walk(root, real_root, sub, (), problems, refused, out)
    return measures, rules


def _walk(root: str, real_root: str, rel: str, ancestors: tuple, problems: list[Problem],
          refused: list[str], out: list[str]) -> None:
    full = os.path.join(root, rel)
    try:
        here = os.stat(full)
        with os.scandir(full) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        problems.append(Problem(rel, 0, f"cannot read folder: {e.strerror or e}"))
        return
    ancestors = ancestors + ((here.st_dev, here.st_ino),)
    for entry in entries:
        name = entry.name
        path = rel + "/" + name
        link = entry.is_symlink()
        if link and not _inside(entry.path, real_root):
            problems.append(Problem(path, 0, "symbolic link points outside the corpus"))
            if name.endswith(".yaml"):
                refused.append(path)
            continue
        why = None if entry.is_dir(follow_symlinks=False) else _not_read(name)
        if why is not None:  # before following it: an editor's lock file is a dangling link
            problems.append(Problem(path, 0, why))
            continue
        try:
            st = os.stat(entry.path)
        except OSError as e:
            problems.append(Problem(path, 0, f"cannot read: {e.strerror or e}"))
            if name.endswith(".yaml"):
                refused.append(path)
            continue
        if stat.S_ISDIR(st.st_mode):
            if (st.st_dev, st.st_ino) in ancestors:
                problems.append(Problem(path, 0, "symbolic link loops back to a folder that "
                                        "contains it"))
            else:
                _walk(root, real_root, path, ancestors, problems, refused, out)
            continue
        if not name.endswith(".yaml"):
            continue  # not a corpus file (README.md, .gitkeep, notes)
        if not stat.S_ISREG(st.st_mode):
            problems.append(Problem(path, 0, "not a regular file"))
            refused.append(path)
            continue
        out.append(path)


_BACKUP = re.compile(r"^(\.?#.*|\..*\.sw[a-p]|.*~|.*\.(bak|orig|rej|tmp|old|swp|swo))$",
                     re.IGNORECASE)


def _not_read(name: str) -> Optional[str]:
    """Why a file that looks like a corpus file would not be read, or None."""
    lower = name.lower()
    if ".yaml" not in lower and ".yml" not in lower:
        return None
    if name.endswith(".yaml") and not _BACKUP.match(name):
        return None
    if _BACKUP.match(name):
        return ("not read: an editor's backup or temporary file (corpus files end in .yaml): "
                "delete it or move it out of the corpus")
    if lower.endswith(".yml"):
        return "corpus files end in .yaml, not .yml"
    if lower.endswith(".yaml"):
        return f"corpus files end in .yaml (lower case), not {name[-5:]}: rename it"
    return ("not read: corpus files end in .yaml; rename it, or move it out of the corpus if "
            "it is not a corpus file")


def _inside(path: str, real_root: str) -> bool:
    target = os.path.realpath(path)
    return target == real_root or target.startswith(real_root + os.sep)


def _read(root: str, rel: str, problems: list[Problem]):
    try:
        return load_file(os.path.join(root, rel)), True
    except YamlProblem as p:
        problems.append(Problem(rel, p.line, p.message))
    except OSError as e:
        problems.append(Problem(rel, 0, f"cannot read: {e.strerror or e}"))
    return None, False


def load_raw(root: str) -> RawCorpus:
    """Read every file of the corpus at ``root``; problems are collected, not raised."""
    enabled = gc.isenabled()
    gc.disable()  # many small acyclic objects: see Corpus.__init__
    try:
        return _load_raw(root)
    finally:
        # What only the reading shared (equal texts, dates parsed once) goes with it: what
        # was built keeps its own objects.
        forget_texts()
        _DATE_MEMO.clear()
        if enabled:
            gc.enable()


def _load_raw(root: str) -> RawCorpus:
    corpus = RawCorpus(root=root)
    problems = corpus.problems
    refused: list[str] = []
    measure_paths, rule_paths = _corpus_files(root, problems, refused)
    corpus.info = default_info(root)
    if CORPUS_FILE in measure_paths:
        measure_paths.remove(CORPUS_FILE)
        data, ok = _read(root, CORPUS_FILE, problems)
        if ok:
            _load_info(corpus, CORPUS_FILE, data)
    # The vocabulary and the sources: one file, a folder of files, or both (read as one).
    shared = {"vocabulary": [], "sources": []}
    for rel in list(measure_paths):
        what = _shared_kind(rel)
        if what is not None:
            measure_paths.remove(rel)
            if rel.count("/") > 2:
                problems.append(Problem(rel, 0, f"a {what} file belongs in measures/{what}.yaml "
                                        f"or measures/{what}/<name>.yaml"))
                corpus.broken.add(_BROKEN_ALL[what])
            else:
                shared[what].append(rel)
    for what, rel in (("vocabulary", VOCABULARY_FILE), ("sources", SOURCES_FILE)):
        if not shared[what] and os.path.isdir(os.path.join(root, "measures")):
            if rel not in refused:
                problems.append(Problem(rel, 0, "missing: every corpus needs this file"))
            corpus.broken.add(_BROKEN_ALL[what])
    for rel in refused:
        if rel.startswith("measures/"):
            corpus.broken.add(_broken_key(rel))
    for what in ("vocabulary", "sources"):
        for rel in sorted(shared[what]):  # the single file before the folder's files
            data, ok = _read(root, rel, problems)
            if not ok or not _top_mapping(rel, data, []):
                corpus.broken.add(_BROKEN_ALL[what])
            if not ok:
                continue
            if what == "vocabulary":
                if corpus.vocabulary_file[1] is None:
                    corpus.vocabulary_file = (rel, data)
                _load_vocabulary(corpus, rel, data)
            else:
                if corpus.sources_file[1] is None:
                    corpus.sources_file = (rel, data)
                _load_sources(corpus, rel, data)
    shapes: dict = {}  # see _load_measure
    pairs: dict = {}  # see MeasureFiles.keep
    equal: dict = {}  # see _direct_measure
    for rel in measure_paths:
        data, ok = _read(root, rel, problems)
        if not ok or not _top_mapping(rel, data, []):
            corpus.broken.add(_broken_key(rel))
        if not ok:
            continue
        _load_measure(corpus, rel, data, shapes, equal, pairs)
    for rel in rule_paths:
        data, ok = _read(root, rel, problems)
        if ok:
            _load_rule(corpus, rel, data)
    return corpus


CORPUS_FILE = "measures/corpus.yaml"
INFO_FIELDS = ("title", "jurisdiction", "curated_from", "curated_until", "corrections_since")


def default_info(root: str) -> CorpusInfo:
    """A corpus without ``measures/corpus.yaml`` is named after its folder and has no horizon."""
    name = os.path.basename(os.path.realpath(root).rstrip(os.sep)) or root
    return CorpusInfo(title=name)


def _load_info(corpus: RawCorpus, rel: str, data) -> None:
    """``measures/corpus.yaml``: title, jurisdiction, curated_from, curated_until (each
    optional; the two days are single days, ``YYYY-MM-DD``)."""
    problems = corpus.problems
    if not _top_mapping(rel, data, problems):
        return
    values: dict = {}
    for key, value in data.items():
        line = data.lines[key]
        if key not in INFO_FIELDS:
            problems.append(Problem(rel, line, f"unknown field {key!r}"
                                    + suggest(key, INFO_FIELDS)))
        elif not isinstance(value, str):
            problems.append(Problem(rel, line, f"{key}: expected text, found {_describe(value)}"))
        elif key.startswith("curated_"):
            try:
                values[key] = date.fromordinal(_dates.parse_day(value))
            except DateError as e:
                problems.append(Problem(rel, line, f"{key}: {e}"))
        else:
            values[key] = value
    lo, hi = values.get("curated_from"), values.get("curated_until")
    if lo is not None and hi is not None and hi < lo:
        problems.append(Problem(rel, data.lines["curated_until"],
                                f"curated_until {hi.isoformat()} is before curated_from "
                                f"{lo.isoformat()}"))
        return
    corpus.info = CorpusInfo(title=values.get("title", corpus.info.title),
                             jurisdiction=values.get("jurisdiction"),
                             curated_from=lo, curated_until=hi,
                             corrections_since=values.get("corrections_since"))


VOCABULARY_FILE = "measures/vocabulary.yaml"
SOURCES_FILE = "measures/sources.yaml"
_BROKEN_ALL = {"vocabulary": "vocab:*", "sources": "source:*"}


def _shared_kind(rel: str) -> Optional[str]:
    """"vocabulary" or "sources" for their file or a file of their folder, else None."""
    for what in ("vocabulary", "sources"):
        if rel == f"measures/{what}.yaml" or rel.startswith(f"measures/{what}/"):
            return what
    return None


def _broken_key(rel: str) -> str:
    what = _shared_kind(rel)
    if what is not None:
        return _BROKEN_ALL[what]
    return "measure:" + os.path.basename(rel).rsplit(".", 1)[0]


def _top_mapping(rel: str, data, problems: list[Problem]) -> bool:
    if data is None:
        problems.append(Problem(rel, 1, "file is empty"))
        return False
    if not isinstance(data, LMap):
        problems.append(Problem(rel, getattr(data, "line", 1),
                                "expected a mapping at the top of the file, found "
                                + _describe(data)))
        return False
    return True


def _id_problems(rel: str, data: LMap, stem_must_match: bool,
                 problems: list[Problem]) -> Optional[str]:
    ident = data.get("id")
    line = data.lines.get("id", data.line)
    if "id" not in data:
        problems.append(Problem(rel, data.line, "missing required field 'id'"))
        return None
    if not is_slug(ident):
        problems.append(Problem(rel, line, f"id {ident!r} is not a slug "
                                "(lower-case letters, digits and single hyphens, at most 80)"))
        return None
    stem = os.path.basename(rel)[: -len(".yaml")]
    if stem_must_match and ident != stem:
        problems.append(Problem(rel, line, f"id {ident!r} does not match the file name "
                                f"{stem + '.yaml'!r}"))
        return None
    return ident


def _load_vocabulary(corpus: RawCorpus, rel: str, data) -> None:
    problems = corpus.problems
    if not _top_mapping(rel, data, problems):
        return
    for section, entries in data.items():
        line = data.lines[section]
        if section not in VOCAB_SECTIONS:
            problems.append(Problem(rel, line, f"unknown vocabulary section {section!r}"
                                    + suggest(section, VOCAB_SECTIONS)))
            corpus.broken.add("vocab:*")
            continue
        if entries is None:
            corpus.vocabulary[section] = {}
            continue
        if not isinstance(entries, LMap):
            problems.append(Problem(rel, line, f"{section}: expected a mapping of ids, "
                                    f"found {_describe(entries)}"))
            corpus.broken.add("vocab:*")
            continue
        out = corpus.vocabulary.setdefault(section, {})
        for ident, body in entries.items():
            eline = entries.lines[ident]
            if not is_slug(ident):
                problems.append(Problem(rel, eline, f"{section}: {ident!r} is not a slug"))
                continue
            first = corpus.vocabulary_where.get((section, ident))
            if first is not None:
                problems.append(Problem(rel, eline, f"{section}: {ident!r} is defined twice "
                                        f"(also at {_place(first, section, ident)})"))
                continue
            corpus.vocabulary_where[(section, ident)] = (rel, data)
            try:
                entry = _direct_vocab(body)
            except _Decline:
                entry = _structure_at(body, VocabEntry, rel, eline, problems)
            if entry is not None:
                out[ident] = entry
            else:
                corpus.broken.add("vocab:" + ident)


def _place(where: tuple, *path) -> str:
    """``PATH:LINE`` of an entry in the file ``where`` = (relative path, parsed YAML)."""
    rel, data = where
    return f"{rel}:{locate(data, path)[1]}"


def _structure_at(body, cls, rel, line, problems):
    if not isinstance(body, LMap):
        problems.append(Problem(rel, line, f"expected a mapping, found {_describe(body)}"))
        return None
    return structure(body, cls, rel, problems)


def _load_sources(corpus: RawCorpus, rel: str, data) -> None:
    if not _top_mapping(rel, data, corpus.problems):
        return
    for ident, body in data.items():
        line = data.lines[ident]
        if not is_slug(ident):
            corpus.problems.append(Problem(rel, line, f"source id {ident!r} is not a slug"))
            continue
        first = corpus.sources_where.get(ident)
        if first is not None:
            corpus.problems.append(Problem(rel, line, f"source {ident!r} is defined twice "
                                           f"(also at {_place(first, ident)})"))
            continue
        corpus.sources_where[ident] = (rel, data)
        try:
            src = _direct_source(body)
        except _Decline:
            src = _structure_at(body, Source, rel, line, corpus.problems)
        if src is not None:
            corpus.sources[ident] = src
        else:
            corpus.broken.add("source:" + ident)


def _load_measure(corpus: RawCorpus, rel: str, data, shapes: Optional[dict] = None,
                  shared: Optional[dict] = None, pairs: Optional[dict] = None) -> None:
    """``shapes``: the Lines already kept for this corpus (files laid out alike share one);
    ``shared``: see _direct_measure; ``pairs``: see MeasureFiles.keep."""
    problems = corpus.problems
    parts = rel.split("/")
    if len(parts) != 3 or not (len(parts[1]) == 4 and parts[1].isascii() and parts[1].isdigit()):
        problems.append(Problem(rel, 0, "a measure file belongs in measures/<year>/<id>.yaml"))
        return
    if not _top_mapping(rel, data, problems):
        return
    ident = _id_problems(rel, data, True, problems)
    if ident is None:
        corpus.broken.add("measure:" + os.path.basename(rel)[: -len(".yaml")])
        return
    if ident in corpus.measures or ident in corpus.measure_files:
        other = corpus.measure_files[ident][0]
        problems.append(Problem(rel, data.lines["id"], f"duplicate measure id {ident!r} "
                                f"(also in {other})"))
        return
    corpus.measure_files[ident] = (rel, data)
    try:
        measure = _direct_measure(data, shared)
    except _Decline:
        measure = structure(data, Measure, rel, problems)
    if measure is not None:
        corpus.measures[ident] = measure
        # Only the lines are kept, not the parsed text: a corpus's files are never all in
        # memory at once (check.py reads a file again for a line its Lines does not keep).
        from .check import line_skeleton
        corpus.measure_files.keep(ident, rel, line_skeleton(data, shapes),
                                  {} if pairs is None else pairs)


RULE_FIELDS = ("id", "description", "sources", "note", "when", "then", "check")


def _load_rule(corpus: RawCorpus, rel: str, data) -> None:
    problems = corpus.problems
    if not rel.count("/") == 1:
        problems.append(Problem(rel, 0, "a rule file belongs in rules/<id>.yaml"))
        return
    if not _top_mapping(rel, data, problems):
        return
    ident = _id_problems(rel, data, True, problems)
    if ident is None:
        return
    if ident in corpus.rule_files:
        problems.append(Problem(rel, data.lines["id"], f"duplicate rule id {ident!r}"))
        return
    corpus.rule_files[ident] = (rel, data)
    before = len(problems)
    for key in data:
        if key not in RULE_FIELDS:
            problems.append(Problem(rel, data.lines[key], f"unknown field {key!r}"
                                    + suggest(key, RULE_FIELDS)))
    for key in ("description", "note", "check"):
        if key in data and not isinstance(data[key], str):
            problems.append(Problem(rel, data.lines[key], f"{key} must be text"))
    when_raw = data.get("when")
    if not isinstance(when_raw, LSeq) or not when_raw:
        problems.append(Problem(rel, data.lines.get("when", data.line),
                                "a rule needs 'when:', a list of at least one pattern"))
        when_raw = LSeq()
        when_raw.lines = []
    patterns = []
    for item, line in zip(when_raw, when_raw.lines):
        if isinstance(item, LMap) and "not" in item and len(item) > 1:
            problems.append(Problem(rel, item.lines["not"], "'not' stands alone in its item: "
                                    "write - not: {KIND: TARGET, about: ...}"))
            continue
        if isinstance(item, LMap) and list(item) == ["not"]:
            p = _pattern(item["not"], rel, item.lines["not"], True, problems)
        else:
            p = _pattern(item, rel, line, False, problems)
        if p is not None:
            patterns.append(p)
    then = None
    if ("then" in data) == ("check" in data):
        problems.append(Problem(rel, data.line, "a rule has exactly one of 'then:' (a derived "
                                "fact) and 'check:' (an integrity message)"))
    elif "then" in data:
        then = _pattern(data["then"], rel, data.lines["then"], False, problems)
        if then is not None and then.kind == "category":
            problems.append(Problem(rel, data.lines["then"], "a rule cannot derive category facts"))
    sources = ()
    if "sources" in data:
        try:
            sources = _d_refs(data["sources"])
        except _Decline:
            sources = structure(data["sources"], tuple[SourceRef, ...], rel, problems) or ()
    if len(problems) > before:
        return
    corpus.rules[ident] = Rule(id=ident, when=tuple(patterns), then=then,
                               check=data.get("check"), description=data.get("description"),
                               sources=tuple(sources), note=data.get("note"), path=rel,
                               line=data.line)


def _pattern(raw, rel: str, line: int, negated: bool, problems: list[Problem]) -> Optional[Pattern]:
    if not isinstance(raw, LMap):
        problems.append(Problem(rel, line, f"a pattern is a mapping like "
                                f"{{designation: ?org}}, found {_describe(raw)}"))
        return None
    kinds = [k for k in raw if k != "about"]
    if len(kinds) != 1:
        problems.append(Problem(rel, raw.line, "a pattern has exactly one KIND: TARGET"
                                + (f", found {', '.join(kinds)}" if kinds else "")))
        return None
    kind = kinds[0]
    pline = raw.lines[kind]
    if kind == "not":
        problems.append(Problem(rel, pline, "'not' negates an item of 'when': "
                                "- not: {KIND: TARGET}; it cannot be nested or used in 'then'"))
        return None
    if kind not in PATTERN_KINDS:
        problems.append(Problem(rel, pline, f"unknown fact kind {kind!r}"
                                + suggest(kind, PATTERN_KINDS + ("not",))))
        return None
    target = raw[kind]
    about = raw.get("about")
    for what, value in (("target", target), ("about", about)):
        if what == "about" and "about" not in raw:
            continue
        if not isinstance(value, str) or not (is_slug(value) or _is_var(value)):
            problems.append(Problem(rel, raw.lines.get(what if what == "about" else kind, pline),
                                    f"{what} {value!r} is neither an id nor a ?variable"))
            return None
    return Pattern(kind=kind, target=target, about=about, has_about="about" in raw,
                   negated=negated, line=pline)


def _is_var(value: str) -> bool:
    return value.startswith("?") and is_slug(value[1:].replace("_", "-"))
