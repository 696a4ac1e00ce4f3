"""Hypothesis strategies for kzlaw corpora (issue 5), reusable by the benchmark.

A generated corpus is a *spec*: plain, YAML-ready Python data

    {"vocabulary": {...}, "measures": [measure dicts], "rules": [rule dicts]}

exactly as the files under ``measures/`` and ``rules/`` would hold it, so that the same value
can be written to disk (``write_spec``, which uses tests/builder.py) and fed to the brute-force
reference (tests/reference.py).

Two families:

* ``tiny_specs()``: every date is a range of 1-4 days inside January 2001 and the product of
  the ranges' sizes (the number of worlds) stays at most ``MAX_WORLDS``, so that
  ``reference.evaluate`` can enumerate every world;
* ``specs()``: dates of every notation of semantics.md section 3 (day, month, year, season, ranges,
  open ranges, ``?``/``~`` flags, the ``{date:, as_written:}`` mapping, the unquoted one-item
  list, lists of alternatives) over 1999-2002.

Both shrink towards one enacted measure with one exact-day prohibition and no rules: the first
choice of every ``sampled_from`` and the low end of every ``integers`` is the simplest.
"""

from __future__ import annotations

import atexit
import copy
import itertools
import json
import os
import shutil
import tempfile
from datetime import date
from typing import Callable, Optional

from hypothesis import strategies as st

from builder import DEFAULT_SOURCES, DEFAULT_VOCABULARY, dump, write_corpus

# --- vocabulary -------------------------------------------------------------------------------

# builder.py's vocabulary, plus a second power and penalty and a category of powers
VOCABULARY = copy.deepcopy(DEFAULT_VOCABULARY)
VOCABULARY["powers"] = {"p": {"label": "Power P", "categories": ["pc"]},
                        "p2": {"label": "Power P2", "categories": ["pc"]}}
VOCABULARY["penalties"]["g"] = {"label": "Fine"}
VOCABULARY["categories"]["pc"] = {"label": "Powers"}
SOURCES = DEFAULT_SOURCES

# establishing key -> (fact kind, candidate values)
ESTABLISHING = {
    "prohibits": ("prohibition", ["a", "b", "x", "membership"]),
    "designates": ("designation", ["o", "q"]),
    "requires": ("obligation", ["d"]),
    "establishes": ("institution", ["i"]),
    "empowers": ("power", ["p", "p2"]),
    "penalizes": ("penalty", ["a", "c", "x"]),
}
FACT_KINDS = ("prohibition", "obligation", "designation", "institution", "power", "penalty")
KIND_VALUES = {kind: values for kind, values in ESTABLISHING.values()}
KIND_VALUES["category"] = ["c", "pc"]
ALL_IDS = sorted({i for section in VOCABULARY.values() for i in section})

# --- dates ------------------------------------------------------------------------------------

BASE = date(2001, 1, 1).toordinal()
TINY_DAYS = 20  # tiny events start within 2001-01-01 .. 2001-01-20
MAX_WORLDS = 192


def iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


