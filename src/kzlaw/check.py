"""Cross-reference checks of a loaded corpus (semantics.md sections 2-6): every id an effect, source
reference or date alternative names must exist, every effect has exactly one kind, changing
effects point at real, enacted targets. Each problem names its file and line."""

from __future__ import annotations

import gc
import os
from typing import Iterable, Optional

from .loader import RawCorpus
from .model import (
    CHANGING, EFFECT_KINDS, ESTABLISHING, VOCAB_SECTIONS, Effect, Measure, SourceRef, is_slug,
    words_problem,
)
from .problems import Problem, suggest, unknown
from .yamlfile import LMap, LSeq, YamlProblem, load_file, locate

_ONLY_WITH = {"liability": "prohibits", "as": "designates", "deadline": "requires",
              "penalty": "penalizes", "with": "amends"}


_SINGULAR = {"acts": "act", "organizations": "organization", "institutions": "institution",
             "powers": "power", "duties": "duty", "penalties": "penalty", "categories": "category"}


_NO_LINES: dict = {}  # shared, never changed
_TOP_KEYS = ("id", "title", "titles", "number", "kind", "status", "dates", "sources", "note",
             "effects")
_DATE_KEYS = ("introduced", "adopted", "in_force", "expires", "failed")
_TOP_INDEX = {k: i for i, k in enumerate(_TOP_KEYS)}
_DATE_INDEX = {k: i for i, k in enumerate(_DATE_KEYS)}


def _pack(lines: dict, names: tuple, index: dict):
    """A file's key -> line as a tuple in the order of ``names`` (0: absent), which is much
    smaller than a dict; the dict itself where a key is not one of ``names``."""
    if not lines.keys() <= index.keys():
        return dict(lines)
    return tuple(lines.get(name, 0) for name in names)


def _unpack(packed, index: dict, key, default: int) -> int:
    if packed.__class__ is dict:
        return packed.get(key, default)
    i = index.get(key)
    return default if i is None else packed[i] or default


class Lines:
    """The lines a compiled corpus keeps of a measure file, for its warnings and notes: the
    file's own line, each top-level key's, each date's, each effect's and its from/until's."""

    __slots__ = ("line", "keys", "dates", "effects", "effect_keys")

    def __init__(self, raw: LMap):
        self.line = raw.line
        self.keys = _pack(raw.lines, _TOP_KEYS, _TOP_INDEX)
        dates = raw.get("dates")
        self.dates = _pack(dates.lines if isinstance(dates, LMap) else {}, _DATE_KEYS,
                           _DATE_INDEX)
        effects = raw.get("effects")
        self.effects = tuple(effects.lines) if isinstance(effects, LSeq) else ()
        # Only the keys on another line than their effect's: "- id: x" is on the effect's own
        # line, so most files keep none (an effect's line stands for a key it does not keep).
        self.effect_keys = _NO_LINES
        if isinstance(effects, LSeq):
            for i, item in enumerate(effects):
                if isinstance(item, LMap):
                    for key in ("id", "from", "until"):
                        line = item.lines.get(key)
                        if line is not None and line != effects.lines[i]:
                            if self.effect_keys is _NO_LINES:
                                self.effect_keys = {}
                            self.effect_keys[(i, key)] = line

    def find(self, path: tuple) -> int:
        if not path:
            return self.line
        head = path[0]
        line = _unpack(self.keys, _TOP_INDEX, head, self.line)
        if head == "dates" and len(path) > 1:
            return _unpack(self.dates, _DATE_INDEX, path[1], line)
        if head == "effects" and len(path) > 1 and isinstance(path[1], int):
            i = path[1]
            if i >= len(self.effects):
                return line
            if len(path) > 2:
                return self.effect_keys.get((i, path[2]), self.effects[i])
            return self.effects[i]
        return line

    def exact(self, path: tuple) -> bool:
        """Is ``find(path)`` the line the parsed file itself gives (``yamlfile.locate``)?"""
        n = len(path)
        if n <= 1:
            return True
        head = path[0]
        if head == "dates":
            return n == 2
        if head == "effects" and isinstance(path[1], int):
            return n == 2 or (n == 3 and path[2] in ("id", "from", "until"))
        return False


class Reread:
    """A measure file's Lines, and the file read again for a line that Lines does not keep
    (the line of a source, of a key inside ``with``): only where a problem is reported."""

    __slots__ = ("lines", "root", "rel", "parsed")

    def __init__(self, lines: Lines, root: str, rel: str):
        self.lines = lines
        self.root = root
        self.rel = rel
        self.parsed = None

    def find(self, path: tuple) -> int:
        if self.lines.exact(path):
            return self.lines.find(path)
        if self.parsed is None:
            try:
                self.parsed = load_file(os.path.join(self.root, self.rel))
            except (OSError, YamlProblem):  # changed since it was read: the nearest line kept
                self.parsed = False
        if self.parsed is False:
            return self.lines.find(path)
        return locate(self.parsed, path)[1]


