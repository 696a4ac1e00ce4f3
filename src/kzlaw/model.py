"""The corpus model: attrs classes for what the YAML files say (semantics.md sections 4-6 and 8).

These classes hold the data as written, already typed (dates parsed, ids checked to be slugs).
Cross-references (does the act exist? does the repealed measure exist?) are checked in
``check.py``; what the data *means* over time is worked out in ``engine.py`` and ``rules.py``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NewType, Optional

import attrs

from .dates import UncertainDate

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SLUG_MAX = 80

MEASURE_KINDS = ("constitution", "code", "law", "amendment", "decree", "order",
                 "court-decision", "list", "program", "bill")
STATUSES = ("enacted", "pending", "failed", "reported")
LIABILITIES = ("criminal", "administrative", "constitutional", "regulatory")
DESIGNATIONS = ("terrorist", "extremist")
SOURCE_KINDS = ("primary", "official-report", "press", "ngo", "academic")
VOCAB_SECTIONS = ("acts", "organizations", "institutions", "powers", "duties", "penalties",
                  "categories")

# Establishing effect key -> (fact kind, vocabulary sections its value may name)
ESTABLISHING = {
    "prohibits": ("prohibition", ("acts",)),
    "requires": ("obligation", ("duties",)),
    "designates": ("designation", ("organizations",)),
    "establishes": ("institution", ("institutions",)),
    "empowers": ("power", ("powers",)),
    "penalizes": ("penalty", ("acts", "categories")),
}
CHANGING = ("repeals", "replaces", "amends")
EFFECT_KINDS = tuple(ESTABLISHING) + CHANGING
FACT_KINDS = ("prohibition", "obligation", "designation", "institution", "power", "penalty")
PATTERN_KINDS = FACT_KINDS + ("category",)
# The vocabulary section a fact kind's target lives in (penalty targets may also be categories).
KIND_SECTIONS = {kind: sections for kind, sections in ESTABLISHING.values()}
KIND_SECTIONS["category"] = ("categories",)
ATTRIBUTES = ("liability", "as", "deadline")


def fact_order(key: tuple) -> tuple:
    """How facts ``(kind, target, about)`` sort everywhere: by kind, target, then about (an
    empty about first)."""
    return (key[0], key[1] or "", key[2] or "")


def is_slug(value: object) -> bool:
    return isinstance(value, str) and len(value) <= SLUG_MAX and bool(SLUG.match(value))


def _slug(inst, attribute, value):
    if not is_slug(value):
        raise ValueError(f"{attribute.name} {value!r} is not an id: use lower-case letters, "
                         f"digits and single hyphens, at most {SLUG_MAX} characters")


def _opt_slug(inst, attribute, value):
    if value is not None:
        _slug(inst, attribute, value)


def words_problem(quote, summary, translation) -> Optional[str]:
    """What is wrong with a reference's words (semantics.md section 4), or None: a quote or a
    summary is not empty, a translation translates a quote, a summary is the curator's own
    words and so not the quote again."""
    for name, text in (("quote", quote), ("summary", summary), ("translation", translation)):
        if text is not None and not text.strip():
            return f"{name} is empty: give the words, or drop the field"
    if translation is not None and quote is None:
        return "a translation goes beside the quote it translates: add quote"
    if quote is not None and summary is not None and " ".join(quote.split()) == \
            " ".join(summary.split()):
        return "summary repeats the quote: a summary is the curator's own words"
    return None


# Fields whose value is one of a fixed list. Typed as NewTypes so that the loader checks them
# while structuring (each bad value its own problem, however many a file has); the attrs
# validators check the same for objects built in Python.
SourceKind = NewType("SourceKind", str)
Liability = NewType("Liability", str)
Designation = NewType("Designation", str)
MeasureKind = NewType("MeasureKind", str)
Status = NewType("Status", str)
# A measure's title in other languages: (language code, title) pairs in the order written.
Titles = NewType("Titles", tuple)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
CHOICES = {SourceKind: ("kind", SOURCE_KINDS), Liability: ("liability", LIABILITIES),
           Designation: ("as", DESIGNATIONS), MeasureKind: ("kind", MEASURE_KINDS),
           Status: ("status", STATUSES)}


def _one_of(choices):
    def check(inst, attribute, value):
        if value is not None and value not in choices:
            raise ValueError(f"{attribute.name.rstrip('_')} {value!r} is not one of "
                             + ", ".join(choices))
    return check


# The classes leave out the weak reference slot (8 bytes an object; a corpus holds one per
# measure, effect, citation and date): nothing refers to them weakly.
@attrs.frozen(weakref_slot=False)
class CorpusInfo:
    """What ``measures/corpus.yaml`` says the corpus is and how far it reaches (semantics.md
    section 2). Without the file: named after its folder, with no horizon (both days None)."""

    title: str
    jurisdiction: Optional[str] = None
    curated_from: Optional[date] = None  # measures before this day are not recorded
    curated_until: Optional[date] = None  # changes after this day are not recorded
    # A git revision (commit id or tag): reports/corrections.md lists what the record
    # answers differently now than it did then (record.py).
    corrections_since: Optional[str] = None


@attrs.frozen(weakref_slot=False)
class SourceRef:
    """A citation of a source: its id, and the source's own words (``quote``, verbatim, with an
    optional English ``translation``) and/or the curator's ``summary`` of it."""

    ref: str = attrs.field(validator=_slug)
    quote: Optional[str] = None
    summary: Optional[str] = None
    translation: Optional[str] = None
    note: Optional[str] = None


