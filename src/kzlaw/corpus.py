"""The Python API: ``kzlaw.load(path=None) -> Corpus``.

A Corpus is the whole pipeline run once: files -> load -> check -> engine -> rules -> compiled
timeline. Its methods answer questions; the command line is a thin layer over them.
"""

from __future__ import annotations

import gc
import os
import threading
from datetime import date
from typing import TYPE_CHECKING, Optional, Union

from . import daysets as ds
from . import paging
from .dates import NEG, POS, DateError, day_iso, parse_day
from .engine import HoldingMaker, build_holdings, certain_set, fact_key, sharer
from .model import fact_order
from .names import Names
from .problems import KzlawError, Problem, UsageError, unknown
from .rules import FactIndex, check_rules, evaluate, integrity
from .timeline import IN_FORCE, UNCERTAIN, Compiled, FactValue, State, segments_for

if TYPE_CHECKING:
    from .loader import RawCorpus

# The loader and checker (cattrs, PyYAML) are imported only when files are actually read: a
# corpus answered from the compiled cache never needs them.

DayLike = Union[str, date, int]


def bundled_path() -> str:
    """The corpus shipped with kzlaw: inside the installed package, or the repository root
    when running from a source checkout (an editable install)."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "corpus")
    if os.path.isdir(os.path.join(packaged, "measures")):
        return packaged
    repo = os.path.dirname(os.path.dirname(here))
    return repo


def resolve_path(path: Optional[str]) -> str:
    if path is None:
        path = os.environ.get("KZLAW_DATA") or bundled_path()
    if not os.path.isdir(path):
        what = "not a folder: a corpus is a folder holding measures/" \
            if os.path.lexists(path) else "no such corpus folder"
        raise KzlawError([Problem(str(path), 0, what)])
    return path


def to_day(value: DayLike) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return parse_day(value)
    except DateError as e:
        raise KzlawError([Problem("question", 0, str(e))]) from None


class _PutOff:
    """A part of a corpus that may be made or read only when first asked for
    (``Corpus._put_off``). It has no ``__set__``, so a part the corpus holds (in its
    ``__dict__``) is read from there as any attribute is, and this is never called."""

    def __init__(self, doc: str):
        self.__doc__ = doc

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, corpus, owner=None):
        if corpus is None:
            return self
        return corpus._put_off(self.name)


# The holdings, made all at once when one of them is first asked for (``_make_holdings``).
_HOLDING_PARTS = frozenset({"holdings", "events", "changes", "holdings_by_fact"})


class Corpus:
    """A loaded, checked and compiled corpus."""

    # Set by record.load_at for a corpus read at a git revision: the record.Revision (what
    # the user asked for, its commit, the repository); ``commit`` is then its commit id.
    revision = None

    # Parts a corpus may make or read only when first asked for (``_put_off``): all of them
    # in a corpus read from the compiled cache (except ``compiled``, ``info`` and the two
    # per-fact parts, which the cache sets), the holdings in one loaded from its files, and
    # the compiled timeline in one built without it. tests/test_cache_lazy.py checks that
    # every part the cache keeps is one of these.
    raw = _PutOff("The corpus as read from its files (``loader.RawCorpus``).")
    root = _PutOff("The corpus folder.")
    measures = _PutOff("measure id -> ``model.Measure``.")
    rules = _PutOff("The rules (``model.Rule``), in their files' order.")
    sources = _PutOff("source id -> ``model.Source``.")
    vocabulary = _PutOff("section -> id -> ``model.VocabEntry``.")
    facts = _PutOff("Every fact's certain and possible days (``rules.FactIndex``).")
    derivations = _PutOff("fact -> how the rules derive it (``rules.Derivation`` list).")
    integrity = _PutOff("The integrity rules' findings.")
    integrity_stopped = _PutOff("Integrity rules stopped at their limit of matches.")
    holdings = _PutOff("Every effect's holding (``engine.Holding``), in build order.")
    holdings_by_fact = _PutOff("fact -> its holdings, in the holdings' order.")
    events = _PutOff("The dated events of the holdings (``engine.Events``).")
    changes = _PutOff("The acts changed by amendments and replacements.")
    compiled = _PutOff("The compiled timeline (``timeline.Compiled``).")

    def __init__(self, raw: RawCorpus, timeline: bool = True, keep_holdings: bool = False):
        """With ``timeline=False`` (``kzlaw check``, which asks only for the warnings) the
        compiled timeline is built the first time it is used, not now. The holdings are
        made fact by fact and let go, and made again when first asked for; with
        ``keep_holdings`` (a corpus about to be written to the compiled cache, which stores
        them) or without the timeline, all of them are made first and kept."""
        # Building creates millions of small acyclic objects; the cyclic garbage collector
        # would re-walk the growing heap again and again (measured: a third of the time).
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._build(raw, timeline, keep_holdings)
        finally:
            # What was built lives as long as the corpus: move it out of the collector's
            # sight, or the first collections after an uncached load walk all of it again
            # (measured on 5,000 measures: 20 questions after the load, 4.1 s -> 2.5 s).
            # Objects frozen are still freed by reference counting when the corpus goes.
            gc.freeze()
            if enabled:
                gc.enable()

    def _build(self, raw: RawCorpus, timeline: bool = True, keep_holdings: bool = False) -> None:
        # (The loader kept only the measure files' lines, shared between files laid out
        # alike: see loader._load_measure.)
        # Where each vocabulary id and source is defined (a parsed file of its folder) served
        # only the checks' line numbers: a checked corpus keeps none of those files.
        raw.vocabulary_where, raw.sources_where = {}, {}
        raw.vocabulary_file = (raw.vocabulary_file[0], None)
        raw.sources_file = (raw.sources_file[0], None)
        self.raw = raw
        self.root = raw.root
        self.info = raw.info
        self.measures = raw.measures
        self.rules = raw.rules
        self.sources = raw.sources
        self.vocabulary = raw.vocabulary
        base = FactIndex()
        lean = timeline and not keep_holdings
        if lean:
            # The holdings are made fact by fact and let go (each fact's few are the next
            # one's room), each fact compiled as they are made: a corpus keeps no holding
            # after its load, and makes them all when first asked (_put_off).
            self._early = self._index_facts(raw, base)
        else:  # the timeline, now or when first asked for, is compiled from the holdings
            self.__dict__.update(self._make_holdings())
            _check_end_causes(raw, ((h.measure, len(h.end_causes)) for h in self.holdings))
            for key in sorted(self.holdings_by_fact, key=fact_order):
                hs = self.holdings_by_fact[key]
                possible = ds.union(*(h.possible for h in hs))
                if possible:
                    base.add(key, certain_set(hs), possible)
        _add_categories(base, self.vocabulary)
        self.derivations = evaluate(self.rules, base)
        self.facts = base
        self.integrity, self.integrity_stopped = integrity(self.rules, base)
        base.done()
        if lean:
            self._build_timeline()
            del self._early, self._form, self._pairs, self._maker  # what only compiling needed
            self._holdings_pending = True
            # The facts' days are the compiled timeline's: let go, and made again from it
            # when first asked for (_facts_again).
            del self.facts
            self._facts_pending = True
        elif timeline:
            self._build_timeline()
        else:
            self._rest = self._timeline_later  # _put_off calls it on first use

    def _build_timeline(self) -> dict:
        self.compiled = self._compile()
        self.compiled.names = Names(self.vocabulary, self.sources,
                                    {"root": os.path.abspath(self.root)})
        self.compiled.why = self._why_uncertain()
        return {"compiled": self.compiled}

    def _timeline_later(self) -> dict:
        enabled = gc.isenabled()
        gc.disable()  # as in __init__: millions of small acyclic objects
        try:
            return self._build_timeline()
        finally:
            if enabled:
                gc.enable()

    def _index_facts(self, raw: RawCorpus, base: FactIndex) -> dict:
        """fact -> its segments in the timeline's form as its holdings alone make them,
        before any rule runs (``_compile`` takes them as they are for a fact no rule
        derives); the facts' certain and possible days added to ``base``, the
        end causes checked against their limit. Each fact's holdings are made
        (``HoldingMaker.of``) and let go in turn, so that the next fact's take their room;
        ``self._pairs`` keeps which effects make them, for ``_holdings_of``.

        Only the facts of a kind some rule names (in ``when`` or ``then``) are added to
        ``base``, and only they and the facts with uncertain days keep their pairs: no rule
        reads or adds to the others, and ``_holdings_of`` is asked only for the facts a rule
        derives and those with uncertain days (``_why_uncertain``). The days of the others
        are never all in memory at once during the load (with the facts let go after it, on
        the OpenFisca workload, which has no rules: RSS after an uncached load at 10,000
        prohibitions 74.9 -> 67.6 MB, at 40,000 227 -> 196 MB; docs/decisions.md)."""
        maker = self._maker = HoldingMaker(raw.measures.values())
        ruled = {p.kind for r in self.rules.values() for p in r.when} | \
            {r.then.kind for r in self.rules.values() if r.then is not None}
        _check_end_causes(raw, ((m.id, maker.end_causes(m, eff))
                                for m, eff, _body in maker.establishing()))
        pairs: dict = {}  # fact -> [measure, effect, measure, effect, ...], in build order
        share = sharer()  # equal facts, attributes and sources once
        for m, eff, body in maker.establishing():
            key = fact_key(body)
            got = pairs.get(key)
            if got is None:
                pairs[share(key)] = [m, eff]
            else:
                got += (m, eff)
        self._pairs = pairs
        # the changing acts and the table of events (emptied, as build_holdings leaves it)
        # serve the warnings: kept (made again with the holdings)
        self.changes, self.events = maker.changes, maker.events
        maker.events.events = {}
        early = {}
        form = self._form = _former()
        for key in sorted(pairs, key=fact_order):
            hs = maker.of(pairs[key], share)
            possible = ds.union(*(h.possible for h in hs))
            if not possible:
                continue
            certain = certain_set(hs)
            if key[0] in ruled:
                base.add(key, certain, possible)
                certain, possible = base.sets[key]
            elif certain == possible:  # as FactIndex.add keeps them
                certain = possible
            got = early[key] = form(segments_for(certain, possible, _holding_parts(hs)))
            if key[0] not in ruled and not any(v is not None and v[0] == UNCERTAIN
                                               for v in got[1]):
                del pairs[key]  # no one asks for its holdings while building
        self._facts_held = len(early)  # they come first in ``facts`` (_facts_again)
        return early

    def _holdings_of(self, key) -> list:
        """The fact's holdings: made alone while the corpus is being built (for a fact a
        rule derives or one with uncertain days: see _index_facts)."""
        pairs = self.__dict__.get("_pairs")
        if pairs is None:
            return self.holdings_by_fact.get(key, [])
        return self._maker.of(pairs[key]) if key in pairs else []

    def _make_holdings(self) -> dict:
        """``holdings``, ``events``, ``changes`` (``build_holdings``) and
        ``holdings_by_fact``, each fact's holdings in the holdings' order."""
        holdings, events, changes = build_holdings(self.raw.measures.values())
        facts = self.__dict__.get("facts")
        if facts is None and "_facts_pending" in self.__dict__:
            facts = self.facts  # made again now, so that the holdings share its ranges
        if facts is not None:  # made after the facts' days: they share their ranges
            _share_ranges(holdings, facts)
        by_fact: dict[tuple, list] = {}
        for h in holdings:
            by_fact.setdefault(h.fact, []).append(h)
        return {"holdings": holdings, "events": events, "changes": changes,
                "holdings_by_fact": by_fact}

    def _facts_again(self) -> FactIndex:
        """``facts`` as the build made them, made again from the compiled timeline and the
        vocabulary: a fact is possible on the days of its stretches that have a value and
        certain on those in force (every day of its possible days has a holding or a
        derivation that possibly holds then, so each has a value, as ``segments_for`` makes
        them); the categories are the vocabulary's. In the build's order: the facts the
        holdings make, the categories, then the facts only the rules derive. A corpus loaded
        from its files keeps only the timeline (see _index_facts); tests/test_memory.py
        compares the two."""
        out = FactIndex()
        sets = out.sets
        segments = self.compiled.segments
        keys = list(segments)
        held = self.__dict__.pop("_facts_held")

        def put(key):
            starts, values = segments[key]
            certain, possible = [], []
            last = len(starts) - 1
            for i, v in enumerate(values):
                if v is not None:
                    r = (starts[i], starts[i + 1] if i < last else POS)
                    possible.append(r)
                    if v[0] == IN_FORCE:
                        certain.append(r)
            c, p = ds.normalize(certain), ds.normalize(possible)
            sets[key] = (p, p) if c == p else (c, p)
        for key in keys[:held]:
            put(key)
        _add_categories(out, self.vocabulary)
        for key in keys[held:]:
            put(key)
        out.done()
        return out

    def _put_off(self, name: str):
        """The part ``name`` of the corpus, made or read now because it was put off: the
        holdings (and their events and changes) of a corpus loaded from its files, which
        keeps none after the load; the rest of a corpus read from the compiled cache; the
        compiled timeline of a corpus built without it (``timeline=False``). Raises
        ``AttributeError`` for a part the corpus does not have."""
        d = self.__dict__
        with _LAZY:  # one thread makes a part; another asking meanwhile waits for it
            got = d.get(name, _ABSENT)
            if got is _ABSENT and name in _HOLDING_PARTS and d.pop("_holdings_pending", False):
                enabled = gc.isenabled()
                gc.disable()  # as in __init__: many small acyclic objects
                try:
                    d.update(self._make_holdings())
                finally:
                    gc.freeze()  # they live as long as the corpus (as in __init__)
                    if enabled:
                        gc.enable()
                got = d[name]
            elif got is _ABSENT and name == "facts" and d.pop("_facts_pending", False):
                got = d["facts"] = self._facts_again()
            elif got is _ABSENT and "_rest" in d:
                d.update(d.pop("_rest")())
                got = d.get(name, _ABSENT)
        if got is _ABSENT:
            raise AttributeError(f"'Corpus' object has no attribute '{name}'")
        return got

    # --- the compiled cache (cache.py) -------------------------------------------------------

    @classmethod
    def from_cache(cls, cached) -> "Corpus":
        """The corpus of what the compiled cache gave back (``cache.Cached``): its compiled
        timeline and corpus.yaml information as they are, its per-fact parts read fact by
        fact, and its other parts from ``rest()`` the first time one of them is used."""
        corpus = cls.__new__(cls)
        corpus.compiled = cached.compiled
        corpus.info = cached.info
        corpus._rest = cached.rest
        corpus.__dict__.update(cached.fact_parts)  # so that asking for them reads no rest
        return corpus

    def state_for_cache(self) -> dict:
        self.holdings  # noqa: B018 (made now if the load let them go)
        self.facts  # noqa: B018 (the same)
        return {k: v for k, v in self.__dict__.items()
                if k not in ("compiled", "info", "_rest", "_commit")}

    @property
    def names(self) -> Names:
        """Labels, aliases, categories and source kinds (stored with the compiled timeline)."""
        return self.compiled.names

    def _compile(self) -> Compiled:
        """The compiled timeline, ``Compiled(dict(self._fact_segments()))``. Each fact's
        segments are put in the form the timeline keeps (its starts and its plain values,
        equal values and parts of values one object across facts, as ``Compiled.__init__``
        does) as soon as they are made: what they are made of is freed and reused fact by
        fact, instead of piling up until the end and leaving the heap full of holes (7 MB
        of 147 for 50,000 measures). A fact compiled as its holdings were made
        (``_index_facts``) is taken as it is unless a rule derives it (the rules add to the
        days of the facts they derive, and only to those). tests/test_memory.py compares
        them."""
        form = self.__dict__.get("_form") or _former()
        early = self.__dict__.get("_early") or {}
        segments = {}
        sets = self.facts.sets
        # the facts the holdings make first (in the order of ``facts``, where a fact of a
        # kind no rule names is not: see _index_facts), then the facts only rules derive
        for key in early:
            got = early[key]
            if got is not None and not self.derivations.get(key):
                segments[key] = got
            else:
                days = sets[key]
                segments[key] = form(segments_for(days[0], days[1], self._parts_of(key)))
        early.clear()
        for key, days in sets.items():
            if key[0] == "category" or not days[1] or key in segments:
                continue
            segments[key] = form(segments_for(days[0], days[1], self._parts_of(key)))
        compiled = Compiled.__new__(Compiled)  # as the compiled cache makes one
        compiled.__setstate__({"segments": segments, "snapshot_every": 0})
        compiled.index()  # change points and snapshots, for states, diffs and timelines
        return compiled

    def _fact_segments(self):
        """``(fact, segments_for(...))`` for each fact of the timeline, one at a time."""
        for key, (certain, possible) in self.facts.sets.items():
            if key[0] == "category" or not possible:
                continue
            yield key, segments_for(certain, possible, self._parts_of(key))

    def _parts_of(self, key) -> list:
        """What the fact's segments are made of: its holdings' and derivations' days,
        attributes, by and sources."""
        parts = _holding_parts(self._holdings_of(key))
        for d in self.derivations.get(key, ()):
            rule = self.rules[d.rule]
            parts.append((d.possible, (), (f"rule:{d.rule}",),
                          tuple(sorted({s.ref for s in rule.sources}))))
        return parts

    def _why_uncertain(self) -> dict:
        out = {}
        for key, (starts, values) in self.compiled.segments.items():
            days = [s for s, v in zip(starts, values) if v is not None and v[0] == "uncertain"]
            if not days:
                continue
            from .queries import why_uncertain  # (a load with no uncertain day never needs it)
            reasons = {s: why_uncertain(self, key, s, hs)
                       for s, hs in _uncertain_holdings(self._holdings_of(key), days)}
            reasons = {s: r for s, r in reasons.items() if r}
            if reasons:
                out[key] = reasons
        return out

    # --- citing an answer ------------------------------------------------------------------

    @property
    def commit(self) -> Optional[str]:
        """The git commit of the corpus folder when it is inside a git checkout (with
        ``-dirty`` when its measures/ or rules/ differ from that commit), else None. Found
        with git plumbing and a short timeout; never raises. May be set (a corpus read at a
        revision)."""
        if "_commit" not in self.__dict__:
            self.__dict__["_commit"] = git_commit(self.compiled.names.info.get("root")
                                                  or self.__dict__.get("root"))
        return self.__dict__["_commit"]

    @commit.setter
    def commit(self, value: Optional[str]) -> None:
        self.__dict__["_commit"] = value

    def citation(self) -> dict:
        """What a reader needs to cite an answer: ``{"title", "jurisdiction",
        "curated_from", "curated_until", "commit"}``."""
        info = self.info
        return {"title": info.title, "jurisdiction": info.jurisdiction,
                "curated_from": day_iso(info.curated_from.toordinal())
                if info.curated_from is not None else None,
                "curated_until": day_iso(info.curated_until.toordinal())
                if info.curated_until is not None else None,
                "commit": self.commit}

    # --- finding things ----------------------------------------------------------------------

    def search(self, words) -> dict:
        """Measures, facts, organizations, other vocabulary and sources whose ids, labels,
        aliases, titles, numbers, notes, quotes or citations contain every word."""
        from .lookup import search
        return search(self, words)

    def source(self, source_id: str) -> dict:
        """One source: citation, kind, URL, date, and the measures, effects and rules that
        cite it, with their quotes. An unknown id raises ``KzlawError``."""
        from .lookup import source
        return source(self, source_id)

    def resolve(self, ident: str, what: str = "id") -> str:
        """The id that ``ident`` (an id, alias or label) names; unknown raises KzlawError."""
        known = self.known_ids()
        return self.names.resolve(ident, what, known, known)

    # --- questions -----------------------------------------------------------------------

    def in_force(self, day: DayLike, kind: Optional[str] = None,
                 category: Optional[str] = None, status: Optional[str] = None,
                 about: Optional[str] = None, with_by: bool = True, offset=None,
                 limit=None) -> dict:
        """The document of ``kzlaw in-force``: the facts in force or uncertain on the day
        (filtered by kind, category, status, what they are about), each with label, evidence
        and, when uncertain, why; the corpus to cite and the warnings. ``with_by=False``
        leaves out each fact's ``by`` (a table that does not show it). ``offset`` and
        ``limit`` (numbers, or their text) ask for one page of the facts (``paging.py``)."""
        from .queries import in_force
        day = to_day(day)
        first, most = paging.bounds(offset, limit)
        return in_force(self, day, kind, category, status, about, with_by, first, most)

    def at(self, day: DayLike) -> State:
        """The state on one day: facts in force or uncertain, with attributes, by and sources."""
        return self.compiled.at(to_day(day))

    def diff(self, a: DayLike, b: DayLike, offset=None, limit=None):
        """The document of ``kzlaw diff``: every fact whose status or attributes differ
        between the two days, or one page of them (``offset``, ``limit``: ``paging.py``)."""
        from .queries import diff
        a, b = to_day(a), to_day(b)
        return diff(self, a, b, *paging.bounds(offset, limit))

    def timeline(self, start: Optional[DayLike] = None, end: Optional[DayLike] = None,
                 offset=None, limit=None) -> dict:
        """The document of ``kzlaw timeline``: ``"events"``, every dated event between the two
        days (default: all), in order, with the facts each starts, ends or restates; or one
        page of them (``offset``, ``limit``: ``paging.py``)."""
        from .queries import timeline_document
        start = None if start is None else to_day(start)
        end = None if end is None else to_day(end)
        return timeline_document(self, start, end, *paging.bounds(offset, limit))

    def explain(self, kind: str, target: str, about: Optional[str] = None, *, at: DayLike):
        from .queries import explain
        day = to_day(at)
        kind, target, about = self.names.resolve_fact(kind, target, about)
        return explain(self, kind, target, about, day)

    def history(self, ident: str):
        from .queries import history
        known = self.known_ids()
        return history(self, self.names.resolve(ident, "id", known, known))

    def show(self, measure: str, at: Optional[DayLike] = None):
        from .queries import show
        day = None if at is None else to_day(at)
        return show(self, self.names.resolve(measure, "measure", self.measures,
                                             self.known_ids()), day)

    def day_sets(self, kind: str, target: str, about: Optional[str] = None):
        """``(certain, possible)``: the days on which the fact is certainly and possibly in
        force, each a list of ``(first, last)`` dates, both included, ``None`` for an open end.
        An unknown kind or id raises ``KzlawError``."""
        key = self.names.resolve_fact(kind, target, about)
        return tuple([(None if s <= NEG else date.fromordinal(s),
                       None if e >= POS else date.fromordinal(e - 1)) for s, e in days]
                     for days in self.day_ranges(*key))

    def day_ranges(self, kind: str, target: str, about: Optional[str] = None):
        """``(certain, possible)`` as the engine keeps them: sorted half-open ranges of day
        ordinals, ``dates.NEG``/``dates.POS`` for open ends (no id is checked)."""
        return self.facts.sets.get((kind, target, about), (ds.EMPTY, ds.EMPTY))

    def value(self, key: tuple, day: int) -> Optional[FactValue]:
        return self.compiled.value(key, day)

    def warnings(self) -> list[Problem]:
        from .queries import integrity_warnings
        return integrity_warnings(self)

    def notes(self) -> list[Problem]:
        from .check import date_conflicts
        return date_conflicts(self.raw)

    def known_ids(self) -> dict[str, str]:
        """Every id a question may name -> what it is (a vocabulary section, measure, rule)."""
        out = self.names.vocabulary_ids()
        for ident in self.measures:
            out.setdefault(ident, "measure")
        for ident in self.rules:
            out.setdefault(ident, "rule")
        return out


_ABSENT = object()


# Held while a corpus makes a part it put off (its holdings, the rest of a cached corpus):
# re-entrant, as making one part may ask for another.
_LAZY = threading.RLock()


def _add_categories(facts: FactIndex, vocabulary: dict) -> None:
    """The vocabulary's categories, each an always true fact ``(category, CAT, ID)``."""
    for section, entries in sorted(vocabulary.items()):
        for ident in sorted(entries):
            for cat in entries[ident].categories:
                facts.add(("category", cat, ident), ds.ALWAYS, ds.ALWAYS)


