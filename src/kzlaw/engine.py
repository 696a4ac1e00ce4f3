"""The in-force engine (semantics.md section 7): effects -> facts with certain and possible day sets.

Each distinct dated event (a measure's ``adopted``/``in_force``/``expires``, an effect's
``from``/``until``) happened on one unknown day in ``[earliest, latest]``. An establishing
effect gives a *holding* of its fact over ``[start, end)``, where ``end`` is the earliest of its
``until``, its measure's ``expires`` and the start of every repeal, replacement or amendment of
it or its measure. A repeal that is itself repealed revives nothing: a changing effect acts at
its start, whatever happens to it afterwards.

On a day d, each event is certainly before or on d (``latest <= d``), certainly after d
(``earliest > d``) or undetermined. A holding holds on d in exactly the worlds that put its
start on or before d and every end after d, so "the fact holds" is a formula over the
undetermined events, and:

* possible = some world satisfies it = the union of the holdings' ``[start.earliest,
  min(end.latest))`` — exact;
* certain = every world satisfies it = the formula is a tautology. Between two consecutive
  event bounds nothing changes, so the engine checks each such stretch once, by enumerating the
  (few) undetermined events shared by the holdings. This is what keeps a fact certain across
  the uncertain moment of an amendment, and it is exact. Above ``MAX_SHARED`` undetermined
  events on one stretch it falls back to "certain where one holding alone is certain", which
  never claims a day that not every world agrees on.
"""

from __future__ import annotations

from heapq import heappop, heappush
from itertools import product
from typing import Iterable, Optional

import attrs

from . import daysets as ds
from .dates import NEG, POS, UncertainDate
from .model import ESTABLISHING, Effect, Measure

MAX_SHARED = 12
_NO_KEYS: frozenset = frozenset()

FactKey = tuple  # (kind, target, about)


# Classes of which a corpus holds one object per measure, effect or date leave out the weak
# reference slot (8 bytes each): nothing refers to them weakly.
@attrs.frozen(weakref_slot=False)
class Event:
    key: tuple  # ("m", measure, field) or ("e", measure, effect, field): see EventTable
    earliest: int
    latest: int  # inclusive: on day d the event has certainly happened when latest <= d,
    # certainly not yet when earliest > d, and is undetermined when earliest <= d < latest
    date: Optional[UncertainDate] = None

    @property
    def label(self) -> str:
        """What the event is, in words: ``law-2011 in force``, ``law-2011 adopted (in
        force)``, ``law-2011 expires``, ``law-2011#ban from``, ``law-2011#ban until``.
        Made from the key when asked (a corpus has one event per dated field)."""
        key = self.key
        if key[0] == "m":
            return f"{key[1]}{_MEASURE_LABELS[key[2]]}"
        return f"{key[1]}#{key[2]} {key[3]}"


_MEASURE_LABELS = {"in_force": " in force", "adopted": " adopted (in force)",
                   "expires": " expires"}


@attrs.frozen(weakref_slot=False)
class Holding:
    """One establishing effect (or the effect an ``amends`` establishes) holding one fact,
    with the days it certainly and possibly holds on its own."""

    fact: FactKey
    by: str  # measure#effect
    measure: str
    effect: Effect
    start: Event
    ends: tuple  # of Event, each one ends the holding
    end_causes: tuple  # of (Event, str reason, str by)
    attributes: tuple  # sorted (name, value)
    sources: tuple  # source ids
    # A reported measure (semantics.md §5, §7) acts only in the worlds where it exists:
    exists: Optional[str] = None  # the reported measure this holding belongs to, or None
    conditional: frozenset = frozenset()  # keys of ends made by (other) reported measures:
    # each happens only where its measure exists
    possible: ds.DaySet = attrs.field(init=False)
    certain: ds.DaySet = attrs.field(init=False)

    def __attrs_post_init__(self):
        # [start, end) in the worlds: possible from the earliest start to the latest first end,
        # certain from the latest start to the earliest end; never, if it ends as it starts.
        # An end that only a reported measure makes does not end the holding in the worlds
        # without that measure, so it cuts the certain days, not the possible ones; a holding
        # of a reported measure is certain nowhere on its own.
        if any(e.key == self.start.key for e in self.ends):
            possible = certain = ds.EMPTY
        else:
            possible = ds.span(self.start.earliest, min(
                (e.latest for e in self.ends if e.key not in self.conditional), default=POS))
            certain = ds.EMPTY if self.exists is not None else ds.span(
                self.start.latest, min((e.earliest for e in self.ends), default=POS))
            if certain == possible:  # the usual case: one set for both
                certain = possible
        object.__setattr__(self, "possible", possible)
        object.__setattr__(self, "certain", certain)

    def choices(self) -> set:
        """The uncertain choices its days depend on: event keys and reported existences."""
        out = {self.start.key} | {e.key for e in self.ends}
        if self.exists is not None:
            out.add(("exists", self.exists))
        out |= {("exists", key[1]) for key in self.conditional}
        return out