def line_skeleton(raw, shared: Optional[dict] = None):
    """What a compiled corpus keeps of a parsed measure file: its Lines, not its text. With
    ``shared`` (a dict kept for one corpus), files laid out alike share one Lines (they are
    never changed), so a corpus of many similar files keeps few."""
    if isinstance(raw, LMap):
        lines = Lines(raw)
    elif isinstance(raw, Lines):
        lines = raw
    else:
        return raw
    if shared is None:
        return lines
    key = (lines.line, _hashable(lines.keys), _hashable(lines.dates), lines.effects,
           tuple(lines.effect_keys.items()))
    return shared.setdefault(key, lines)


def _hashable(packed):
    return ("dict",) + tuple(packed.items()) if packed.__class__ is dict else packed


def _line(raw, *path) -> int:
    if isinstance(raw, (Lines, Reread)):
        return raw.find(path)
    return locate(raw, path)[1]


def _measure_file(corpus: RawCorpus, ident: str):
    """(relative path, what gives its lines): the parsed file, or its Lines with a way back
    to the file."""
    rel, raw = corpus.measure_files[ident]
    if isinstance(raw, Lines):
        raw = Reread(raw, corpus.root, rel)
    return rel, raw


_VOCAB_IDS: dict = {}


def vocabulary_ids(corpus: RawCorpus, sections: Iterable[str]) -> dict[str, str]:
    """id -> section, over the given vocabulary sections (computed once per corpus)."""
    sections = tuple(sections)
    memo_key = (id(corpus), id(corpus.vocabulary), sections)
    hit = _VOCAB_IDS.get(memo_key)
    if hit is not None and hit[0] is corpus:
        return hit[1]
    out = {}
    for section in sections:
        for ident in corpus.vocabulary.get(section, {}):
            out.setdefault(ident, section)
    if len(_VOCAB_IDS) > 64 or any(v[0] is not corpus for v in _VOCAB_IDS.values()):
        _VOCAB_IDS.clear()  # one corpus at a time: the memo must not keep old corpora alive
    _VOCAB_IDS[memo_key] = (corpus, out)
    return out


def check_corpus(corpus: RawCorpus) -> list[Problem]:
    """All cross-reference problems (the loader's own problems are already in corpus.problems)."""
    # The checks make no cycles, but they allocate: with the collector on, its full
    # collections walk the whole parsed corpus again and again (measured on 40,000 measures:
    # 3.9 s with it, 1.5 s without).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _check_corpus(corpus)
    finally:
        _VOCAB_IDS.clear()  # served the checks: a checked corpus keeps no copy of its ids
        if enabled:
            gc.enable()


def _check_corpus(corpus: RawCorpus) -> list[Problem]:
    problems: list[Problem] = []
    _check_vocabulary(corpus, problems)
    plain = _Plain(corpus) if FAST else None
    for ident in sorted(corpus.measures):
        _check_measure(corpus, corpus.measures[ident], problems, plain)
    for ident in sorted(corpus.rules):
        rule = corpus.rules[ident]
        rel, raw = corpus.rule_files[ident]
        _check_refs(corpus, rule.sources, rel, lambda i: _line(raw, "sources", i), problems)
    return problems


def _check_vocabulary(corpus: RawCorpus, problems: list[Problem]) -> None:
    def where(section, ident):  # the file that defines the entry (one of a folder's files)
        return getattr(corpus, "vocabulary_where", {}).get((section, ident),
                                                           corpus.vocabulary_file)

    cats = corpus.vocabulary.get("categories", {})
    for section in VOCAB_SECTIONS:
        for ident, entry in corpus.vocabulary.get(section, {}).items():
            rel, raw = where(section, ident)
            for i, cat in enumerate(entry.categories):
                if cat not in cats and not _broken(corpus, "vocab", cat):
                    problems.append(Problem(rel, _line(raw, section, ident, "categories", i),
                                            unknown("category", cat, cats)))
    seen: dict[str, str] = {}
    for section in VOCAB_SECTIONS:
        for ident in corpus.vocabulary.get(section, {}):
            if ident in seen and not {seen[ident], section} <= {"acts", "categories"}:
                rel, raw = where(section, ident)
                first_rel, first_raw = where(seen[ident], ident)
                also = "" if first_rel == rel else \
                    f" (also at {first_rel}:{_line(first_raw, seen[ident], ident)})"
                problems.append(Problem(rel, _line(raw, section, ident),
                                        f"{ident!r} is in both {seen[ident]} and {section}"
                                        + also))
            seen.setdefault(ident, section)