def _holding_parts(holdings) -> list:
    """What ``segments_for`` makes a fact's stretches of, for each of its holdings: its
    possible days, attributes, by and sources."""
    return [(h.possible, h.attributes, (h.by,), h.sources) for h in holdings]


def _former():
    """segments -> the form the compiled timeline keeps them in: (starts, plain values),
    each a list with no room to spare, equal values and parts of values one object (as
    ``Compiled.__init__`` makes them) across the facts this is given."""
    shared: dict = {}
    intern = shared.setdefault

    def plain(v):  # (keyed by the plain tuple, so that the FactValue goes at once)
        if v is None:
            return None
        t = (v[0], intern(v[1], v[1]), intern(v[2], v[2]), intern(v[3], v[3]))
        return intern(t, t)

    def form(segs) -> tuple:
        starts, values = zip(*segs) if segs else ((), ())
        # lists made from tuples have no room to spare (a comprehension's would)
        return (list(starts), list(tuple(map(plain, values))))
    return form


def _share_ranges(holdings, facts: FactIndex) -> None:
    """Let each holding's day sets be made of the ranges of its fact's days equal to theirs
    (the very objects, as when the holdings were made first and the facts' days from them:
    ``ds.union`` keeps a range it does not merge). A holding certain whenever possible keeps
    one set for both."""
    ranges_of: dict = {}  # fact -> its ranges
    done: dict = {}  # (id of a day set, fact) -> the same made of the fact's ranges
    keep = []  # the day sets met, so that no id is reused meanwhile
    for h in holdings:
        ranges = ranges_of.get(h.fact)
        if ranges is None:
            certain, possible = facts.sets.get(h.fact, ((), ()))
            ranges = ranges_of[h.fact] = {r: r for r in certain + possible}
        for name in ("possible", "certain"):
            days = getattr(h, name)
            shared = done.get((id(days), h.fact))
            if shared is None:
                keep.append(days)
                shared = tuple([ranges.get(r, r) for r in days])
                if all(a is b for a, b in zip(shared, days)):
                    shared = days
                done[(id(days), h.fact)] = shared
            if shared is not days:
                object.__setattr__(h, name, shared)