class Budget:
    """The number of worlds a tiny corpus may have: each new uncertain event multiplies it."""

    def __init__(self, limit: int = MAX_WORLDS):
        self.limit = limit
        self.worlds = 1

    def width(self, wanted: int) -> int:
        w = max(1, min(wanted, self.limit // self.worlds))
        self.worlds *= w
        return w


def tiny_date_text(lo: int, hi: int, form: int, flag: str = ""):
    """The range [lo, hi] (ordinals) written in one of several equivalent notations."""
    a, b = iso(lo), iso(hi)
    if form == 0:
        return a + flag if lo == hi else f"[{a}..{b}]"
    if form == 1:  # the mapping form
        return {"date": a if lo == hi else f"[{a}..{b}]", "as_written": f"around {a}"}
    if form == 2:  # YAML's reading of an unquoted [A..B]: a list holding one string
        return [f"{a}..{b}"]
    if form == 3 and lo < hi:  # conflicting sources: the hull of the alternatives
        mid = (lo + hi) // 2
        first = a if mid == lo else f"[{a}..{iso(mid)}]"
        return [{"date": first, "ref": "s1"}, {"date": b, "ref": "s2", "as_written": "later"}]
    if form == 4:  # a rejected alternative a few days later: it must not widen the range
        standing = [{"date": a, "ref": "s1"}] if lo == hi else \
            [{"date": a, "ref": "s1"}, {"date": b, "ref": "s2"}]
        return standing + [{"date": iso(hi + 3), "ref": "s2",
                            "rejected": "the act itself gives the earlier day"}]
    return f"[{a}..{b}]"


@st.composite
def tiny_dates(draw, budget: Optional[Budget] = None):
    """A day in January 2001, or a range of 2-4 days there, in any notation."""
    lo = BASE + draw(st.integers(0, TINY_DAYS - 1))
    wanted = draw(st.integers(1, 4))
    width = budget.width(wanted) if budget is not None else wanted
    form = draw(st.sampled_from([0, 0, 1, 2, 3, 4]))
    flag = draw(st.sampled_from(["", "", "~", "?"]))
    return tiny_date_text(lo, lo + width - 1, form, flag)


YEARS = (1999, 2002)


def _simple_date():
    """(text, lo, hi) of a day, month, year or season."""
    year = st.integers(*YEARS)
    day = st.dates(date(YEARS[0], 1, 1), date(YEARS[1], 12, 28)).map(lambda d: d.isoformat())
    month = st.tuples(year, st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}")
    season = st.tuples(year, st.integers(21, 24)).map(lambda t: f"{t[0]}-{t[1]}")
    return st.one_of(day, month, year.map(str), season)


def _range_of(a: str, b: str) -> str:
    from reference import parse_date  # local import: reference imports nothing from here
    if parse_date(a)[0] > parse_date(b)[1]:
        a, b = b, a
    return f"[{a}..{b}]"


@st.composite
def any_dates(draw, budget: Optional[Budget] = None):
    """A date field in any notation of semantics.md section 3."""
    form = draw(st.sampled_from(["simple", "simple", "flag", "range", "open-start",
                                 "open-end", "mapping", "list", "alternatives"]))
    simple = _simple_date()
    if form == "simple":
        return draw(simple)
    if form == "flag":
        return draw(simple) + draw(st.sampled_from(["?", "~"]))
    if form == "range":
        return _range_of(draw(simple), draw(simple))
    if form == "open-start":
        return f"[..{draw(simple)}]"
    if form == "open-end":
        return f"[{draw(simple)}..]"
    if form == "mapping":
        return {"date": draw(st.one_of(simple, st.builds(_range_of, simple, simple))),
                "as_written": draw(st.sampled_from(["late 2001", "in the summer", "2001"]))}
    if form == "list":  # an unquoted [..B] or [A..B] read by YAML as a one-item list
        text = _range_of(draw(simple), draw(simple))
        return [draw(st.sampled_from([text[1:-1], ".." + text[1:-1].split("..")[1]]))]
    alts = draw(st.lists(simple, min_size=2, max_size=3))
    refs = ["s1", "s2", "s1"]
    out = [{"date": t, "ref": r} for t, r in zip(alts, refs)]
    if draw(st.booleans()):  # set one aside (never all of them)
        out[draw(st.integers(0, len(out) - 1))]["rejected"] = "an obvious misprint"
    return out


def deadlines():
    return st.sampled_from(["2002", "2002-06", "2002-06-30", "2003~", "2002-22"])


# --- measures ---------------------------------------------------------------------------------

def _establishing(draw, kind: str) -> dict:
    _fact, values = ESTABLISHING[kind]
    eff = {kind: draw(st.sampled_from(values))}
    if kind == "prohibits" and draw(st.booleans()):
        eff["liability"] = draw(st.sampled_from(["criminal", "administrative"]))
    if kind == "designates" and draw(st.booleans()):
        eff["as"] = draw(st.sampled_from(["terrorist", "extremist"]))
    if kind == "requires" and draw(st.booleans()):
        eff["deadline"] = draw(deadlines())
    if kind == "penalizes":
        eff["penalty"] = draw(st.sampled_from(["f", "g"]))
    return eff


def establishing_effect(draw) -> dict:
    kind = draw(st.sampled_from(list(ESTABLISHING)))
    return _establishing(draw, kind)


def new_measure(ident: str, status: str, dates: dict, effects: list) -> dict:
    m = {"id": ident, "title": f"Measure {ident}", "kind": "law", "status": status,
         "dates": dates, "sources": [{"ref": "s1", "quote": "words"}], "effects": effects}
    return m


def is_changing(eff: dict) -> bool:
    return any(k in eff for k in ("repeals", "replaces", "amends"))


@st.composite
def specs(draw, date_strategy: Callable = any_dates, max_measures: int = 4,
          max_effects: int = 3, max_changes: int = 3, rules: bool = True,
          max_rules: int = 3, inactive: bool = True, world_limit: int = MAX_WORLDS,
          min_rules: int = 0):
    """A whole corpus spec. ``date_strategy(budget)`` draws every date field."""
    budget = Budget(world_limit)

    def a_date(not_before=None):
        """A date; with ``not_before``, one whose latest day is not before that date's earliest
        (the checker refuses an in_force, expires or until that is certainly too early)."""
        value = draw(date_strategy(budget))
        if not_before is not None:
            from reference import parse_date
            lo, hi = parse_date(not_before)
            if parse_date(value)[1] < lo:  # too early: the latest day of not_before, exactly
                value = iso(hi) if hi < 10**7 else copy.deepcopy(not_before)
        return value

    n = draw(st.integers(1, max_measures))
    measures = []
    for k in range(n):
        ident = f"m{k + 1}"
        status = "enacted"
        if inactive and k > 0:
            status = draw(st.sampled_from(["enacted", "enacted", "enacted", "pending", "failed",
                                           "reported", "reported"]))
        if status == "reported":  # a world also chooses whether it exists: twice the worlds
            if budget.worlds * 2 > budget.limit:
                status = "enacted"
            else:
                budget.worlds *= 2
        if status in ("enacted", "reported"):
            dates = {"adopted": a_date()}
            if draw(st.integers(0, 4)) == 0:
                dates["in_force"] = a_date(dates["adopted"])
            if draw(st.integers(0, 5)) == 0:
                dates["expires"] = a_date(dates.get("in_force", dates["adopted"]))
        elif status == "pending":
            dates = {"introduced": a_date()} if draw(st.booleans()) else {}
        else:
            dates = {"introduced": a_date()}
            dates["failed"] = a_date(dates["introduced"])
        start = dates.get("in_force", dates.get("adopted"))
        effects = []
        for j in range(draw(st.integers(1, max_effects))):
            eff = {"id": f"e{j + 1}"}
            eff.update(establishing_effect(draw))
            if draw(st.integers(0, 5)) == 0:
                eff["from"] = a_date()
            if draw(st.integers(0, 5)) == 0:
                eff["until"] = a_date(eff.get("from", start))
            effects.append(eff)
        measures.append(new_measure(ident, status, dates, effects))
    # changing effects, drawn once every measure exists so that they may point anywhere (at
    # enacted and reported measures; pending and failed ones cannot be changed)
    enacted = [m for m in measures if m["status"] in ("enacted", "reported")]
    for _ in range(draw(st.integers(0, max_changes))):
        if len(enacted) < 2 and not [m for m in measures if m["status"] not in
                                     ("enacted", "reported")]:
            break
        owner = draw(st.sampled_from(measures))
        targets = [m for m in enacted if m is not owner]
        if not targets:
            continue
        target = draw(st.sampled_from(targets))
        verb = draw(st.sampled_from(["repeals", "repeals", "amends", "replaces"]))
        eff = {"id": f"e{len(owner['effects']) + 1}"}
        if draw(st.integers(0, 4)) == 0:
            eff["from"] = a_date()
        amendable = [e for e in target["effects"] if not is_changing(e) or "amends" in e]
        if verb == "amends" and amendable:
            victim = draw(st.sampled_from(amendable))
            eff["amends"] = f"{target['id']}#{victim['id']}"
            eff["with"] = establishing_effect(draw)
            if draw(st.integers(0, 5)) == 0:
                eff["until"] = a_date(eff.get("from", owner["dates"].get(
                    "in_force", owner["dates"].get("adopted"))))
        elif verb == "replaces":
            eff["replaces"] = target["id"]
        else:
            whole = draw(st.booleans())
            if whole:
                eff["repeals"] = target["id"]
            else:
                eff["repeals"] = f"{target['id']}#{draw(st.sampled_from(target['effects']))['id']}"
        owner["effects"].append(eff)
    # the words of the record, which change no answer: titles, articles, summaries
    for m in measures:
        if draw(st.integers(0, 3)) == 0:
            m["titles"] = {"ru": f"Закон {m['id']}", "kk": f"{m['id']} заңы"}
        if draw(st.integers(0, 3)) == 0:
            m["sources"] = [{"ref": "s2", "summary": "a report of the measure"},
                            {"ref": "s1", "quote": "Закон", "translation": "The law"}]
        for e in m["effects"]:
            if draw(st.integers(0, 4)) == 0:
                e["article"] = draw(st.sampled_from(["233", "5(4)", "1"]))
    out = {"vocabulary": VOCABULARY, "measures": measures, "rules": []}
    if rules:
        out["rules"] = draw(rule_lists(max_rules, min_rules))
    return out


def tiny_specs(**kw):
    """Specs small enough for the brute-force reference: dates in January 2001, few worlds."""
    kw.setdefault("date_strategy", tiny_dates)
    return specs(**kw)


# --- rules ------------------------------------------------------------------------------------

VARS = ["?x", "?y", "?z"]


def is_var(v) -> bool:
    return isinstance(v, str) and v.startswith("?")


@st.composite
def patterns(draw, bound: Optional[list] = None, kinds=FACT_KINDS + ("category",)):
    """One pattern; with ``bound``, only those variables (a negated pattern or a head)."""
    kind = draw(st.sampled_from(list(kinds)))
    names = VARS if bound is None else bound
    consts = KIND_VALUES[kind]
    target = draw(st.sampled_from(consts + names)) if names else draw(st.sampled_from(consts))
    p = {kind: target}
    about_choice = draw(st.sampled_from(["none", "none", "var", "const"]))
    if kind in ("penalty", "category"):
        about_choice = draw(st.sampled_from(["var", "const"]))
    if about_choice == "var" and names:
        p["about"] = draw(st.sampled_from(names))
    elif about_choice != "none" or kind in ("penalty", "category"):
        pool = {"penalty": ["f", "g"], "category": ["a", "b", "p"]}.get(kind, ALL_IDS)
        p["about"] = draw(st.sampled_from(pool))
    return p


def pattern_vars(p: dict) -> list:
    return [v for k, v in p.items() if k != "not" and is_var(v)]


def pattern_kind(p: dict) -> str:
    return next(k for k in p if k != "about")


def _may_match(p: dict, head: dict) -> bool:
    kp, kh = pattern_kind(p), pattern_kind(head)
    return kp == kh and (is_var(p[kp]) or is_var(head[kh]) or p[kp] == head[kh])


def negative_cycle(rules: list) -> bool:
    """Is some rule reachable from itself through a path with a negated step?"""
    heads = {r["id"]: r["then"] for r in rules if "then" in r}
    edges = {}
    for r in rules:
        out = set()
        for item in r["when"]:
            neg = "not" in item
            p = item["not"] if neg else item
            for other, head in heads.items():
                if _may_match(p, head):
                    out.add((other, neg))
        edges[r["id"]] = out
    # reach[a] = {(b, through_not)}
    for start in edges:
        seen = {}
        stack = [(d, n) for d, n in edges[start]]
        while stack:
            node, neg = stack.pop()
            if seen.get(node, False) is True or (node in seen and not neg):
                continue
            seen[node] = seen.get(node, False) or neg
            for d, n in edges.get(node, ()):
                stack.append((d, neg or n))
        if seen.get(start):
            return True
    return False


def rule_cycle(rules: list) -> bool:
    """Might some rule use, directly or through others, a fact it derives itself?"""
    heads = {r["id"]: r["then"] for r in rules if "then" in r}
    edges = {r["id"]: {o for item in r["when"] for o, h in heads.items()
                       if _may_match(item.get("not", item), h)} for r in rules}
    for start in edges:
        seen, stack = set(), list(edges[start])
        while stack:
            node = stack.pop()
            if node == start:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
    return False


def without_recursion(spec: dict) -> dict:
    """The spec with rules dropped (last first) until no rule can feed itself."""
    rules = list(spec.get("rules", []))
    while rules and rule_cycle(rules):
        rules.pop()
    return dict(spec, rules=rules)


TEMPLATES = [
    {"when": [{"designation": "?x"}, {"prohibition": "membership"}],
     "then": {"prohibition": "membership", "about": "?x"}},
    {"when": [{"penalty": "c", "about": "?y"}, {"category": "c", "about": "?x"},
              {"prohibition": "?x"}],
     "then": {"penalty": "?x", "about": "?y"}},
    {"when": [{"category": "pc", "about": "?x"}, {"power": "?x"}],
     "then": {"power": "p", "about": "i"}},
    {"when": [{"prohibition": "a"}, {"not": {"prohibition": "b"}}],
     "then": {"obligation": "d", "about": "a"}},
    {"when": [{"prohibition": "?x"}], "then": {"obligation": "d", "about": "?x"}},
    {"when": [{"designation": "?x"}, {"not": {"prohibition": "a"}}],
     "then": {"prohibition": "membership", "about": "?x"}},
    {"when": [{"prohibition": "?x"}, {"not": {"penalty": "?x", "about": "f"}}],
     "then": {"obligation": "d", "about": "?x"}},
    {"when": [{"prohibition": "?x"}, {"power": "?y"}], "then": {"penalty": "?x", "about": "g"}},
    # negation of a derived fact: evaluated before its producer, it would see too little
    {"when": [{"prohibition": "?x"}, {"not": {"obligation": "d", "about": "?x"}}],
     "then": {"penalty": "?x", "about": "f"}},
    {"when": [{"designation": "?x"}, {"not": {"prohibition": "membership", "about": "?x"}}],
     "then": {"institution": "i", "about": "?x"}},
]


@st.composite
def rules_(draw, index: int):
    if draw(st.booleans()):
        r = copy.deepcopy(draw(st.sampled_from(TEMPLATES)))
    else:
        positive = draw(st.lists(patterns(), min_size=1, max_size=3))
        bound = sorted({v for p in positive for v in pattern_vars(p)})
        negated = draw(st.lists(patterns(bound=bound), max_size=2))
        head = draw(patterns(bound=bound, kinds=FACT_KINDS))
        r = {"when": positive + [{"not": n} for n in negated], "then": head}
    return {"id": f"r{index + 1}", "description": "generated", **r}


def negation_pairs(draw, start: int) -> list:
    """Two rules, the first negating what the second derives: evaluated in file order instead
    of by strata, the first would see too little."""
    produced_kind = draw(st.sampled_from(list(FACT_KINDS)))
    head = {produced_kind: draw(st.sampled_from(KIND_VALUES[produced_kind])), "about": "?x"}
    producer = {"when": [{draw(st.sampled_from(list(FACT_KINDS))): "?x"}], "then": head}
    out_kind = draw(st.sampled_from([k for k in FACT_KINDS if k != produced_kind]))
    negator = {"when": [{draw(st.sampled_from(list(FACT_KINDS))): "?x"}, {"not": dict(head)}],
               "then": {out_kind: draw(st.sampled_from(KIND_VALUES[out_kind])), "about": "?x"}}
    return [{"id": f"r{start + 1}", "description": "negates r%d" % (start + 2), **negator},
            {"id": f"r{start + 2}", "description": "generated", **producer}]


def head_target_is_bound(rule: dict) -> dict:
    """Most generated rules bind a ``then`` target variable by a target (or by the
    always-present about of a penalty or category pattern); one bound only by an optional
    ``about`` derives nothing from facts whose about is empty (see
    test_rule_binding_an_empty_about_as_a_target), which leaves fewer interesting examples."""
    head = rule.get("then")
    if not head:
        return rule
    kind = pattern_kind(head)
    var = head[kind]
    if not is_var(var):
        return rule
    for item in rule["when"]:
        if "not" in item:
            continue
        k = pattern_kind(item)
        if item[k] == var or (k in ("penalty", "category") and item.get("about") == var):
            return rule
    head[kind] = KIND_VALUES[kind][0]
    return rule


@st.composite
def rule_lists(draw, max_rules: int = 3, min_rules: int = 0):
    out = []
    if max_rules >= 2 and draw(st.integers(0, 3)) == 0:
        pair = negation_pairs(draw, 0)
        if not negative_cycle(pair):
            out += pair
    for k in range(draw(st.integers(max(0, min_rules - len(out)), max_rules - len(out)))):
        r = head_target_is_bound(draw(rules_(len(out))))
        if negative_cycle(out + [r]):
            r["when"] = [p for p in r["when"] if "not" not in p]
            if negative_cycle(out + [r]):
                continue  # it closes a cycle through an earlier rule's 'not'
        out.append(r)
    return out


# --- writing to disk --------------------------------------------------------------------------

_TMP = tempfile.mkdtemp(prefix="kzlaw-props-")
atexit.register(shutil.rmtree, _TMP, True)
_counter = itertools.count()


def fresh_dir() -> str:
    return os.path.join(_TMP, f"c{next(_counter)}")


def write_spec(spec: dict, root: Optional[str] = None, years: Optional[dict] = None) -> str:
    """Write the spec as YAML files (via tests/builder.py) and return the folder.

    ``years`` maps a measure id to the year folder it goes in (default 2000): moving files
    between folders changes the order in which the loader reads them."""
    root = root or fresh_dir()
    write_corpus(root, measures=[], rules=json.loads(json.dumps(spec.get("rules", []))),
                 vocabulary=spec.get("vocabulary", VOCABULARY), sources=SOURCES)
    for m in spec["measures"]:
        folder = os.path.join(root, "measures", str((years or {}).get(m["id"], 2000)))
        os.makedirs(folder, exist_ok=True)
        # a JSON round trip unshares values, so that YAML writes no anchors (kzlaw refuses them)
        dump(os.path.join(folder, f"{m['id']}.yaml"), json.loads(json.dumps(m)))
    return root


def load_spec(spec: dict, years: Optional[dict] = None):
    """Write, load with kzlaw, and remove the files again."""
    import kzlaw
    root = write_spec(spec, years=years)
    try:
        return kzlaw.load(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def written_specs(spec_strategy=None):
    """(spec, folder) pairs: a corpus written to disk as YAML, so the loader is covered."""
    strategy = specs() if spec_strategy is None else spec_strategy
    return strategy.map(lambda s: (s, write_spec(s)))