def _broken(corpus: RawCorpus, namespace: str, ident: str) -> bool:
    """Is ``ident`` defined in a file (or entry) that failed to load? Then a reference to it
    is not reported again: the broken definition has its own problem."""
    broken = getattr(corpus, "broken", set())
    return f"{namespace}:*" in broken or f"{namespace}:{ident}" in broken


def _check_refs(corpus: RawCorpus, refs: Iterable[SourceRef], rel: str, line_of, problems) -> None:
    for i, ref in enumerate(refs):
        words = words_problem(ref.quote, ref.summary, ref.translation)
        if words:
            problems.append(Problem(rel, line_of(i), f"source {ref.ref}: {words}"))
        if ref.ref not in corpus.sources and not _broken(corpus, "source", ref.ref):
            problems.append(Problem(rel, line_of(i), unknown("source", ref.ref, corpus.sources,
                                                             "add it to measures/sources.yaml")))


def _at(line) -> int:
    """A line number, or a function that finds it: lines are looked up only for problems."""
    return line() if callable(line) else line


def _check_date_refs(corpus, date, rel, line, problems) -> None:
    if date is None or not (date.alternatives or date.ref):
        return
    refs = [a.ref for a in date.alternatives] + ([date.ref] if date.ref else [])
    for ref in refs:
        if ref not in corpus.sources and not _broken(corpus, "source", ref):
            problems.append(Problem(rel, _at(line), unknown("source", ref, corpus.sources,
                                                          "add it to measures/sources.yaml")))


_DATE_FIELDS = ("introduced", "adopted", "in_force", "expires", "failed")
FAST = True  # tests turn the plain-effect path off to compare with the full checks

# For each establishing kind, the fields of other kinds (_ONLY_WITH): each is a problem there.
_FOREIGN = {kind: tuple({"as": "as_", "with": "with_"}.get(attr, attr)
                        for attr, owner in _ONLY_WITH.items() if owner != kind)
            for kind in ESTABLISHING}


class _Plain:
    """Most effects establish a fact about a known id, cite known sources and carry nothing
    of another kind: ``ok`` says so quickly. It never says so of an effect the full checks
    (``_check_effect``) would report; False is no verdict: the full checks then run."""

    def __init__(self, corpus: RawCorpus):
        self.sources = corpus.sources
        self.penalties = corpus.vocabulary.get("penalties", {})
        self.known = {kind: {i for i in vocabulary_ids(corpus, sections) if is_slug(i)}
                      for kind, (_fact, sections) in ESTABLISHING.items()}

    def ok(self, eff: Effect) -> bool:
        kind = eff.kind
        ids = self.known.get(kind)
        if ids is None:  # no kind, several, or a changing one
            return False
        for field in _FOREIGN[kind]:
            if getattr(eff, field) is not None:
                return False
        value = getattr(eff, kind)
        if value.__class__ is not str or value not in ids:
            return False
        if kind == "penalizes" and (eff.penalty.__class__ is not str
                                    or eff.penalty not in self.penalties):
            return False
        sources = self.sources
        for ref in eff.sources:
            if ref.ref not in sources or words_problem(ref.quote, ref.summary, ref.translation):
                return False
        for d in (eff.from_, eff.until, eff.deadline):
            if d is not None and (d.ref or d.alternatives):
                if d.ref and d.ref not in sources:
                    return False
                for a in d.alternatives:
                    if a.ref not in sources:
                        return False
        return True