@attrs.frozen(weakref_slot=False)
class VocabEntry:
    label: str
    aliases: tuple[str, ...] = ()
    note: Optional[str] = None
    categories: tuple[str, ...] = ()


@attrs.frozen(weakref_slot=False)
class Source:
    citation: str
    kind: SourceKind = attrs.field(validator=_one_of(SOURCE_KINDS))
    url: Optional[str] = None
    published: Optional[UncertainDate] = None
    document: Optional[str] = None
    footnote: Optional[int] = None
    passage: Optional[str] = None
    note: Optional[str] = None


@attrs.frozen(weakref_slot=False)
class Dates:
    introduced: Optional[UncertainDate] = None
    adopted: Optional[UncertainDate] = None
    in_force: Optional[UncertainDate] = None
    expires: Optional[UncertainDate] = None
    failed: Optional[UncertainDate] = None


@attrs.frozen(weakref_slot=False)
class EffectFields:
    """One effect's fields as the files write them, each its own attribute: what the loader's
    reference path (cattrs) structures, made into an ``Effect`` by ``effect()``."""

    id: Optional[str] = attrs.field(default=None, validator=_opt_slug)
    prohibits: Optional[str] = None
    requires: Optional[str] = None
    designates: Optional[str] = None
    establishes: Optional[str] = None
    empowers: Optional[str] = None
    penalizes: Optional[str] = None
    repeals: Optional[str] = None
    replaces: Optional[str] = None
    amends: Optional[str] = None
    liability: Optional[Liability] = attrs.field(default=None, validator=_one_of(LIABILITIES))
    as_: Optional[Designation] = attrs.field(default=None, validator=_one_of(DESIGNATIONS))
    deadline: Optional[UncertainDate] = None
    penalty: Optional[str] = None
    with_: Optional["Effect"] = None
    from_: Optional[UncertainDate] = None
    until: Optional[UncertainDate] = None
    sources: tuple[SourceRef, ...] = ()
    note: Optional[str] = None
    article: Optional[str] = None  # the provision the effect rests on: "233", "5(4)"

    def effect(self) -> "Effect":
        return Effect(*attrs.astuple(self, recurse=False))


EFFECT_FIELDS = tuple(a.name for a in attrs.fields(EffectFields))
# The fields an effect mostly leaves unset, kept together (Effect._extra), in this order.
EFFECT_EXTRAS = ("liability", "as_", "deadline", "penalty", "with_", "note", "article")
_EFFECT_CHECKS = tuple((a, a.validator) for a in attrs.fields(EffectFields)
                       if a.name in ("id", "liability", "as_"))