def fact_key(eff: Effect) -> FactKey:
    kind = eff.kind
    fact_kind = ESTABLISHING[kind][0]
    about = eff.penalty if kind == "penalizes" else None
    return (fact_kind, getattr(eff, kind), about)


class EventTable:
    """Distinct dated events, one per (measure, field) or (measure, effect, field). Once
    ``build_holdings`` is done the table forgets them (each holding and change keeps its own):
    asking again makes an equal event."""

    def __init__(self):
        self.events: dict[tuple, Event] = {}

    def get(self, key: tuple, date: UncertainDate) -> Event:
        ev = self.events.get(key)
        if ev is None:
            ev = Event(key, date.earliest, date.latest, date)
            self.events[key] = ev
        return ev

    def measure_start(self, m: Measure) -> Event:
        if m.dates.in_force is not None:
            return self.get(("m", m.id, "in_force"), m.dates.in_force)
        return self.get(("m", m.id, "adopted"), m.dates.adopted)

    def effect_start(self, m: Measure, eff: Effect) -> Event:
        if eff.from_ is not None:
            return self.get(("e", m.id, eff.id, "from"), eff.from_)
        return self.measure_start(m)


def build_holdings(measures: Iterable[Measure]) -> tuple[list[Holding], EventTable, list[tuple]]:
    """All holdings of enacted measures, and the changing acts (for timelines and warnings).

    Returns ``(holdings, events, changes)`` where a change is
    ``(event, verb, by, target)`` with verb ``repeals``/``replaces``/``amends``.
    """
    maker = HoldingMaker(measures)
    return maker.all(), maker.events, maker.changes