def _check_measure(corpus: RawCorpus, m: Measure, problems: list[Problem],
                   plain: Optional[_Plain] = None) -> None:
    rel, raw = _measure_file(corpus, m.id)
    if not m.sources:
        problems.append(Problem(rel, _line(raw, "sources"),
                                "a measure cites at least one source ({ref: ..., quote: ...})"))
    _check_refs(corpus, m.sources, rel, lambda i: _line(raw, "sources", i), problems)
    dates = m.dates
    for field in _DATE_FIELDS:
        d = getattr(dates, field)
        if d is not None and (d.alternatives or d.ref):
            _check_date_refs(corpus, d, rel, lambda field=field: _line(raw, "dates", field),
                             problems)
    if m.status == "enacted" and m.dates.adopted is None:
        problems.append(Problem(rel, _line(raw, "dates"), "an enacted measure needs dates.adopted"))
    if m.status == "reported" and m.dates.adopted is None:
        problems.append(Problem(rel, _line(raw, "dates"), "a reported measure needs "
                                "dates.adopted: the day it is said to date from (a range "
                                "such as '[..2011]' where the report is vague)"))
    if not m.in_effect and m.dates.in_force is not None:
        problems.append(Problem(rel, _line(raw, "dates", "in_force"),
                                f"a {m.status} measure is not in force: drop dates.in_force"))
    adopted, in_force, expires = m.dates.adopted, m.dates.in_force, m.dates.expires
    if adopted is not None and in_force is not None and in_force.latest < adopted.earliest:
        problems.append(Problem(rel, _line(raw, "dates", "in_force"),
                                f"dates.in_force {in_force.describe()} is before dates.adopted "
                                f"{adopted.describe()}"))
    start = m.start_date
    if start is not None and expires is not None and expires.latest < start.earliest:
        problems.append(Problem(rel, _line(raw, "dates", "expires"),
                                f"dates.expires {expires.describe()} is before the measure "
                                f"comes into force ({start.describe()})"))
    seen: dict[str, int] = {}
    for i, eff in enumerate(m.effects):
        if eff.id is None:
            problems.append(Problem(rel, _line(raw, "effects", i), "effect has no id"))
        elif eff.id in seen:
            problems.append(Problem(rel, _line(raw, "effects", i, "id"),
                                    f"duplicate effect id {eff.id!r} in this measure"))
        else:
            seen[eff.id] = i
        if plain is None or not plain.ok(eff):
            _check_effect(corpus, m, eff, rel, raw, ("effects", i), problems, top=True)
        start = eff.from_ or m.start_date
        if start is not None and eff.until is not None and eff.until.latest < start.earliest:
            problems.append(Problem(rel, _line(raw, "effects", i, "until"),
                                    f"effect {eff.id!r} ends (until {eff.until.describe()}) "
                                    f"before it starts ({start.describe()})"))


def _check_effect(corpus, m, eff: Effect, rel, raw, path, problems, top: bool) -> None:
    def line():
        return _line(raw, *path)

    kinds = eff.kinds
    if not kinds:
        problems.append(Problem(rel, line(), "effect has no kind: give exactly one of "
                                + ", ".join(EFFECT_KINDS)))
        return
    if len(kinds) > 1:
        problems.append(Problem(rel, line(), f"effect has {len(kinds)} kinds "
                                f"({' and '.join(kinds)}): split it into {len(kinds)} effects"))
        return
    kind = kinds[0]
    value = getattr(eff, kind)
    def kline():
        return _line(raw, *path, kind)

    for attr, owner in _ONLY_WITH.items():
        present = getattr(eff, {"as": "as_", "with": "with_"}.get(attr, attr)) is not None
        if present and kind != owner:
            problems.append(Problem(rel, _line(raw, *path, attr),
                                    f"'{attr}' belongs to a '{owner}' effect, not '{kind}'"))
    _check_refs(corpus, eff.sources, rel, lambda i: _line(raw, *path, "sources", i), problems)
    for field, key in (("from_", "from"), ("until", "until"), ("deadline", "deadline")):
        _check_date_refs(corpus, getattr(eff, field), rel,
                         lambda key=key: _line(raw, *path, key), problems)
    if not top:
        for attr in ("id", "from_", "until"):
            if getattr(eff, attr) is not None:
                problems.append(Problem(rel, _line(raw, *path, attr.rstrip("_")),
                                        f"'{attr.rstrip('_')}' goes on the amending effect, "
                                        "not inside 'with'"))
        if kind in CHANGING:
            problems.append(Problem(rel, kline(), "'with' holds an establishing effect, not "
                                    f"'{kind}'"))
            return
    if kind in ESTABLISHING:
        _fact_kind, sections = ESTABLISHING[kind]
        ids = vocabulary_ids(corpus, sections)
        if not is_slug(value):
            problems.append(Problem(rel, kline(), f"{kind} {value!r} is not an id"))
        elif value not in ids and not _broken(corpus, "vocab", value):
            what = " or ".join(_SINGULAR[s] for s in sections)
            problems.append(Problem(rel, kline(), unknown(what, value, ids)))
        if kind == "penalizes":
            penalties = corpus.vocabulary.get("penalties", {})
            if eff.penalty is None:
                problems.append(Problem(rel, kline(), "a 'penalizes' effect needs 'penalty:'"))
            elif eff.penalty not in penalties and not _broken(corpus, "vocab", eff.penalty):
                problems.append(Problem(rel, _line(raw, *path, "penalty"),
                                        unknown("penalty", eff.penalty, penalties)))
        return
    _check_target(corpus, m, kind, value, rel, kline, problems)
    if kind == "amends":
        if eff.with_ is None:
            problems.append(Problem(rel, kline(), "an 'amends' effect needs 'with:' (the effect "
                                    "as amended)"))
        else:
            _check_effect(corpus, m, eff.with_, rel, raw, path + ("with",), problems, top=False)