@attrs.frozen(weakref_slot=False, init=False, repr=False)
class Effect:
    """One effect of a measure. Exactly one of the kind keys is set (checked in check.py).

    Made as ``Effect(id, prohibits, ..., article)``, the fields of ``EffectFields`` in their
    order, and read by those names (properties), but kept in seven slots, not twenty: its one
    kind key and that key's value (``_kind``, ``_value``), and the fields an effect mostly
    leaves unset (``EFFECT_EXTRAS``) in one tuple, ``_extra``, None when none is set (and,
    when not exactly one kind key is set, that tuple followed by the nine kind values). A
    corpus holds one per effect: measured on the 50,000 effects of the OpenFisca
    comparison at 10,000 prohibitions, 200 -> 88 bytes each (docs/decisions.md)."""

    id: Optional[str]
    _kind: Optional[str]  # the one kind key set, or None when none or several are
    _value: Optional[str]  # that key's value
    from_: Optional[UncertainDate]
    until: Optional[UncertainDate]
    sources: tuple[SourceRef, ...]
    _extra: Optional[tuple]

    def __init__(self, id=None, prohibits=None, requires=None, designates=None,
                 establishes=None, empowers=None, penalizes=None, repeals=None, replaces=None,
                 amends=None, liability=None, as_=None, deadline=None, penalty=None, with_=None,
                 from_=None, until=None, sources=(), note=None, article=None):
        for attribute, check in _EFFECT_CHECKS:
            check(self, attribute, id if attribute.name == "id"
                  else liability if attribute.name == "liability" else as_)
        kinds = (prohibits, requires, designates, establishes, empowers, penalizes, repeals,
                 replaces, amends)
        kind = value = None
        count = 0
        for name, v in zip(EFFECT_KINDS, kinds):
            if v is not None:
                count += 1
                kind, value = name, v
        if liability is None and as_ is None and deadline is None and penalty is None and \
                with_ is None and note is None and article is None:
            extra = None
        else:
            extra = (liability, as_, deadline, penalty, with_, note, article)
        if count != 1:
            kind = value = None
            if count:
                extra = (extra or (None,) * len(EFFECT_EXTRAS)) + kinds
        put = object.__setattr__
        put(self, "id", id)
        put(self, "_kind", kind)
        put(self, "_value", value)
        put(self, "from_", from_)
        put(self, "until", until)
        put(self, "sources", sources)
        put(self, "_extra", extra)

    @property
    def kinds(self) -> list[str]:
        return [k for k in EFFECT_KINDS if getattr(self, k) is not None]

    @property
    def kind(self) -> Optional[str]:
        """The effect's one kind key, or None when it has none or several (an error)."""
        return self._kind

    @property
    def value(self) -> Optional[str]:
        return self._value

    def attributes(self) -> dict[str, str]:
        out = {}
        extra = self._extra
        if extra is None:
            return out
        liability, as_, deadline = extra[0], extra[1], extra[2]
        if liability is not None:
            out["liability"] = liability
        if as_ is not None:
            out["as"] = as_
        if deadline is not None:
            out["deadline"] = deadline.text + deadline.flag
        return out

    def fields(self) -> "EffectFields":
        """The effect's fields as written, each its own attribute."""
        return EffectFields(*(getattr(self, name) for name in EFFECT_FIELDS))

    def __repr__(self) -> str:
        return "Effect(" + ", ".join(f"{name}={getattr(self, name)!r}"
                                     for name in EFFECT_FIELDS) + ")"


def _kind_field(name: str, at: int) -> property:
    def get(self):
        kind = self._kind
        if kind is not None:
            return self._value if kind == name else None
        extra = self._extra
        return extra[at] if extra is not None and len(extra) > at else None
    return property(get, doc=f"The effect's ``{name}`` value, or None.")


def _extra_field(name: str, at: int) -> property:
    def get(self):
        extra = self._extra
        return None if extra is None else extra[at]
    return property(get, doc=f"The effect's ``{name}``, or None.")


for _at, _name in enumerate(EFFECT_KINDS):
    setattr(Effect, _name, _kind_field(_name, len(EFFECT_EXTRAS) + _at))
for _at, _name in enumerate(EFFECT_EXTRAS):
    setattr(Effect, _name, _extra_field(_name, _at))