class HoldingMaker:
    """What ``build_holdings`` knows before it makes a holding (the measures in effect in
    their order, the reported ones, the changing acts by what they change), so that the
    holdings of one fact can also be made alone (``of``), equal to those ``all`` makes."""

    def __init__(self, measures: Iterable[Measure]):
        self.events = events = EventTable()
        self.measures = sorted((m for m in measures if m.in_effect), key=lambda m: m.id)
        self.reported = {m.id for m in self.measures if m.status == "reported"}
        # target ("M" or "M#E") -> list of (event, verb, by)
        self.enders: dict[str, list] = {}
        self.changes: list[tuple] = []
        for m in self.measures:
            for eff in m.effects:
                kind = eff.kind
                if kind in ("repeals", "replaces", "amends"):
                    ev = events.effect_start(m, eff)
                    target, by = getattr(eff, kind), f"{m.id}#{eff.id}"
                    self.enders.setdefault(target, []).append((ev, kind, by))
                    self.changes.append((ev, kind, by, target))

    def establishing(self):
        """``(measure, effect, body)`` of every effect that makes a holding, in the order of
        ``all``'s holdings (``body``: what the effect establishes, an amendment's ``with``)."""
        for m in self.measures:
            for eff in m.effects:
                body = eff.with_ if eff.kind == "amends" else eff
                if body is not None and body.kind in ESTABLISHING:
                    yield m, eff, body

    def end_causes(self, m: Measure, eff: Effect) -> int:
        """How many end causes the effect's holding has (as ``len(holding.end_causes)``),
        without making it."""
        by = f"{m.id}#{eff.id}"
        return ((m.dates.expires is not None) + (eff.until is not None)
                + len(self.enders.get(m.id, ())) + len(self.enders.get(by, ())))

    def all(self) -> list[Holding]:
        events = self.events
        holdings = []
        # Equal values are kept once (a corpus of 200,000 measures has millions of them):
        # most effects of a measure hold on the same days, with the same sources and
        # attributes.
        share = sharer()
        source_ids: dict[int, tuple] = {}  # see _holding
        last, shared = None, None
        for m, eff, body in self.establishing():
            if m is not last:
                last, shared = m, [None, None]
            holdings.append(self._holding(m, eff, body, events, shared, share, source_ids,
                                          True))
        events.events = {}
        return holdings

    def of(self, pairs, share=None) -> list[Holding]:
        """The holdings of ``pairs`` (``[measure, effect, measure, effect, ...]``, in the
        order ``all`` makes them), equal to ``all``'s; their events are their own.
        ``share`` (a ``sharer``) keeps equal facts, attributes and sources once."""
        events = EventTable()
        if share is None:
            share = sharer()
        source_ids: dict[int, tuple] = {}
        out = []
        last, shared = None, None
        for i in range(0, len(pairs), 2):
            m, eff = pairs[i], pairs[i + 1]
            if m is not last:
                last, shared = m, [None, None]
            body = eff.with_ if eff.kind == "amends" else eff
            out.append(self._holding(m, eff, body, events, shared, share, source_ids, False))
        return out

    def _holding(self, m, eff, body, events, shared, share, source_ids, days) -> Holding:
        """The holding of one effect. ``shared`` (one per measure, ``[None, None]`` at
        first) keeps the causes that end every effect of the measure (its expiry, the
        repeals of the whole measure), shared by the effects that have none of their own:
        N repeals of a measure of N effects are N causes, not N * N; and the measure's
        expiry. ``days``: equal day sets kept once too."""
        enders = self.enders
        by = f"{m.id}#{eff.id}"  # one string for the holding and its own end cause
        alone = eff.until is None and by not in enders
        if alone and shared[0] is not None:
            causes, ends, conditional = shared[0]
        else:
            if shared[1] is None:
                shared[1] = [] if m.dates.expires is None else \
                    [(events.get(("m", m.id, "expires"), m.dates.expires), "expires", m.id)]
            causes = list(shared[1])
            if eff.until is not None:
                causes.append((events.get(("e", m.id, eff.id, "until"), eff.until),
                               "until", by))
            causes += enders.get(m.id, []) + enders.get(by, [])
            causes.sort(key=lambda c: (c[0].earliest, c[0].latest, c[2]))
            causes = tuple(causes)
            ends = tuple(sorted({c[0].key: c[0] for c in causes}.values(),
                                key=lambda e: e.key))
            reported = self.reported
            conditional = frozenset(e.key for e in ends
                                    if e.key[1] in reported and e.key[1] != m.id) \
                or _NO_KEYS
            if alone:
                shared[0] = (causes, ends, conditional)
        srcs = body.sources or eff.sources or m.sources
        # id of a list of citations (each kept alive by its measure) -> its sorted source
        # ids: lists of citations are mostly shared (loader)
        ids = source_ids.get(id(srcs))
        if ids is None:
            ids = source_ids[id(srcs)] = share(tuple(sorted({s.ref for s in srcs})))
        h = Holding(
            fact=share(fact_key(body)), by=by, measure=m.id, effect=eff,
            start=events.effect_start(m, eff),
            ends=ends,
            end_causes=causes,
            attributes=share(tuple(sorted(body.attributes().items()))),
            sources=ids,
            exists=m.id if m.id in self.reported else None, conditional=conditional)
        if days:
            object.__setattr__(h, "possible", share(h.possible))
            object.__setattr__(h, "certain", share(h.certain))
        return h


def sharer():
    """value -> the first equal value it was given."""
    seen: dict = {}

    def share(value):
        return seen.setdefault(value, value)
    return share