def _check_target(corpus: RawCorpus, m: Measure, kind: str, value: str, rel: str, line: int,
                  problems: list[Problem]) -> None:
    mid, _, eid = value.partition("#")
    if kind in ("replaces",) and eid:
        problems.append(Problem(rel, _at(line), f"'replaces' names a whole measure, not an effect "
                                f"({value!r})"))
        return
    if kind == "amends" and not eid:
        problems.append(Problem(rel, _at(line), f"'amends' names one effect: MEASURE#EFFECT, "
                                f"not {value!r}"))
        return
    if not is_slug(mid) or (eid and not is_slug(eid)):
        problems.append(Problem(rel, _at(line), f"{kind} target {value!r} is not MEASURE or "
                                "MEASURE#EFFECT"))
        return
    target = corpus.measures.get(mid)
    if target is None:
        if mid in corpus.measure_files or _broken(corpus, "measure", mid):
            return  # the target is broken itself; its own problems are reported
        problems.append(Problem(rel, _at(line), unknown("measure", mid, corpus.measure_files)))
        return
    if mid == m.id:
        problems.append(Problem(rel, _at(line), f"a measure cannot {kind[:-1]} itself"))
        return
    if not target.in_effect:  # pending or failed; a reported target is changed as any
        problems.append(Problem(rel, _at(line), f"{kind} {mid!r}, which is a {target.status} "
                                "measure and never had effects"))
        return
    if eid:
        effects = effects_by_id(target)
        if eid not in effects:
            problems.append(Problem(rel, _at(line), unknown(f"effect of {mid}", eid, effects)))
            return
        teff = effects[eid]
        if kind == "amends" and teff.kind not in tuple(ESTABLISHING) + ("amends",):
            problems.append(Problem(rel, _at(line), f"amends {value!r}, which is a "
                                    f"'{teff.kind}' effect: only establishing effects can be "
                                    "amended"))


def _alternative(a) -> str:
    text = f"{a.date.text}{a.date.flag} ({a.ref})"
    return text + (f" rejected: {a.rejected}" if a.rejected else "")


def date_conflicts(corpus: RawCorpus) -> list[Problem]:
    """Every date the sources disagree on (semantics.md §3), as informational lines."""
    out = []
    for ident in sorted(corpus.measures):
        m = corpus.measures[ident]
        rel, raw = corpus.measure_files[ident]
        for field in ("introduced", "adopted", "in_force", "expires", "failed"):
            d = getattr(m.dates, field)
            if d is not None and d.alternatives:
                alts = "; ".join(_alternative(a) for a in d.alternatives)
                out.append(Problem(rel, _line(raw, "dates", field),
                                   f"sources disagree on {field}: {alts}; using "
                                   f"{d.range_text()}", "note"))
        for i, eff in enumerate(m.effects):
            for field, key in (("from_", "from"), ("until", "until")):
                d = getattr(eff, field)
                if d is not None and d.alternatives:
                    alts = "; ".join(_alternative(a) for a in d.alternatives)
                    out.append(Problem(rel, _line(raw, "effects", i, key),
                                       f"sources disagree on {m.id}#{eff.id} {key}: {alts}",
                                       "note"))
    return out


_EFFECTS: dict = {}


def effects_by_id(m: Measure) -> dict:
    """effect id -> effect of one measure, built once per measure (N repeals of the effects of
    one measure of N effects would otherwise build it N times)."""
    hit = _EFFECTS.get(id(m))
    if hit is not None and hit[0] is m:
        return hit[1]
    out = {e.id: e for e in m.effects if e.id}
    if len(_EFFECTS) > 4096:
        _EFFECTS.clear()
    _EFFECTS[id(m)] = (m, out)
    return out


def problem_line(corpus: RawCorpus, measure_id: str, *path) -> tuple[str, int]:
    rel, raw = corpus.measure_files.get(measure_id, ("?", None))
    return rel, _line(raw, *path) if raw is not None else 0


def effect_index(m: Measure, effect_id: Optional[str]) -> Optional[int]:
    for i, e in enumerate(m.effects):
        if e.id == effect_id:
            return i
    return None