@attrs.frozen(weakref_slot=False)
class MeasureFields:
    """One measure's fields as the files write them, each its own attribute: what the
    loader's reference path (cattrs) structures, made into a ``Measure`` by ``measure()``."""

    id: str = attrs.field(validator=_slug)
    title: str
    kind: MeasureKind = attrs.field(validator=_one_of(MEASURE_KINDS))
    status: Status = attrs.field(validator=_one_of(STATUSES))
    dates: Dates
    sources: tuple[SourceRef, ...]
    number: Optional[str] = None
    titles: Titles = ()  # ((language code, title), ...): {ru: ..., kk: ...} as written
    note: Optional[str] = None
    effects: tuple[Effect, ...] = ()

    def measure(self) -> "Measure":
        return Measure(*attrs.astuple(self, recurse=False))


MEASURE_FIELDS = tuple(a.name for a in attrs.fields(MeasureFields))
_MEASURE_CHECKS = tuple((a, a.validator) for a in attrs.fields(MeasureFields)
                        if a.name in ("id", "kind", "status"))


@attrs.frozen(weakref_slot=False, init=False, repr=False)
class Measure:
    """A measure: made as ``Measure(id, title, kind, status, dates, sources, number, titles,
    note, effects)``, the fields of ``MeasureFields``, and read by those names, but kept in
    eight slots: ``number``, ``titles`` and ``note``, mostly unset, in one tuple (``_extra``,
    None when none is set), and the effect of a measure of one effect as itself
    (``effects`` gives it as a tuple of one). A corpus holds one per measure: measured on
    the 50,000 measures of the OpenFisca comparison at 10,000 prohibitions, 112 + 48 -> 96
    bytes each (docs/decisions.md)."""

    id: str
    title: str
    kind: MeasureKind
    status: Status
    dates: Dates
    sources: tuple[SourceRef, ...]
    _effects: object  # the tuple of effects, or the one effect of a measure of one
    _extra: Optional[tuple]  # (number, titles, note), or None when none is set

    def __init__(self, id, title, kind, status, dates, sources, number=None, titles=(),
                 note=None, effects=()):
        for attribute, check in _MEASURE_CHECKS:
            check(self, attribute, id if attribute.name == "id"
                  else kind if attribute.name == "kind" else status)
        put = object.__setattr__
        put(self, "id", id)
        put(self, "title", title)
        put(self, "kind", kind)
        put(self, "status", status)
        put(self, "dates", dates)
        put(self, "sources", sources)
        put(self, "_effects", effects[0] if effects.__class__ is tuple and len(effects) == 1
            and effects[0].__class__ is Effect else effects)
        put(self, "_extra", None if number is None and titles == () and note is None
            else (number, titles, note))

    @property
    def effects(self) -> tuple[Effect, ...]:
        got = self._effects
        return (got,) if got.__class__ is Effect else got

    @property
    def number(self) -> Optional[str]:
        extra = self._extra
        return None if extra is None else extra[0]

    @property
    def titles(self) -> Titles:
        extra = self._extra
        return () if extra is None else extra[1]

    @property
    def note(self) -> Optional[str]:
        extra = self._extra
        return None if extra is None else extra[2]

    @property
    def start_date(self) -> Optional[UncertainDate]:
        return self.dates.in_force or self.dates.adopted

    @property
    def in_effect(self) -> bool:
        """Enacted and reported measures have effects (a reported one only in the worlds where
        it exists); pending and failed measures change nothing (semantics.md §5)."""
        return self.status in ("enacted", "reported")

    def __repr__(self) -> str:
        return "Measure(" + ", ".join(f"{name}={getattr(self, name)!r}"
                                      for name in MEASURE_FIELDS) + ")"


@attrs.frozen(weakref_slot=False)
class Pattern:
    """``KIND: TARGET`` with an optional ``about``; a value starting with ``?`` is a variable."""

    kind: str
    target: str
    about: Optional[str] = None
    has_about: bool = False
    negated: bool = False
    line: int = 0


@attrs.frozen(weakref_slot=False)
class Rule:
    id: str
    when: tuple[Pattern, ...]
    then: Optional[Pattern] = None
    check: Optional[str] = None
    description: Optional[str] = None
    sources: tuple[SourceRef, ...] = ()
    note: Optional[str] = None
    path: str = ""
    line: int = 0