def certain_set(holdings: list[Holding]) -> ds.DaySet:
    """The days on which every world has at least one of the holdings (see module doc)."""
    live = [h for h in holdings if h.possible]
    if not live:
        return ds.EMPTY
    if len(live) == 1:
        return live[0].certain
    shared = _shares_events(live)
    if not shared:
        return ds.union(*(h.certain for h in live))
    bounds = sorted({x for h in live for ev in (h.start,) + h.ends for x in (ev.earliest, ev.latest)}
                    | {NEG, POS})
    # A sweep: on a stretch only the holdings whose possible span contains it can hold (the
    # others hold in no world), so each stretch looks at those, not at every holding (an
    # amendment chain of N measures is N holdings of one fact over 2N stretches).
    by_start = sorted(range(len(live)), key=lambda i: (live[i].possible[0][0], i))
    single = ds.union(*(h.certain for h in live))
    active: dict[int, Holding] = {}  # in order of their possible start
    expiry: list[tuple[int, int]] = []  # (possible end, index): a heap
    k = 0
    out = []
    for lo, hi in zip(bounds, bounds[1:]):
        while k < len(by_start) and live[by_start[k]].possible[0][0] <= lo:
            i = by_start[k]
            active[i] = live[i]
            heappush(expiry, (live[i].possible[0][1], i))
            k += 1
        while expiry and expiry[0][0] <= lo:
            active.pop(heappop(expiry)[1], None)
        if active and (ds.contains(single, lo) or _covered(active.values(), lo)):
            out.append((lo, hi))
    return ds.normalize(out)


def _shares_events(holdings: list[Holding]) -> bool:
    seen = set()
    for h in holdings:
        keys = h.choices()
        if keys & seen:
            return True
        seen |= keys
    return False


def _covered(holdings: Iterable[Holding], d: int) -> bool:
    """Does every world have some holding on day d? False, too, once more than MAX_SHARED
    undetermined choices are involved (the sound fallback of the module doc): the search
    stops there, so a stretch costs at most the holdings needed to find that many choices.

    Each holding holds on d under a conjunction of literals over the undetermined choices: an
    event's variable is True when it happened on or before d, a reported measure's
    ``("exists", id)`` when it exists; an end made by a reported measure is a clause
    "that measure does not exist, or the end is after d"."""
    terms = []
    variables: set = set()
    for h in holdings:
        term: dict = {}
        clauses: list = []
        ok = True
        if h.exists is not None:
            term[("exists", h.exists)] = True
        s = h.start
        if s.latest <= d:
            pass
        elif d < s.earliest:
            ok = False
        else:
            term[s.key] = True  # start on or before d
        if ok:
            for e in h.ends:
                if d < e.earliest:
                    continue
                if e.key in h.conditional:
                    exists = ("exists", e.key[1])
                    if e.latest <= d:
                        if term.get(exists) is True:
                            ok = False
                            break
                        term[exists] = False  # ended here wherever its measure exists
                    else:
                        clauses.append(((exists, False), (e.key, False)))
                    continue
                if e.latest <= d:
                    ok = False
                    break
                if term.get(e.key) is True:
                    ok = False
                    break
                term[e.key] = False  # end after d
        if ok:
            if not term and not clauses:
                return True
            terms.append((term, clauses))
            variables.update(term)
            variables.update(v for c in clauses for v, _ in c)
            if len(variables) > MAX_SHARED:
                # a holding certain on d alone would make it True: certain_set checks
                # those before it asks
                return False
    if not terms:
        return False
    variables = sorted(variables)
    for values in product((True, False), repeat=len(variables)):
        world = dict(zip(variables, values))
        if not any(all(world[k] == v for k, v in t.items())
                   and all(any(world[k] == v for k, v in c) for c in cs) for t, cs in terms):
            return False
    return True


def fact_sets(holdings: list[Holding]) -> dict[FactKey, tuple[ds.DaySet, ds.DaySet]]:
    """fact -> (certain, possible) for the facts the holdings establish."""
    by_fact: dict[FactKey, list[Holding]] = {}
    for h in holdings:
        by_fact.setdefault(h.fact, []).append(h)
    out = {}
    for key, hs in by_fact.items():
        possible = ds.union(*(h.possible for h in hs))
        if not possible:
            continue
        out[key] = (certain_set(hs), possible)
    return out