def git_commit(folder: Optional[str]) -> Optional[str]:
    """HEAD's commit of the git checkout holding ``folder`` (``-dirty`` appended when the
    corpus files differ from it), or None: not a checkout, no git, or git too slow."""
    if not folder:
        return None
    import subprocess  # only asked for when an answer is cited
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", LC_ALL="C")

    def git(*args):
        return subprocess.run(["git", "--no-pager", "-C", folder, *args], capture_output=True,
                              text=True, timeout=3, env=env, stdin=subprocess.DEVNULL)
    try:
        head = git("rev-parse", "--verify", "-q", "HEAD")
        commit = head.stdout.strip()
        if head.returncode != 0 or len(commit) < 40:
            return None
        quiet = _git_runs_nothing(git)
        if quiet is None:
            return None
        status = git(*quiet, "status", "--porcelain", "--ignore-submodules=all", "--",
                     "measures", "rules")
        if status.returncode != 0:
            return None
        return commit + ("-dirty" if status.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def _git_runs_nothing(git) -> Optional[list[str]]:
    """The ``-c`` options under which ``git status`` runs no program that the checkout's own
    configuration names (a copied checkout brings its .git/config): no fsmonitor hook, no
    submodule summary, no clean, smudge or process filter of the drivers configured; None if a
    driver's name cannot be written in a ``-c`` option."""
    drivers = git("config", "-z", "--name-only", "--get-regexp", r"^filter\.")
    out = ["-c", "core.fsmonitor=false", "-c", "status.submoduleSummary=false"]
    for name in sorted({n.rpartition(".")[0] for n in drivers.stdout.split("\0") if n}):
        if "=" in name or "\n" in name:
            return None
        out += [arg for key in ("clean", "smudge", "process")
                for arg in ("-c", f"{name}.{key}=")]
    return out


def _uncertain_holdings(holdings: list, days: list[int]):
    """(day, the holdings possibly but not certainly holding on it, in their order) for each
    of the sorted ``days``: a sweep over the holdings' uncertain ranges, so that a fact of N
    holdings over N stretches costs about N log N, not N * N."""
    from bisect import bisect_left, insort
    from heapq import heappop, heappush
    opening = sorted((s, i, e) for i, h in enumerate(holdings)
                     for s, e in ds.difference(h.possible, h.certain))
    closing: list = []  # (end, index) of the open ranges: a heap
    active: list[int] = []  # indices of the open ranges' holdings, sorted
    k = 0
    for day in days:
        while k < len(opening) and opening[k][0] <= day:
            _s, i, end = opening[k]
            heappush(closing, (end, i))
            insort(active, i)
            k += 1
        while closing and closing[0][0] <= day:
            _end, i = heappop(closing)
            j = bisect_left(active, i)
            if j < len(active) and active[j] == i:
                del active[j]
        yield day, (holdings[i] for i in active)  # read before the next day's changes


def _check_end_causes(raw: RawCorpus, counts) -> None:
    """Stop a corpus whose effects have more end causes in all than the limit allows: every
    answer that says why a fact ended (diff, explain, reports) lists them, so N repeals of a
    whole measure of N effects are N * N lines of work (docs/limits.md). ``counts``: (its
    measure, its number of end causes) of each holding, in the holdings' order."""
    from .limits import LIMITS, limit
    most = limit("end_causes")
    total = 0
    per_measure: dict[str, int] = {}
    for measure, n in counts:
        total += n
        per_measure[measure] = per_measure.get(measure, 0) + n
        if total > most:
            from .check import problem_line
            var, _default, what = LIMITS["end_causes"]
            mid = max(sorted(per_measure), key=lambda k: per_measure[k])
            rel, line = problem_line(raw, mid, "id")
            raise KzlawError([Problem(rel, line, f"measure '{mid}' has {per_measure[mid]} "
                                      f"end causes, and the corpus more than {most}, the "
                                      f"limit of {what}: set {var} to raise it")])


def validate(raw: RawCorpus) -> list[Problem]:
    """Every error of the corpus: the loader's, the cross-references', the rules'."""
    from .check import check_corpus
    problems = list(raw.problems)
    problems += check_corpus(raw)
    problems += check_rules(raw.rules, raw.vocabulary)
    return sorted(set(problems))


def load_cached(root: str, current: tuple) -> Optional[Corpus]:
    """The corpus at ``root`` as the compiled cache holds it for exactly the files of the
    manifest ``current`` (``cache.manifest(root)``, one being taken by
    ``cache.manifest_started(root)``, or a commit's key), else None."""
    from . import cache as _cache

    def fresh() -> dict:  # if the rest of the cache file is damaged: from the files
        from .loader import load_raw
        raw = load_raw(root)
        problems = validate(raw)
        if problems:
            raise KzlawError(problems)
        return Corpus(raw, keep_holdings=True).state_for_cache()
    got = _cache.load(root, current, fresh)
    return None if got is None else Corpus.from_cache(got)


def load(path: Optional[str] = None, cache: bool = False, parallel: bool = False) -> Corpus:
    """Load, check and compile the corpus at ``path`` (default: ``$KZLAW_DATA`` or the bundled
    corpus). Raises ``KzlawError`` listing every problem if the corpus is invalid. With
    ``cache=True`` a compiled copy in the user's cache folder is used when the files are
    unchanged (see ``cache.py``); the command line does this unless ``--no-cache``. With
    ``parallel`` (the command line: a process with no other threads) the files' signatures
    are taken by a second process while the cache file is read (``cache.manifest_started``);
    the copy is used only once they are known to be its own."""
    root = resolve_path(path)
    use_cache = False
    if cache:  # only a load that may use the compiled cache imports it (and hashlib, json)
        from . import cache as _cache
        use_cache = not _cache.disabled()
    if use_cache:
        _cache.racy_seconds()  # a bad KZLAW_CACHE_RACY_SECONDS is refused before any work
        stamp = _cache.now_ns()
        before = _cache.manifest_started(root) if parallel else _cache.manifest(root)
        hit = load_cached(root, before)
        if hit is not None:
            return hit
        before = _cache.finished(before)
    from .loader import load_raw
    enabled = gc.isenabled()
    gc.disable()  # reading, checking and building make only what the corpus keeps (or drops
    try:  # whole): the collector walking it meanwhile is wasted (Corpus freezes it at the end)
        raw = load_raw(root)
        problems = validate(raw)
        if problems:
            raise KzlawError(problems)
        corpus = Corpus(raw, keep_holdings=use_cache)  # (the cache stores them)
    finally:
        if enabled:
            gc.enable()
    if use_cache:
        _cache.store(root, corpus, before, stamp)
    return corpus


__all__ = ["Corpus", "load", "KzlawError", "UsageError", "unknown"]
