"""Questions over a compiled corpus: diff, timeline, explain, history, show, warnings.

Each returns plain data (dicts and lists, JSON-ready); ``report.py`` renders it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import le
from typing import Optional

from . import collector
from . import paging
from . import daysets as ds
from .dates import NEG, POS, day_iso, format_range, range_bounds
from .engine import fact_key
from .model import ESTABLISHING, FACT_KINDS, fact_order
from .problems import KzlawError, Problem, suggest
from .rules import is_var
from .timeline import ABSENT, IN_FORCE, UNCERTAIN, FactValue, sort_key

DIFF_GROUPS = (
    ("newly-in-force", "Newly in force"),
    ("became-uncertain", "Became uncertain"),
    ("became-certain", "Became certain"),
    ("no-longer-in-force", "No longer in force"),
    ("attributes-changed", "Attributes changed"),
)


def _status(v: Optional[FactValue]) -> str:
    return ABSENT if v is None else v.status


def fact_label(key) -> str:
    kind, target, about = key
    return f"{kind} {target}" + (f" about {about}" if about else "")


def fact_names(corpus, key) -> dict:
    """``kind``, ``target``, ``about``, ``label``, ``about_label`` and ``title`` (the label a
    table shows, "Prohibition: Prayer in the workplace") of a fact."""
    names = corpus.names
    kind, target, about = key
    return {"kind": kind, "target": target, "about": about,
            "label": names.label(target, kind),
            "about_label": names.label(about, "penalty" if kind == "penalty" else None),
            "title": names.fact_title(kind, target, about)}


def document(corpus, question: dict, days: list, body: dict) -> dict:
    """A command's JSON document: the question, the answer, the corpus to cite, the warnings
    (days outside the record's horizon)."""
    out = {"question": question}
    out.update(body)
    out["corpus"] = corpus.citation()
    out["warnings"] = warnings_for(corpus, [d for d in days if d is not None])
    return out


def warnings_for(corpus, days: list) -> list[str]:
    """The horizon warnings for the days a question names (see ``horizon_warnings``)."""
    return horizon_warnings(corpus, days)


# --- in-force ----------------------------------------------------------------------------------

def in_force(corpus, day: int, kind: Optional[str] = None, category: Optional[str] = None,
             status: Optional[str] = None, about: Optional[str] = None,
             with_by: bool = True, offset: int = 0, limit: Optional[int] = None) -> dict:
    """The facts in force or uncertain on ``day`` (semantics.md section 9), filtered by fact kind,
    the category of the fact's target, status, and what the fact is about; unknown values
    raise ``KzlawError`` with a suggestion. ``with_by=False`` leaves out each fact's ``by``
    (for a table that does not show it: see ``State.plain_facts``). With ``offset`` or
    ``limit``, one page of the facts (``paging.py``), counted by status."""
    names = corpus.names
    question = {"command": "in-force", "date": day_iso(day)}
    if kind is not None:
        kind = question["kind"] = names.resolve_kind(kind)
    if category is not None:
        category = question["category"] = names.resolve_category(category)
    if status is not None:
        if status not in (IN_FORCE, UNCERTAIN):
            wanted = status.replace(" ", "-").casefold()
            if wanted not in (IN_FORCE, UNCERTAIN):
                raise KzlawError([Problem("question", 0, f"unknown status {status!r}; choose "
                                          f"{IN_FORCE} or {UNCERTAIN}"
                                          + suggest(status, (IN_FORCE, UNCERTAIN)))])
            status = wanted
        question["status"] = status
    if about is not None:
        about = question["about"] = names.resolve(about, "about id", names.vocabulary_ids())
    compiled = corpus.compiled
    facts = []
    members = None
    if category is not None:
        members = {i for entries in names.entries.values() for i, e in entries.items()
                   if category in e[2]}
    evidence: dict = {}  # sources -> their evidence: the same few lists of sources recur
    chosen = []
    for key, value in corpus.at(day).plain_facts(kind, by=with_by):
        if members is not None and key[1] not in members:
            continue
        if status is not None and value[0] != status:
            continue
        if about is not None and key[2] != about:
            continue
        chosen.append((key, value))
    for key, value in paging.cut(chosen, offset, limit):
        facts.append(fact_json(names, compiled, key, value, day, evidence, with_by))
    body = {"date": day_iso(day), "facts": facts}
    uncertain = sum(1 for _, value in chosen if value[0] == UNCERTAIN) if \
        offset or (limit is not None and len(chosen) > limit) else 0
    cut = paging.page(len(chosen), offset, limit, **{IN_FORCE: len(chosen) - uncertain,
                                                     UNCERTAIN: uncertain})
    if cut is not None:
        body["page"] = cut
    return document(corpus, question, [day], body)


def fact_json(names, compiled, key, value: tuple, day: int, evidence: Optional[dict] = None,
              with_by: bool = True) -> dict:
    """One fact of a state (its key and the plain value the timeline stores), as JSON: its
    names, status, attributes, by (unless ``with_by`` is False), sources, evidence and, when
    uncertain, why; as ``Fact.to_json`` has them, with the names. ``evidence``, when given,
    remembers the evidence of each tuple of sources met (``names.evidence``)."""
    kind, target, about = key
    status, attributes, by, sources = value
    out = {"kind": kind, "target": target, "about": about,
           "label": names.label(target, kind),
           "about_label": None if about is None else  # (names.label's answer for None)
           names.label(about, "penalty" if kind == "penalty" else None),
           "title": names.fact_title(kind, target, about), "status": status}
    if attributes:
        for name, v in dict(attributes).items():  # (as the Fact's Attributes has them)
            out[name] = list(v) if isinstance(v, tuple) else v
    if with_by:
        out["by"] = list(by)
    out["sources"] = list(sources)
    if evidence is None:
        out["evidence"] = names.evidence(sources)
    else:
        got = evidence.get(sources, evidence)  # (the dict itself: not yet met)
        if got is evidence:
            got = evidence[sources] = names.evidence(sources)
        out["evidence"] = got
    if status == UNCERTAIN:
        out["why"] = compiled.why_uncertain(key, day)
    return out


# --- why a fact is uncertain ---------------------------------------------------------------------

def _on(bound: str) -> str:
    """The preposition of a bound: on a day, in a month or a year."""
    return "on" if len(bound) == 10 else "in"


def _words(d) -> str:
    """How the source wrote a date: its own words where kept, else the notation or range."""
    if d is None:
        return "on an unknown day"
    if d.as_written:
        return f"in '{d.as_written}'"
    if d.text.startswith("["):
        # each bound as precisely as the record knows it: "in or before 2013", not "on or
        # before 2013-12-31"
        lo, hi, _flag = range_bounds(d.text) or (day_iso(d.earliest) or "",
                                                  day_iso(d.latest) or "", "")
        if d.earliest <= NEG:
            return f"{_on(hi)} or before {hi}"
        if d.latest >= POS:
            return f"{_on(lo)} or after {lo}"
        return f"between {lo} and {hi}"
    return f"in '{d.text}{d.flag}'"


_ENDED = {"repeals": "repealed", "replaces": "replaced", "amends": "amended",
          "expires": "expired", "until": "ended"}


def why_uncertain(corpus, key, day: int, holdings=None) -> Optional[str]:
    """A short phrase: why the fact is uncertain from ``day`` on (which date is uncertain and
    how the source wrote it, that the measure is only reported, or that sources disagree).

    ``holdings``, when given, are the fact's holdings that may be uncertain on ``day``, in
    the fact's order (the compiled timeline finds them with a sweep over the fact's
    stretches instead of trying every holding on every stretch)."""
    reasons: list[str] = []
    for h in (corpus.holdings_by_fact.get(key, ()) if holdings is None else holdings):
        if len(set(reasons)) >= 2:
            break  # two different reasons are all the phrase gives
        if not ds.contains(h.possible, day) or ds.contains(h.certain, day):
            continue
        m = corpus.measures[h.measure]
        if m.status == "reported":
            reasons.append("only reported")
        ev = h.start
        if ev.earliest <= day < ev.latest:  # undetermined on the day
            d = ev.date
            if d is not None and d.alternatives:
                reasons.append("sources disagree on when it took effect")
            else:
                reasons.append(f"took effect {_words(d)}")
        for end, reason, _by in h.end_causes:
            if end.earliest <= day < end.latest:
                d = end.date
                if d is not None and d.alternatives:
                    reasons.append(f"sources disagree on when it was {_ENDED.get(reason, 'ended')}")
                else:
                    reasons.append(f"{_ENDED.get(reason, 'ended')} {_words(d)}")
    if not reasons:
        for d in corpus.derivations.get(key, ()):
            if not ds.contains(d.possible, day) or ds.contains(d.certain, day):
                continue
            for prem in d.premises:
                v = corpus.value(prem, day)
                if v is not None and v.status == UNCERTAIN and prem[0] != "category":
                    reasons.append("follows from an uncertain fact: "
                                   + corpus.names.fact_title(*prem))
                    break
            for neg in d.negated:
                v = corpus.value(neg, day)
                if v is not None and v.status == UNCERTAIN:
                    reasons.append("unless " + corpus.names.fact_title(*neg) + ", uncertain")
                    break
    seen: list[str] = []
    for r in reasons:
        if r not in seen:
            seen.append(r)
    return "; ".join(seen[:2]) or None


def _ref_json(corpus, ref) -> dict:
    src = corpus.sources.get(ref.ref)
    out = {"ref": ref.ref}
    for name in ("quote", "translation", "summary"):  # a summary is the curator's words
        if getattr(ref, name):
            out[name] = getattr(ref, name)
    if src is not None:
        out["citation"] = src.citation
        out["kind"] = src.kind
        if src.url:
            out["url"] = src.url
    return out


# --- diff ------------------------------------------------------------------------------------

def diff_group(before: str, after: str) -> str:
    if before == after:
        return "attributes-changed"
    if after == ABSENT:
        return "no-longer-in-force"
    if after == UNCERTAIN:
        return "became-uncertain"
    if before == UNCERTAIN:
        return "became-certain"
    return "newly-in-force"


_GROUPS = {before: {after: diff_group(before, after) for after in (ABSENT, IN_FORCE, UNCERTAIN)}
           for before in (ABSENT, IN_FORCE, UNCERTAIN)}  # diff_group, looked up


def diff(corpus, a: int, b: int, offset: int = 0, limit: Optional[int] = None) -> dict:
    """Every fact whose status or attributes differ between days a and b (semantics.md §9).
    Each change is a ``Change``: a dict whose provenance is worked out when first read. With
    ``offset`` or ``limit``, one page of the changes (``paging.py``), counted by group; only
    the page's provenance is worked out."""
    with collector.paused():
        changes = _changes(corpus, a, b)
    body = {"from": day_iso(a), "to": day_iso(b), "changes": changes}
    groups: dict = {}
    if offset or (limit is not None and len(changes) > limit):
        for c in changes:
            g = dict.__getitem__(c, "group")
            groups[g] = groups.get(g, 0) + 1
        body["changes"] = _own_pending(paging.cut(changes, offset, limit))
    cut = paging.page(len(changes), offset, limit, **groups)
    if cut is not None:
        body["page"] = cut
    return document(corpus, {"command": "diff", "from": day_iso(a), "to": day_iso(b)}, [a, b],
                    body)


def _own_pending(changes: list) -> list:
    """Changes cut from a diff, their provenance to be worked out for them alone (a page of a
    diff of 20,000 changes reads the provenance of its own hundred)."""
    if changes:
        pending = changes[0]._pending
        mine = _Pending(pending.diff, [pending.origins[c._at] for c in changes])
        for at, c in enumerate(changes):
            c._pending, c._at = mine, at
    return changes


REMEMBER_SHARE = 16  # see _changes

PROVENANCE = ("by", "when", "sources", "evidence")  # what a change works out when first read


class Change(dict):
    """A change of a diff: a plain ``dict`` (JSON, ``==``, copies, templates and tables read it
    as one) whose provenance, ``by``, ``when``, ``sources`` and ``evidence``, is worked out the
    first time anything of it but the fact, the statuses and ``changed`` is read: a diff ten
    years apart changes most facts, and a caller that asks only which changed (as the side by
    side with OpenFisca does) pays for no provenance. The first change of a diff read works
    out the provenance of all of them (``_Pending``), as the answer was made before: whoever
    reads one reads them all (a table, a page, JSON). Each change is then an ordinary dict,
    each list its own, as every answer's are.

    Every way of reading the dict but ``change[key]`` of a key it holds, which is the dict's
    own, works the provenance out first (``__missing__`` does for its keys), and so does every
    way of changing it, so that nothing set by a caller is overwritten later. Copied or
    pickled, it is a plain dict with all its keys."""

    __slots__ = ("_pending", "_at")  # the diff's _Pending (None once filled), the place in it

    def __missing__(self, key):
        if key in PROVENANCE and self._pending is not None:
            self._fill()
            return dict.__getitem__(self, key)
        raise KeyError(key)

    def _fill(self) -> None:
        pending = self._pending
        if pending is not None:
            dict.update(self, pending.take(self._at))
            self._pending = None

    def __eq__(self, other):
        self._fill()
        if isinstance(other, Change):
            other._fill()
        return dict.__eq__(self, other)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None

    def __reduce_ex__(self, protocol):
        return dict, (dict(self.items()),)


class _Pending:
    """The provenance of one diff's changes, worked out for all of them together the first
    time any is read (``_provenances``, with the collector paused, as the changes were made),
    and handed to each change once."""

    __slots__ = ("diff", "origins", "made")

    def __init__(self, diff: tuple, origins: list):
        self.diff, self.origins, self.made = diff, origins, None

    def take(self, at: int) -> dict:
        made = self.made
        if made is None:
            with collector.paused():
                made = self.made = _provenances(self.diff, self.origins)
        got = made[at]
        if got is None:  # taken already (two threads filling one change at once): made again
            return _provenances(self.diff, self.origins[at:at + 1])[0]
        made[at] = None
        return got


def _filled_first(name: str):
    method = getattr(dict, name)

    def read(self, *args, **kwargs):
        if self._pending is not None:
            self._fill()
        return method(self, *args, **kwargs)

    read.__name__ = read.__qualname__ = name
    read.__doc__ = method.__doc__
    return read


for _name in ("__iter__", "__len__", "__contains__", "__repr__", "__reversed__", "__or__",
              "__ror__", "__ior__", "__setitem__", "__delitem__", "get", "keys", "values",
              "items", "copy", "pop", "popitem", "setdefault", "update", "clear"):
    setattr(Change, _name, _filled_first(_name))
del _name


class _EventJSON:
    """An event's JSON as a diff keeps it (``_shared_keys``)."""


def _shared_keys(js: dict) -> dict:
    """``js`` as the attributes of an object: a dict whose keys are one table shared by all
    the events' JSON, and so is each of its copies (``dict.copy``), a dict of 104 bytes
    where a dict of its own takes 232: CPython keeps such a dict as a table of values beside
    one table of keys shared by all of them."""
    o = _EventJSON()
    for key, value in js.items():  # attributes set one by one (a dict merged in has keys of
        setattr(o, key, value)  # its own)
    return o.__dict__


# Each fact keeps the by of the runs of its events that diffs met (a few per fact: a sorted
# copy of a set costs several times a look-up), up to KEPT_WINDOWS runs; a run is known by
# first * WINDOWS + last, WINDOWS being more than the events a fact can have.
KEPT_WINDOWS = 64
WINDOWS = 1 << 32


def _changes(corpus, a: int, b: int) -> list[dict]:
    """The changes between days a and b (``Change``), their provenance left to be worked out
    when read (``_provenance``)."""
    compiled = corpus.compiled
    keys = compiled.fact_keys
    memo = _diff_memo(corpus)
    names = memo["names"]
    numbers = compiled.diff_numbers(a, b)
    # A fact's names (and, when its provenance is read, its events) are remembered when a
    # diff changes many facts (a sixteenth of them or more): remembering costs a few times
    # what one diff's answer for the fact does, and pays where diffs are large. A small diff
    # answers the facts it has not met directly.
    remember = len(numbers) * REMEMBER_SHARE >= len(keys)
    if remember:
        # All of them first, in the order of the facts, before any answer: so that what is
        # remembered of consecutive facts lies together in memory, and later diffs, which
        # visit the facts in that order, read it in order.
        for n, _before, _after in numbers:
            if names[n] is None:
                names[n] = _diff_names(corpus, keys[n])
    origins: list = []  # per change: (fact number, sources before, sources after)
    pending = _Pending((corpus, a, b, remember), origins)
    add_origin = origins.append
    changes: list[dict] = []
    append = changes.append
    groups = _GROUPS
    for n, before, after in numbers:
        sb = ABSENT if before is None else before[0]
        sa = ABSENT if after is None else after[0]
        changed = None
        if sb == sa:  # then both are values: the same status, and the attributes?
            if before[1] == after[1]:
                continue  # only the provenance differs: not a change of the law
            ab, aa = dict(before[1]), dict(after[1])
            changed = {name: [_plain(ab.get(name)), _plain(aa.get(name))]
                       for name in sorted(set(ab) | set(aa)) if ab.get(name) != aa.get(name)}
            if not changed:
                continue
        fact = names[n]
        if fact is None:  # not remembered
            fact = _diff_names(corpus, keys[n])
        kind, target, about, label, about_label, title = fact
        if changed:
            change = Change(kind=kind, target=target, about=about, label=label,
                            about_label=about_label, title=title, before=sb, after=sa,
                            group=groups[sb][sa], changed=changed)
        else:
            change = Change(kind=kind, target=target, about=about, label=label,
                            about_label=about_label, title=title, before=sb, after=sa,
                            group=groups[sb][sa])
        change._pending, change._at = pending, len(changes)
        add_origin((n, before[3] if before else (), after[3] if after else ()))
        append(change)
    return changes


def _provenances(diff: tuple, origins: list) -> list[dict]:
    """Per change of a diff (``(fact number, sources before, sources after)``), its ``by``,
    ``when``, ``sources`` and ``evidence``: the effects and rules whose dated events changed
    the fact between the diff's days, those events' JSON (fresh copies), and the sources of
    its values on the two days with the strongest kind among them."""
    corpus, a, b, remember = diff
    memo = _diff_memo(corpus)
    keys = corpus.compiled.fact_keys
    entries, sources_of = memo["events"], memo["sources"]
    lo, hi = min(a, b), max(a, b)
    out = []
    append = out.append
    for n, sources_before, sources_after in origins:
        events = entries[n]
        if events is None and remember:
            key = keys[n]
            # False: a fact some rule derives (its causes include its premises', found per
            # diff by ``_causes``)
            events = entries[n] = False if corpus.derivations.get(key) \
                else _cause_entries(corpus, key, memo["days"])
        if not events:  # a fact some rule derives, or not remembered
            by, when = _causes(corpus, keys[n], a, b)
        elif events[4]:  # _held_causes, inlined for the common case
            first, last = bisect_right(events[1], lo), bisect_right(events[0], hi)
            if first < last:
                windows, at = events[7], first * WINDOWS + last
                by = windows.get(at)
                if by is None:
                    by = _window_by(events, first, last)
                    if len(windows) < KEPT_WINDOWS:
                        windows[at] = by
                by = list(by)
                when = _events_json(events, first, last)
            else:
                by, when = [], []
        else:
            by, when = _held_causes(events, lo, hi)
        pair = (sources_before, sources_after)
        src = sources_of.get(pair)
        if src is None:
            both = set(pair[0]) | set(pair[1])
            src = sources_of[pair] = (tuple(sorted(both)), corpus.names.evidence(both))
        append({"by": by, "when": when, "sources": list(src[0]), "evidence": src[1]})
    return out


def _diff_memo(corpus) -> dict:
    """What diffs look up again and again, found once per fact (or pair of source lists, or
    day) on first use and kept with the corpus: per fact number of the compiled timeline,
    the fact's names and its dated events with their JSON; per pair of source lists, the
    change's sorted sources and their evidence; per day, its ISO text."""
    memo = corpus.__dict__.get("_memo_diff")
    compiled = corpus.compiled
    if memo is None or memo["compiled"] is not compiled:
        memo = corpus.__dict__["_memo_diff"] = {
            "compiled": compiled, "names": [None] * len(compiled.fact_keys),
            "events": [None] * len(compiled.fact_keys), "sources": {}, "days": {}}
    return memo


def _diff_names(corpus, key) -> tuple:
    """A fact's kind, target, about, label, about label and title (``fact_names``), for
    diffs."""
    n = fact_names(corpus, key)
    return (n["kind"], n["target"], n["about"], n["label"], n["about_label"], n["title"])


def _cause_entries(corpus, key, days: dict) -> tuple:
    """The dated events of the holdings of a fact, once each, as ``_causes`` reads them:
    ``(earliest days, latest days, by of each, JSON of each, whether the latest days rise
    with the earliest, whether an event's JSON nests lists (a date's alternatives), the one
    by of each where each has one (else None), the by of runs of them met (``_window_by``,
    filled by ``_changes``))``, in the order ``_causes`` sorts events: by
    earliest day, latest day, label (ISO days sort as the days do; an open end is the
    earliest or latest). ``days`` (day -> ISO text, filled here) makes each day's text once.

    Each event's by is sorted, so that a diff over one event of the fact copies it as it is.
    Each event's JSON is a dict of text, which the garbage collector does not track (nor a
    copy of it), copied per answer with ``dict.copy``; where the JSON nests lists (a date's
    alternatives), ``_events_json`` copies it whole."""
    found: dict = {}  # event key (one per label) -> [event, its by]
    get = found.get
    for h in corpus.holdings_by_fact.get(key, ()):
        by = h.by
        ev = h.start
        entry = get(ev.key)
        if entry is None:
            found[ev.key] = [ev, {by}]
        else:
            entry[1].add(by)
        for ev, _reason, cause in h.end_causes:
            entry = get(ev.key)
            if entry is None:
                entry = found[ev.key] = [ev, {by}]
            else:
                entry[1].add(by)
            if "#" in cause:
                entry[1].add(cause)
    # In _causes's order, by a plain tuple whose place in the list breaks ties as a stable
    # sort would: no key function called per event.
    rows = []
    for i, (ev, by) in enumerate(found.values()):
        lo, hi = ev.earliest, ev.latest
        rows.append((lo if NEG < lo < POS else NEG, hi if NEG < hi < POS else POS, ev.label,
                     i, ev, by))
    rows.sort()
    earliest = tuple([r[4].earliest for r in rows])
    latest = tuple([r[4].latest for r in rows])
    rising = all(map(le, earliest, earliest[1:])) and all(map(le, latest, latest[1:]))
    jsons = tuple([_shared_keys(_event_json_of_days(r[4], days, r[2])) for r in rows])
    nested = any(["alternatives" in js for js in jsons])
    bys = tuple([tuple(r[5]) if len(r[5]) == 1 else tuple(sorted(r[5])) for r in rows])
    single = tuple([b[0] for b in bys]) if all([len(b) == 1 for b in bys]) else None
    return (earliest, latest, bys, jsons, rising, nested, single, {})


def _window_by(entries: tuple, first: int, last: int) -> tuple:
    """The sorted by of events ``first`` to ``last`` of a fact's entries, all of them."""
    if first + 1 == last:  # one event: its by, sorted once
        return entries[2][first]
    if entries[6] is not None:
        return tuple(sorted({*entries[6][first:last]}))
    return tuple(sorted(set().union(*entries[2][first:last])))


def _event_json_of_days(ev, days: dict, label: Optional[str] = None) -> dict:
    """``event_json(ev)``, a plain day's ISO text taken from ``days`` (day -> text; a day not
    there is added), so that each day's text is made once and shared by the events on it.
    ``label`` is the event's, when known."""
    d = ev.date
    if d is None or d.alternatives or d.as_written or d.flag:
        return event_json(ev)
    day = days.get(ev.earliest)
    if day is None:
        day = days[ev.earliest] = day_iso(ev.earliest) or ""  # "": an open end
    if d.text != day:  # not a plain day
        return event_json(ev)
    return {"label": ev.label if label is None else label, "earliest": day, "latest": day,
            "range": day, "date": day}


def _events_json(entries: tuple, first: int, last: int) -> list[dict]:
    """Fresh copies of the JSON of events ``first`` to ``last`` of a fact's entries."""
    chosen = entries[3][first:last]
    if entries[5]:
        return [_copy_json(js) for js in chosen]
    return list(map(dict.copy, chosen))


def _copy_json(value):
    """A copy of plain JSON data (dicts, lists, scalars), so that no answer shares a dict or
    list with another."""
    if isinstance(value, dict):
        return {k: _copy_json(v) if isinstance(v, (dict, list)) else v
                for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    return value


def _first(pair):
    return pair[0]


def _held_causes(entries: tuple, lo: int, hi: int) -> tuple[list[str], list[dict]]:
    """``_causes`` of a fact no rule derives, from its ``_cause_entries``: the same answer
    (each event JSON a fresh copy). Its events happened in [lo, hi] when their latest day is
    after ``lo`` and their earliest not after ``hi``; where the latest days rise with the
    earliest (the common case, which ``_changes`` answers itself) those are one run of
    them, found by two binary searches; here, where they do not, each is tested."""
    earliest, latest, bys = entries[:3]
    picked = [i for i in range(len(earliest)) if latest[i] > lo and earliest[i] <= hi]
    by = sorted(set().union(*(bys[i] for i in picked)))
    return by, [x for i in picked for x in _events_json(entries, i, i + 1)]


def _answer(value) -> Optional[tuple]:
    """What a question about the fact answers: its status and attributes (not provenance)."""
    return None if value is None else (value[0], value[1])


def _differing_spans(seg_a, seg_b) -> list[tuple[int, int, Optional[tuple], Optional[tuple]]]:
    """``(start, end, value in A, value in B)`` for the stretches of days on which two
    compiled segment lists answer differently."""
    empty = ([], [])
    starts_a, values_a = seg_a or empty
    starts_b, values_b = seg_b or empty
    cuts = sorted(set(starts_a) | set(starts_b))
    out = []
    ia = ib = -1
    for n, cut in enumerate(cuts):
        while ia + 1 < len(starts_a) and starts_a[ia + 1] <= cut:
            ia += 1
        while ib + 1 < len(starts_b) and starts_b[ib + 1] <= cut:
            ib += 1
        va = values_a[ia] if ia >= 0 else None
        vb = values_b[ib] if ib >= 0 else None
        if _answer(va) != _answer(vb):
            end = cuts[n + 1] if n + 1 < len(cuts) else POS
            if out and out[-1][1] == cut and out[-1][2] == va and out[-1][3] == vb:
                out[-1] = (out[-1][0], end, va, vb)
            else:
                out.append((cut, end, va, vb))
    return out


def day_range_json(start: int, end: int) -> dict:
    """A half-open stretch of ordinals as inclusive ISO days (None for an open end)."""
    return {"from": day_iso(start), "until": day_iso(end - 1) if end < POS else None}


def record_changes(a, b, at: Optional[int] = None) -> list[dict]:
    """Every fact whose answer (status or attributes) differs between two records of the
    corpus (two revisions, semantics as in ``diff``): on day ``at``, or on any day, with the
    days on which it differs. One entry per fact and (before, after, changed attributes);
    grouped as ``diff`` groups, then by fact."""
    out = []
    for key in sorted(set(a.compiled.segments) | set(b.compiled.segments), key=fact_order):
        if at is not None:
            va, vb = a.compiled.raw_value(key, at), b.compiled.raw_value(key, at)
            spans = [(at, at + 1, va, vb)] if _answer(va) != _answer(vb) else []
        else:
            spans = _differing_spans(a.compiled.segments.get(key),
                                     b.compiled.segments.get(key))
        entries: dict = {}
        for start, end, va, vb in spans:
            sb = ABSENT if va is None else va[0]
            sa = ABSENT if vb is None else vb[0]
            ab = dict(va[1]) if va else {}
            aa = dict(vb[1]) if vb else {}
            changed = {}
            if sb == sa:
                changed = {name: [_plain(ab.get(name)), _plain(aa.get(name))]
                           for name in sorted(set(ab) | set(aa)) if ab.get(name) != aa.get(name)}
            ident = (sb, sa, repr(changed))
            entry = entries.get(ident)
            if entry is None:
                entry = entries[ident] = fact_names(b if key in b.compiled.segments else a, key)
                entry.update(before=sb, after=sa, group=diff_group(sb, sa))
                if changed:
                    entry["changed"] = changed
                entry.update(days=[], by={"before": set(), "after": set()},
                             sources={"before": set(), "after": set()})
            days = entry["days"]
            if days and days[-1][1] == start:
                days[-1] = (days[-1][0], end)
            else:
                days.append((start, end))
            for side, v in (("before", va), ("after", vb)):
                if v:
                    entry["by"][side].update(v[2])
                    entry["sources"][side].update(v[3])
        for entry in entries.values():
            for field in ("by", "sources"):
                entry[field] = {side: sorted(v) for side, v in entry[field].items()}
            if at is not None:
                del entry["days"]
            else:
                entry["days"] = [day_range_json(s_, e_) for s_, e_ in entry["days"]]
            out.append(entry)
    order = {g: i for i, (g, _t) in enumerate(DIFF_GROUPS)}
    out.sort(key=lambda c: (order[c["group"]], fact_order((c["kind"], c["target"], c["about"])),
                            (c.get("days") or [{"from": None}])[0]["from"] or ""))
    return out


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _causes(corpus, key, a: int, b: int) -> tuple[list[str], list[dict]]:
    """The effects and rules whose dated events changed the fact between a and b, and those
    events' dates. A derived fact's causes include the effects behind those of its premises
    that changed status, and theirs, each premise visited once (rules may be recursive, and a
    chain of rules may be thousands long: a work list, not recursion)."""
    lo, hi = min(a, b), max(a, b)
    seen = {key}
    todo = [key]
    by: set = set()
    when: dict = {}  # event label -> event (JSON form)

    def inside(ev) -> bool:
        return ev.latest > lo and ev.earliest <= hi

    while todo:
        fact = todo.pop()
        for h in corpus.holdings_by_fact.get(fact, ()):
            if inside(h.start):
                by.add(h.by)
                when[h.start.label] = event_json(h.start)
            for ev, _reason, cause in h.end_causes:
                if inside(ev):
                    by.add(h.by)
                    if "#" in cause:
                        by.add(cause)
                    when[ev.label] = event_json(ev)
        for d in corpus.derivations.get(fact, ()):
            if fact is key:  # the rules behind the fact itself, not behind its premises
                by.add(f"rule:{d.rule}")
            for prem in d.premises + d.negated:
                if prem in seen or prem[0] == "category":
                    continue
                if _status(corpus.value(prem, a)) != _status(corpus.value(prem, b)):
                    seen.add(prem)
                    todo.append(prem)
    events = sorted(when.values(), key=lambda e: (e["earliest"] or "", e["latest"] or "~",
                                                  e["label"]))
    return sorted(by), events


def event_json(ev) -> dict:
    d = ev.date
    out = {"label": ev.label, "earliest": day_iso(ev.earliest), "latest": day_iso(ev.latest),
           "range": format_range(ev.earliest, ev.latest)}
    if d is not None:
        out["date"] = d.text + (d.flag if not d.alternatives else "")
        if d.as_written:
            out["as_written"] = d.as_written
        if d.alternatives:
            out["alternatives"] = [x.to_json() for x in d.alternatives]
    return out


# --- timeline ----------------------------------------------------------------------------------

_MEASURE_DATES = (("introduced", "bill introduced"), ("adopted", "adopted"),
                  ("in_force", "in force"), ("expires", "expires"), ("failed", "bill failed"))


def _transitions(corpus, head) -> list[tuple[int, bool]]:
    """(day, grows) where the fact starts or becomes certain (True) or ends or becomes
    uncertain (False)."""
    starts, values = corpus.compiled.segments.get(head, ((), ()))
    out = []
    for i, value in enumerate(values):
        before = values[i - 1] if i > 0 else None
        if value is None:
            if before is not None:
                out.append((starts[i], False))
        elif before is None or (before[0], value[0]) == (UNCERTAIN, IN_FORCE):
            out.append((starts[i], True))
        elif (before[0], value[0]) == (IN_FORCE, UNCERTAIN):
            out.append((starts[i], False))
    return out


def _event_facts(corpus) -> tuple[dict, dict]:
    """event key -> facts it starts, and -> facts it ends, including derived facts that one
    of their premises' start or end turns on or off within the event's range."""
    starts: dict[tuple, set] = {}
    ends: dict[tuple, set] = {}
    ranges: dict[tuple, tuple] = {}
    for h in corpus.holdings:
        starts.setdefault(h.start.key, set()).add(h.fact)
        ranges[h.start.key] = (h.start.earliest, h.start.latest)
        for ev in h.ends:
            ends.setdefault(ev.key, set()).add(h.fact)
            ranges[ev.key] = (ev.earliest, ev.latest)
    uses: dict[tuple, set] = {}  # premise fact -> derived facts
    for head, derivs in corpus.derivations.items():
        for d in derivs:
            for p in d.premises + d.negated:
                uses.setdefault(p, set()).add(head)
    # premise -> its dependents' transitions, sorted by day: an event only visits the
    # dependents that change within its own range
    dependents: dict[tuple, tuple[list, list]] = {}

    def changes_of(premise):
        hit = dependents.get(premise)
        if hit is None:
            entries = sorted((day, grows, sort_key(head), head)
                             for head in uses.get(premise, ())
                             for day, grows in _transitions(corpus, head))
            hit = ([e[0] for e in entries], [(e[1], e[3]) for e in entries])
            dependents[premise] = hit
        return hit

    for table, want in ((starts, True), (ends, False)):
        for key, facts in table.items():
            lo, hi = ranges[key]
            todo, seen = list(facts), set(facts)
            while todo:
                premise = todo.pop()
                if premise not in uses:
                    continue
                days, entries = changes_of(premise)
                i = bisect_left(days, lo)
                while i < len(days) and days[i] <= hi + 1:
                    grows, head = entries[i]
                    if grows == want and head not in seen:
                        seen.add(head)
                        facts.add(head)
                        todo.append(head)
                    i += 1
    return starts, ends


def timeline(corpus, start: Optional[int], end: Optional[int]) -> list[dict]:
    """Every dated event in order of its earliest day, with the facts it starts, ends or
    restates (a fact ended and started by the same event, as by an amendment, continues)."""
    rows = [r for r in _all_events(corpus) if (start is None or r["_latest"] >= start)
            and (end is None or r["_earliest"] <= end)]
    return [_public(r) for r in rows]


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("_earliest", "_latest")}


def _all_events(corpus) -> list[dict]:
    """Every event row of the corpus, sorted, with its ``_earliest`` and ``_latest`` days:
    built once per corpus and shared by the timeline and every history (the reports ask for
    one history per organization; each built the whole timeline again)."""
    rows = corpus.__dict__.get("_memo_events")
    if rows is None:
        rows = corpus.__dict__["_memo_events"] = _build_events(corpus)
    return rows


def _events_by_id(corpus) -> dict[str, list[dict]]:
    """id -> the event rows a history of that id lists, in order (built once per corpus)."""
    index = corpus.__dict__.get("_memo_events_by_id")
    if index is None:
        index = {}
        for row in _all_events(corpus):
            ids = {x for f in row["starts"] + row["ends"] for x in (f["target"], f["about"])
                   if x is not None}
            ids.add(row["event"].split()[-1].split("#")[0])
            for ident in ids:
                index.setdefault(ident, []).append(row)
        corpus.__dict__["_memo_events_by_id"] = index
    return index


def _build_events(corpus) -> list[dict]:
    starts, ends = _event_facts(corpus)
    rows = []
    for mid in sorted(corpus.measures):
        m = corpus.measures[mid]
        start_key = None
        if m.in_effect:
            start_key = ("m", mid, "in_force" if m.dates.in_force else "adopted")
        for field, verb in _MEASURE_DATES:
            d = getattr(m.dates, field)
            if d is None:
                continue
            key = ("m", mid, field)
            if field == "adopted" and m.dates.in_force is None and m.in_effect:
                verb = "adopted and in force"
            elif field == "adopted" and not m.in_effect:
                verb = f"adopted ({m.status})"
            rows.append(_event_row(corpus, key, d, verb, mid, None, m.title,
                                   starts.get(key, set()) if m.in_effect else set(),
                                   ends.get(key, set()) if m.in_effect else set()))
        if not m.in_effect:
            continue
        for eff in m.effects:
            kind = eff.kind
            if kind in ("repeals", "replaces", "amends"):
                key = ("e", mid, eff.id, "from") if eff.from_ else start_key
                verb = {"repeals": "repeals", "replaces": "replaces", "amends": "amends"}[kind]
                target = getattr(eff, kind)
                own = key != start_key  # else the measure's own row lists the facts
                row = _event_row(corpus, key, eff.from_ or m.start_date, f"{verb} {target}", mid, eff.id,
                                 m.title, starts.get(key, set()) if own else set(),
                                 ends.get(key, set()) if own else set())
                row["event_label"] = f"{verb} {_target_label(corpus, target)}"
                rows.append(row)
            elif eff.from_ is not None or eff.until is not None:
                for field, name in (("from_", "from"), ("until", "until")):
                    d = getattr(eff, field)
                    if d is not None:
                        key = ("e", mid, eff.id, name)
                        row = _event_row(corpus, key, d, f"effect {eff.id} {name}", mid, eff.id,
                                         m.title, starts.get(key, set()), ends.get(key, set()))
                        row["event_label"] = _EFFECT_EVENTS[name]
                        rows.append(row)
    for r in rows:  # a reported measure's events are marked as such (semantics.md §5)
        if r["measure_status"] == "reported":
            r["event"] = "reported: " + r["event"]
            r["event_label"] = "reported: " + r["event_label"]
    rows.sort(key=lambda r: (r["_earliest"], r["_latest"], r["measure"], r["event"]))
    return rows


_EFFECT_EVENTS = {"from": "effect in force", "until": "effect ends"}


def _target_label(corpus, target: str) -> str:
    """What a repeal, replacement or amendment acts on, in words: a measure's title, or the
    fact an effect establishes ("Institution: Committee for Religious Affairs"); the id when
    the corpus names nothing better."""
    mid, _, eid = target.partition("#")
    m = corpus.measures.get(mid)
    if m is None:
        return target
    if not eid:
        return m.title
    eff = next((e for e in m.effects if e.id == eid), None)
    body = eff.with_ if eff is not None and eff.kind == "amends" else eff
    if body is None or body.kind not in ESTABLISHING:
        return target
    return fact_names(corpus, fact_key(body))["title"]


def timeline_document(corpus, start: Optional[int], end: Optional[int], offset: int = 0,
                      limit: Optional[int] = None) -> dict:
    """The document of ``kzlaw timeline``: the events between the two days (open ends: all),
    or one page of them (``offset``, ``limit``: ``paging.py``). Refuses a period that ends
    before it starts."""
    if start is not None and end is not None and start > end:
        raise KzlawError([Problem("question", 0, f"--from {day_iso(start)} is after "
                                  f"--to {day_iso(end)}")])
    question = {"command": "timeline", "from": day_iso(start) if start is not None else None,
                "to": day_iso(end) if end is not None else None}
    rows = [r for r in _all_events(corpus) if (start is None or r["_latest"] >= start)
            and (end is None or r["_earliest"] <= end)]
    body = {"events": [_public(r) for r in paging.cut(rows, offset, limit)]}
    cut = paging.page(len(rows), offset, limit)
    if cut is not None:
        body["page"] = cut
    return document(corpus, question, [start, end], body)


def _event_row(corpus, key, d, verb, mid, eid, title, started: set, ended: set) -> dict:
    restated = started & ended
    m = corpus.measures[mid]

    def facts(keys):
        return [fact_names(corpus, k) for k in sorted(keys, key=sort_key)]
    return {
        "_earliest": d.earliest, "_latest": d.latest,
        "date": d.text + (d.flag if not d.alternatives else ""),
        "range": format_range(d.earliest, d.latest),
        "as_written": d.as_written,
        "alternatives": [a.to_json() for a in d.alternatives],
        "event": verb, "event_label": verb, "measure": mid, "effect": eid, "title": title,
        "measure_status": m.status,
        "evidence": corpus.names.evidence(r.ref for r in m.sources),
        "starts": facts(started - restated),
        "ends": facts(ended - restated),
        "restates": facts(restated),
    }


# --- explain -----------------------------------------------------------------------------------

def _check_fact_question(corpus, kind: str, target: str, about: Optional[str]) -> None:
    problems = []
    if kind not in FACT_KINDS:
        problems.append(Problem("question", 0, f"unknown fact kind {kind!r}"
                                + suggest(kind, FACT_KINDS)))
    ids = corpus.known_ids()
    for what, value in (("id", target), ("about id", about)):
        if value is not None and value not in ids:
            problems.append(Problem("question", 0, f"unknown {what} {value!r}"
                                    + suggest(value, ids)))
    if problems:
        raise KzlawError(problems)


def explain(corpus, kind: str, target: str, about: Optional[str], day: int, depth: int = 0,
            _explained: Optional[set] = None) -> dict:
    """Why the fact is (not) in force on ``day``: effects, rules, premises, sources.

    Each fact is explained once in a document: where it comes back as the premise of another
    derivation it is a short node marked ``"explained": "above"``, so stacked rules whose
    derivations share premises give a document in proportion to the facts and derivations
    involved, not to the paths through them (which grow exponentially with the layers)."""
    if depth == 0:
        _check_fact_question(corpus, kind, target, about)
    explained = set() if _explained is None else _explained
    key = (kind, target, about)
    explained.add(key)
    value = corpus.value(key, day)
    out = fact_names(corpus, key)
    out.update({"date": day_iso(day), "status": _status(value)})
    if value is not None:
        out["attributes"] = {k: _plain(v) for k, v in value.attributes}
        out["evidence"] = corpus.names.evidence(value.sources)
        if value.status == UNCERTAIN:
            out["why"] = corpus.compiled.why_uncertain(key, day)
    out["effects"] = [_explain_holding(corpus, h, day) for h in corpus.holdings_by_fact.get(key, ())]
    derivs = corpus.derivations.get(key, ())
    out["rules"] = [_explain_derivation(corpus, d, day, depth, explained) for d in derivs]
    if not derivs and not out["effects"] and depth < 4:
        out["rules"] += _explain_underived(corpus, key, day, depth)
    if value is None or value.status != IN_FORCE:
        out["nearest"] = nearest(corpus, key, day)
    if not out["effects"] and not out["rules"]:
        out["note"] = "no effect or rule of the corpus ever establishes this fact"
    if depth == 0:
        question = {"command": "explain", "kind": kind, "target": target, "about": about,
                    "at": day_iso(day)}
        return document(corpus, question, [day], out)
    return out


def nearest(corpus, key, day: int) -> dict:
    """The last day before and the first day after ``day`` on which the fact was in force (or
    uncertain)."""
    out = {}
    stretches = []
    for s, e, v in corpus.compiled.fact_days(key):  # merge stretches of the same status
        if stretches and stretches[-1][1] == s and stretches[-1][2].status == v.status:
            stretches[-1] = (stretches[-1][0], e, stretches[-1][2])
        else:
            stretches.append((s, e, v))
    for status_wanted, name in ((IN_FORCE, "in-force"), (UNCERTAIN, "uncertain")):
        before = after = None
        for s, e, v in stretches:
            if v.status != status_wanted:
                continue
            if s <= day < e:
                continue
            if e <= day:
                before = (s, e)
            elif s > day and after is None:
                after = (s, e)
        if before:
            out[f"last-{name}"] = {"from": day_iso(before[0]), "until": day_iso(before[1] - 1)
                                   if before[1] < POS else None}
        if after:
            out[f"next-{name}"] = {"from": day_iso(after[0]), "until": day_iso(after[1] - 1)
                                   if after[1] < POS else None}
    return out


def _applies(certain: ds.DaySet, possible: ds.DaySet, day: int) -> str:
    if ds.contains(certain, day):
        return "applies"
    if ds.contains(possible, day):
        return "may apply"
    return "does not apply"


def _explain_holding(corpus, h, day: int) -> dict:
    m = corpus.measures[h.measure]
    eff = h.effect
    srcs = (eff.with_.sources if eff.with_ is not None and eff.with_.sources else ()) or \
        eff.sources or m.sources
    out = {
        "by": h.by, "measure": m.id, "title": m.title, "number": m.number,
        "status": m.status, "effect": _effect_text(eff),
        "applies": _applies(h.certain, h.possible, day),
        "start": event_json(h.start),
        "ends": [dict(event_json(ev), reason=reason, by=by_) for ev, reason, by_ in h.end_causes],
        "sources": [_ref_json(corpus, r) for r in srcs],
    }
    if m.titles:
        out["titles"] = dict(m.titles)
    if _article(eff):
        out["article"] = _article(eff)
    if eff.note:
        out["note"] = eff.note
    if m.note:
        out["measure_note"] = m.note
    return out


def _article(eff) -> Optional[str]:
    """The provision an effect rests on (the amended text's, for an ``amends``)."""
    body = eff.with_ if eff.kind == "amends" and eff.with_ is not None else eff
    return body.article or eff.article


def _effect_text(eff) -> str:
    body = eff.with_ if eff.kind == "amends" else eff
    text = f"{body.kind} {body.value}"
    attrs_ = body.attributes()
    if body.kind == "penalizes":
        text += f" with {body.penalty}"
    if attrs_:
        text += " (" + ", ".join(f"{k}: {v}" for k, v in attrs_.items()) + ")"
    if body.article:
        text += f" [article {body.article}]"
    if eff.kind == "amends":
        text = f"amends {eff.amends}" + (f" [article {eff.article}]" if eff.article else "") \
            + f": {text}"
    return text


def _premise_json(corpus, key, day, depth, explained: set, negated=False) -> dict:
    if key[0] == "category":
        return dict(fact_names(corpus, key), status=IN_FORCE, negated=negated,
                    note="vocabulary category membership (always true)")
    if key in explained:
        sub = dict(fact_names(corpus, key), status=_status(corpus.value(key, day)),
                   explained="above")
    elif depth < 6:
        sub = explain(corpus, key[0], key[1], key[2], day, depth + 1, explained)
    else:
        sub = dict(fact_names(corpus, key), status=_status(corpus.value(key, day)))
    sub["negated"] = negated
    return sub


def _explain_derivation(corpus, d, day: int, depth: int, explained: set) -> dict:
    rule = corpus.rules[d.rule]
    out = {
        "rule": f"rule:{d.rule}", "description": rule.description,
        "applies": _applies(d.certain, d.possible, day),
        "binding": {k: v for k, v in d.binding},
        "premises": [_premise_json(corpus, p, day, depth, explained) for p in d.premises]
        + [_premise_json(corpus, n, day, depth, explained, True) for n in d.negated],
        "sources": [_ref_json(corpus, r) for r in rule.sources],
    }
    if out["applies"] != "applies":
        out["failing"] = [_pattern_label(p) + f" is {p['status']}" for p in out["premises"]
                          if (p["status"] != IN_FORCE) != p["negated"]]
    return out


def _explain_underived(corpus, key, day: int, depth: int) -> list[dict]:
    """For a fact no derivation produces: which premise of each rule that could derive it
    fails on ``day``, and when it holds."""
    out = []
    kind, target, about = key
    for rid in sorted(corpus.rules):
        rule = corpus.rules[rid]
        head = rule.then
        if head is None or head.kind != kind:
            continue
        binding = {}
        if is_var(head.target):
            binding[head.target] = target
        elif head.target != target:
            continue
        if head.has_about:
            if is_var(head.about):
                binding[head.about] = about
            elif head.about != about:
                continue
        elif about is not None:
            continue
        premises = []
        for p in rule.when:
            t = binding.get(p.target, p.target) if is_var(p.target) else p.target
            a = (binding.get(p.about, p.about) if is_var(p.about) else p.about) if p.has_about else None
            if is_var(t) or is_var(a):
                premises.append({"pattern": f"{p.kind}: {t}" + (f" about {a}" if p.has_about else ""),
                                 "negated": p.negated, "status": "unbound",
                                 "note": "holds for some facts; not this one"})
                continue
            pkey = (p.kind, t, a)
            if p.kind == "category":
                member = pkey in corpus.facts.sets
                premises.append(dict(fact_names(corpus, pkey), negated=p.negated,
                                     status=IN_FORCE if member else ABSENT))
                continue
            st = _status(corpus.value(pkey, day))
            entry = dict(fact_names(corpus, pkey), negated=p.negated, status=st)
            if st != IN_FORCE:
                entry["nearest"] = nearest(corpus, pkey, day)
            premises.append(entry)
        failing = [p for p in premises if (p["status"] != IN_FORCE) != p["negated"]]
        out.append({"rule": f"rule:{rid}", "description": rule.description,
                    "applies": "does not apply", "binding": binding, "premises": premises,
                    "failing": [_pattern_label(p) + f" is {p['status']}" for p in failing],
                    "sources": [_ref_json(corpus, r) for r in rule.sources]})
    return out


def _pattern_label(p: dict) -> str:
    if "pattern" in p:
        return p["pattern"]
    return ("not " if p.get("negated") else "") + fact_label((p["kind"], p["target"], p["about"]))


# --- history -----------------------------------------------------------------------------------

def history(corpus, ident: str) -> dict:
    """The life of one act, organization, institution, power, duty, penalty or measure."""
    known = corpus.known_ids()
    if ident not in known:
        raise KzlawError([Problem("question", 0, f"unknown id {ident!r}" + suggest(ident, known))])
    question = {"command": "history", "id": ident}
    if known[ident] == "measure" and ident not in {i for s in corpus.vocabulary.values() for i in s}:
        shown = show(corpus, ident, None)
        shown["question"] = question
        return {"id": ident, "type": "measure", **shown}
    facts = sorted((k for k in corpus.compiled.segments if ident in (k[1], k[2])), key=sort_key)
    periods = []
    for key in facts:
        for s, e, v in corpus.compiled.fact_days(key):
            period = {"fact": fact_label(key), **fact_names(corpus, key), "status": v.status,
                      "from": day_iso(s), "until": day_iso(e - 1) if e < POS else None,
                      "attributes": {k: _plain(x) for k, x in v.attributes},
                      "by": list(v.by), "sources": list(v.sources),
                      "evidence": corpus.names.evidence(v.sources)}
            if v.status == UNCERTAIN:
                period["why"] = corpus.compiled.why_uncertain(key, s)
            periods.append(period)
    events = [_public(row) for row in _events_by_id(corpus).get(ident, ())]
    return document(corpus, question, [], {
        "id": ident, "type": known[ident], "label": corpus.names.label(ident),
        "periods": periods, "events": events})


# --- show ----------------------------------------------------------------------------------------

def show(corpus, mid: str, day: Optional[int]) -> dict:
    m = corpus.measures.get(mid)
    if m is None:
        raise KzlawError([Problem("question", 0, f"unknown measure {mid!r}"
                                  + suggest(mid, corpus.measures))])
    rel = corpus.raw.measure_files[mid][0]
    holdings = {h.by: h for h in corpus.holdings if h.measure == mid}
    enders = {}
    for ev, verb, by, target in corpus.changes:
        entry = {"by": by, "verb": verb, **event_json(ev)}
        if verb == "amends":
            src_mid, _, src_eid = by.partition("#")
            amending = next(e for e in corpus.measures[src_mid].effects if e.id == src_eid)
            entry["effect"] = _effect_text(amending.with_)
        enders.setdefault(target, []).append(entry)
    effects = []
    for eff in m.effects:
        ref = f"{mid}#{eff.id}"
        body = eff.with_ if eff.kind == "amends" else eff
        row = {"id": eff.id, "effect": _effect_text(eff),
               "fact": fact_names(corpus, fact_key(body)) if body is not None
               and body.kind in ESTABLISHING else None,
               "from": eff.from_.describe() if eff.from_ else None,
               "until": eff.until.describe() if eff.until else None,
               "changed_by": sorted(enders.get(ref, []) + enders.get(mid, []),
                                    key=lambda x: (x["earliest"] or "", x["by"])),
               "sources": [_ref_json(corpus, r) for r in eff.sources]}
        h = holdings.get(ref)
        if day is not None:
            if not m.in_effect:
                row["applies"] = f"does not apply ({m.status})"
            elif h is not None:
                row["applies"] = _applies(h.certain, h.possible, day)
            else:
                row["applies"] = "acts on its start date"
        if _article(eff):
            row["article"] = _article(eff)
        if eff.note:
            row["note"] = eff.note
        effects.append(row)
    dates = {}
    for field, _verb in _MEASURE_DATES:
        d = getattr(m.dates, field)
        if d is not None:
            dates[field] = d.to_json()
    body = {"measure": mid, "file": rel, "title": m.title,
            **({"titles": dict(m.titles)} if m.titles else {}), "number": m.number, "kind": m.kind,
            "status": m.status, "dates": dates, "at": day_iso(day) if day is not None else None,
            "note": m.note, "sources": [_ref_json(corpus, r) for r in m.sources],
            "evidence": corpus.names.evidence(r.ref for r in m.sources),
            "effects": effects,
            "changed_by": sorted(enders.get(mid, []), key=lambda x: (x["earliest"] or "", x["by"]))}
    question = {"command": "show", "measure": mid, "at": body["at"]}
    return document(corpus, question, [day], body)


# --- warnings ---------------------------------------------------------------------------------

def horizon_warnings(corpus, days) -> list[str]:
    """One line for each of ``days`` (ordinals, ``datetime.date`` or ISO days) that lies
    outside the corpus's record, ``[curated_from, curated_until]`` of measures/corpus.yaml; an
    empty list for a corpus without that file (no horizon). The answer is still given: the
    warning says that earlier measures or later changes are not recorded."""
    from datetime import date as _date
    from .corpus import to_day
    info = corpus.info
    lo = info.curated_from.toordinal() if info.curated_from is not None else None
    hi = info.curated_until.toordinal() if info.curated_until is not None else None
    out = []
    for day in days:
        d = to_day(day.isoformat() if isinstance(day, _date) else day)
        if lo is not None and d < lo:
            line = (f"{day_iso(d)} is before {day_iso(lo)}, where the corpus's record begins: "
                    "earlier measures are not recorded")
        elif hi is not None and d > hi:
            line = (f"{day_iso(d)} is after {day_iso(hi)}, the last day the corpus was curated "
                    "to: later changes are not recorded")
        else:
            continue
        if line not in out:
            out.append(line)
    return out


def _ranges(days: ds.DaySet) -> str:
    return ", ".join(format_range(s, e - 1 if e < POS else POS) for s, e in days)


def integrity_warnings(corpus) -> list[Problem]:
    """Integrity rules' matches, and changing effects that act before their target starts.

    An integrity rule shows at most ``KZLAW_MAX_WARNINGS`` matches (its first, in the order
    of their facts) and then one line counting the rest (docs/limits.md)."""
    from .limits import limit
    out = []
    shown_max = limit("warnings")
    by_rule: dict[str, list] = {}
    for d in corpus.integrity:
        by_rule.setdefault(d.rule, []).append(d)
    stopped = getattr(corpus, "integrity_stopped", {}) or {}
    for rid in sorted(set(by_rule) | set(stopped)):
        rule = corpus.rules[rid]
        matches = by_rule.get(rid, [])
        for d in matches[:shown_max]:
            binding = ", ".join(f"{k}={v}" for k, v in d.binding) or "always"
            parts = []
            if d.certain:
                parts.append(f"certainly on {_ranges(d.certain)}")
            maybe = ds.difference(d.possible, d.certain)
            if maybe:
                parts.append(f"possibly on {_ranges(maybe)}")
            out.append(Problem(rule.path, rule.line, f"{rule.check} [{binding}]: "
                               + "; ".join(parts), "warning"))
        hidden = len(matches) - min(len(matches), shown_max)
        if rid in stopped:
            out.append(Problem(rule.path, rule.line, f"{rule.check}: {len(matches)} matches "
                               f"found, {hidden} of them not shown, and the search stopped: "
                               f"{stopped[rid]}", "warning"))
        elif hidden:
            out.append(Problem(rule.path, rule.line, f"{rule.check}: {hidden} more matches "
                               f"not shown ({len(matches)} in all; set KZLAW_MAX_WARNINGS "
                               "to show more)", "warning"))
    events = corpus.events
    for ev, verb, by, target in corpus.changes:
        mid, _, eid = target.partition("#")
        tm = corpus.measures.get(mid)
        if tm is None or not tm.in_effect:
            continue
        teff = next((e for e in tm.effects if e.id == eid), None) if eid else None
        tstart = events.effect_start(tm, teff) if teff is not None else events.measure_start(tm)
        if ev.latest < tstart.earliest:
            how = "certainly"
        elif ev.earliest < tstart.latest:
            how = "possibly"
        else:
            continue
        src_mid, _, src_eid = by.partition("#")
        from .check import problem_line, effect_index
        idx = effect_index(corpus.measures[src_mid], src_eid)
        rel, line = problem_line(corpus.raw, src_mid, "effects", idx)
        out.append(Problem(rel, line, f"{by} {verb} {target}, which is {how} not yet in force "
                           f"then ({ev.label} {format_range(ev.earliest, ev.latest)}; "
                           f"{tstart.label} {format_range(tstart.earliest, tstart.latest)})",
                           "warning"))
    return sorted(out)
