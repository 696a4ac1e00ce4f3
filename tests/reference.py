"""A brute-force reference for semantics.md sections 3, 6, 7 and 8, written from the words of docs/semantics.md and
independent of src/kzlaw's code (it imports nothing from kzlaw).

It takes a corpus *spec* (the YAML-level data: {"vocabulary", "measures", "rules"}, see
tests/strategies.py) or reads a corpus folder with ``yaml.safe_load``, and:

1. lists every distinct dated event: a measure's adopted / in_force / expires and an effect's
   from / until. ``in_force`` defaults to ``adopted`` (the same event). Only events that can
   matter are listed (a measure's ``adopted`` is dropped when it has an ``in_force``);
2. enumerates every *world*: one day for each event, independently;
3. in each world computes the days on which every fact holds: an establishing effect applies on
   ``[start, end)``; start = its ``from`` else its measure's start; end = the earliest of its
   ``until``, its measure's ``expires`` and the start of every repeal / replacement / amendment
   of it or of its measure (a changing effect acts at its own start: the effect's ``from`` or
   its measure's start, whatever later happens to it: no revival). An ``amends`` establishes
   its ``with`` effect from its own start, addressed as the amending effect. Pending and
   failed measures have no effect at all;
4. runs the rules in that world, where every fact is plainly true or false on each day
   (category facts from the vocabulary are true on every day), stratified by negation, to a
   fixpoint;
5. certain(d) = the fact holds on d in every world; possible(d) = in some world.

Day sets are bitmasks over a window of days that covers every event's range with a margin of
two days each side; outside it nothing changes. Open-ended ranges cannot be enumerated:
``evaluate`` refuses them (use the tiny strategies).

It also works out, conservatively, where semantics.md section 8's set formulas must be *exact*
(``exact_certain`` / ``exact_possible``): a derived fact's possible set is exact when in every
candidate derivation the premises are exact and share no uncertain event; its certain set is
exact when it has a single source (one derivation, and no effect holds it) with exact
premises. Elsewhere the engine may only err on the safe side (certain smaller, possible larger).
"""

from __future__ import annotations

import calendar
import os
import re
from datetime import date
from itertools import product
from typing import Optional

import yaml

NEG = -(10**7)
POS = 10**7

# --- dates (semantics.md §3) ---------------------------------------------------------------------------

_SIMPLE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([?~])?$")


def _simple(text: str) -> tuple[int, int]:
    m = _SIMPLE.match(text.strip())
    if not m:
        raise ValueError(f"bad date {text!r}")
    y = int(m.group(1))
    if m.group(2) is None:
        return date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal()
    mo = int(m.group(2))
    if m.group(3) is not None:
        d = date(y, mo, int(m.group(3))).toordinal()
        return d, d
    if 1 <= mo <= 12:
        return date(y, mo, 1).toordinal(), date(y, mo, calendar.monthrange(y, mo)[1]).toordinal()
    # seasons: meteorological, northern hemisphere; winter Y = Dec Y .. Feb Y+1
    first, last = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 14)}[mo]
    ly, lm = (y + 1, last - 12) if last > 12 else (y, last)
    return date(y, first, 1).toordinal(), date(ly, lm, calendar.monthrange(ly, lm)[1]).toordinal()


def parse_date(value) -> tuple[int, int]:
    """Any semantics.md §3 date field -> (earliest, latest) ordinals, NEG/POS for an open end."""
    if isinstance(value, date):
        value = value.isoformat()
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, dict):
        return parse_date(value["date"])
    if isinstance(value, list):
        if len(value) == 1 and not isinstance(value[0], dict):
            return parse_date("[" + str(value[0]) + "]")
        # the hull of the alternatives the curator did not reject (semantics.md §3)
        ranges = [parse_date(v["date"]) for v in value if not v.get("rejected")]
        return min(r[0] for r in ranges), max(r[1] for r in ranges)
    text = value.strip()
    if text.startswith("["):
        lo_text, hi_text = text[1:-1].split("..")
        lo = _simple(lo_text)[0] if lo_text.strip() else NEG
        hi = _simple(hi_text)[1] if hi_text.strip() else POS
        return lo, hi
    return _simple(text)


# --- reading a corpus folder ------------------------------------------------------------------

def read_folder(root: str) -> dict:
    """The spec of a corpus folder, read with yaml.safe_load."""
    def load(path):
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)

    spec = {"vocabulary": {}, "measures": [], "rules": []}
    measures = os.path.join(root, "measures")
    # the vocabulary: measures/vocabulary.yaml and/or the files of measures/vocabulary/
    vocab_files = [os.path.join(measures, "vocabulary.yaml")]
    folder = os.path.join(measures, "vocabulary")
    if os.path.isdir(folder):
        vocab_files += sorted(os.path.join(folder, n) for n in os.listdir(folder))
    for path in vocab_files:
        if os.path.isfile(path):
            for section, entries in (load(path) or {}).items():
                spec["vocabulary"].setdefault(section, {}).update(entries or {})
    for dirpath, dirnames, filenames in os.walk(measures):
        rel = os.path.relpath(dirpath, measures)
        if rel.split(os.sep)[0] in ("vocabulary", "sources"):
            continue
        for name in filenames:
            if name.endswith(".yaml") and rel != ".":  # measures/<year>/<id>.yaml
                spec["measures"].append(load(os.path.join(dirpath, name)))
    rules = os.path.join(root, "rules")
    if os.path.isdir(rules):
        for name in os.listdir(rules):
            if name.endswith(".yaml"):
                spec["rules"].append(load(os.path.join(rules, name)))
    return spec


# --- the model, as semantics.md §5-7 describe it -------------------------------------------------------

ESTABLISHING = {"prohibits": "prohibition", "requires": "obligation", "designates": "designation",
                "establishes": "institution", "empowers": "power", "penalizes": "penalty"}
CHANGING = ("repeals", "replaces", "amends")


def fact_of(eff: dict) -> Optional[tuple]:
    for key, kind in ESTABLISHING.items():
        if key in eff:
            return (kind, eff[key], eff["penalty"] if key == "penalizes" else None)
    return None


def attributes_of(eff: dict) -> dict:
    out = {}
    for name in ("liability", "as", "deadline"):
        if eff.get(name) is not None:
            out[name] = str(eff[name])
    return out


class Holding:
    def __init__(self, fact, by, attributes, start, ends, exists=None):
        self.fact, self.by, self.attributes = fact, by, attributes
        # ends: (event key, the reported measure that must exist for it to act, or None)
        self.start, self.ends = start, ends
        self.exists = exists  # the reported measure this holding belongs to, or None


def model(spec: dict):
    """(events: key -> (lo, hi), holdings) for the enacted and reported measures of the spec.

    A reported measure (semantics.md §5, §7) acts only in the worlds where it exists: each
    holding says which reported measure it needs (``exists``), and each of its ends which
    reported measure must exist for that end to happen."""
    events: dict[tuple, tuple[int, int]] = {}
    enacted = [m for m in spec["measures"]
               if m.get("status", "enacted") in ("enacted", "reported")]
    reported = {m["id"] for m in enacted if m.get("status") == "reported"}

    def measure_start(m):
        d = m.get("dates") or {}
        if d.get("in_force") is not None:
            key = ("m", m["id"], "in_force")
            events[key] = parse_date(d["in_force"])
        else:
            key = ("m", m["id"], "adopted")
            events[key] = parse_date(d["adopted"])
        return key

    def effect_start(m, eff):
        if eff.get("from") is not None:
            key = ("e", m["id"], eff["id"], "from")
            events[key] = parse_date(eff["from"])
            return key
        return measure_start(m)

    # "M" or "M#E" -> (start event, reported owner or None) of the changes acting on it
    enders: dict[str, list] = {}
    for m in enacted:
        for eff in m.get("effects") or ():
            for verb in CHANGING:
                if verb in eff:
                    owner = m["id"] if m["id"] in reported else None
                    enders.setdefault(eff[verb], []).append((effect_start(m, eff), owner))
    holdings = []
    for m in enacted:
        d = m.get("dates") or {}
        for eff in m.get("effects") or ():
            body = eff["with"] if "amends" in eff else eff
            fact = fact_of(body)
            if fact is None:
                continue
            ends = []
            if d.get("expires") is not None:
                events[("m", m["id"], "expires")] = parse_date(d["expires"])
                ends.append((("m", m["id"], "expires"), None))
            if eff.get("until") is not None:
                key = ("e", m["id"], eff["id"], "until")
                events[key] = parse_date(eff["until"])
                ends.append((key, None))
            ends += enders.get(m["id"], []) + enders.get(f"{m['id']}#{eff['id']}", [])
            holdings.append(Holding(fact, f"{m['id']}#{eff['id']}", attributes_of(body),
                                    effect_start(m, eff), ends,
                                    m["id"] if m["id"] in reported else None))
    return events, holdings


# --- rules (semantics.md §8), in one world -------------------------------------------------------------

def _is_var(v) -> bool:
    return isinstance(v, str) and v.startswith("?")


class Pattern:
    def __init__(self, raw: dict, negated: bool):
        kinds = [k for k in raw if k != "about"]
        self.kind = kinds[0]
        self.target = raw[self.kind]
        self.has_about = "about" in raw
        self.about = raw.get("about")
        self.negated = negated

    def match(self, key: tuple, binding: dict) -> Optional[dict]:
        kind, target, about = key
        if kind != self.kind:
            return None
        out = dict(binding)
        for pat, val in ((self.target, target),) + (((self.about, about),) if self.has_about else ()):
            if _is_var(pat):
                if pat in out and out[pat] != val:
                    return None
                out[pat] = val
            elif pat != val:
                return None
        if not self.has_about and about is not None:
            return None  # a pattern without about: matches only facts whose about is empty
        return out

    def ground(self, binding: dict) -> tuple:
        def val(v):
            return binding[v] if _is_var(v) else v
        return (self.kind, val(self.target), val(self.about) if self.has_about else None)


class RuleDef:
    def __init__(self, raw: dict):
        self.id = raw["id"]
        self.positive, self.negated = [], []
        for item in raw["when"]:
            if isinstance(item, dict) and list(item) == ["not"]:
                self.negated.append(Pattern(item["not"], True))
            else:
                self.positive.append(Pattern(item, False))
        self.then = Pattern(raw["then"], False) if raw.get("then") else None


def _may_match(p: Pattern, head: Pattern) -> bool:
    return p.kind == head.kind and (_is_var(p.target) or _is_var(head.target)
                                   or p.target == head.target)


def stratify(rules: list[RuleDef]) -> list[list[RuleDef]]:
    """Strata: a rule's stratum is at least that of every rule it may use, and one more than
    that of every rule it may use under ``not``."""
    level = {r.id: 0 for r in rules}
    for _ in range(len(rules) + 2):
        changed = False
        for r in rules:
            for p in r.positive + r.negated:
                for d in rules:
                    if _may_match(p, d.then):
                        need = level[d.id] + (1 if p.negated else 0)
                        if level[r.id] < need:
                            level[r.id] = need
                            changed = True
        if not changed:
            break
    else:
        raise ValueError("a cycle through not")
    if any(v > len(rules) for v in level.values()):
        raise ValueError("a cycle through not")
    out = []
    for lv in sorted(set(level.values())):
        out.append([r for r in rules if level[r.id] == lv])
    return out


def bindings(patterns: list[Pattern], facts: dict, binding: Optional[dict] = None):
    """Every (binding, premise keys) matching the positive patterns against facts with a
    non-empty day set."""
    binding = binding or {}
    if not patterns:
        yield binding, ()
        return
    first, rest = patterns[0], patterns[1:]
    for key, mask in list(facts.items()):
        if not mask:
            continue
        b = first.match(key, binding)
        if b is None:
            continue
        for b2, keys in bindings(rest, facts, b):
            yield b2, (key,) + keys


def run_rules(strata: list[list[RuleDef]], facts: dict) -> dict:
    """Evaluate stratified rules in one world (facts: key -> bitmask of days); mutates facts."""
    for group in strata:
        while True:
            changed = False
            for r in group:
                for b, keys in list(bindings(r.positive, facts)):
                    mask = -1
                    for k in keys:
                        mask &= facts[k]
                    for n in r.negated:
                        mask &= ~facts.get(n.ground(b), 0)
                    if mask:
                        head = r.then.ground(b)
                        if head[1] is None:  # an empty about bound as a target: no fact
                            continue
                        old = facts.get(head, 0)
                        if old | mask != old:
                            facts[head] = old | mask
                            changed = True
            if not changed:
                break
    return facts


# --- the reference ----------------------------------------------------------------------------

class Reference:
    """Brute-force answers over ``days`` (a window of ordinals, ``days[0] + i`` is bit i)."""

    def __init__(self, first: int, n: int):
        self.first, self.n = first, n
        self.full = (1 << n) - 1
        self.certain: dict[tuple, int] = {}
        self.possible: dict[tuple, int] = {}
        self.holding_possible: dict[str, tuple] = {}  # by -> (fact, attributes, mask)
        self.exact_certain: dict[tuple, bool] = {}
        self.exact_possible: dict[tuple, bool] = {}
        self.worlds = 0
        self.has_rules = False

    @property
    def days(self) -> range:
        return range(self.first, self.first + self.n)

    def day_set(self, key: tuple, which: str = "possible") -> set:
        mask = getattr(self, which).get(key, 0)
        return {self.first + i for i in range(self.n) if mask >> i & 1}

    def status(self, key: tuple, day: int) -> str:
        i = min(max(day - self.first, 0), self.n - 1)  # outside the window nothing changes
        if self.certain.get(key, 0) >> i & 1:
            return "in-force"
        if self.possible.get(key, 0) >> i & 1:
            return "uncertain"
        return "absent"

    def facts(self) -> list:
        return sorted((k for k, v in self.possible.items() if v and k[0] != "category"),
                      key=lambda k: tuple("" if x is None else x for x in k))

    def statuses(self, day: int) -> dict:
        return {k: s for k in self.facts() if (s := self.status(k, day)) != "absent"}


def event_window(events: dict) -> tuple[int, int]:
    bounds = [x for lo, hi in events.values() for x in (lo, hi)]
    if any(b in (NEG, POS) for b in bounds):
        raise ValueError("the reference cannot enumerate an open-ended date")
    if not bounds:
        return date(2001, 1, 1).toordinal() - 2, 5
    first = min(bounds) - 2
    return first, max(bounds) + 3 - first


def existence_choices(holdings) -> list:
    """The reported measures whose existence a world chooses (those that can matter)."""
    out = {h.exists for h in holdings if h.exists}
    out |= {owner for h in holdings for _key, owner in h.ends if owner}
    return sorted(out)


def count_worlds(spec: dict) -> int:
    events, holdings = model(spec)
    out = 2 ** len(existence_choices(holdings))
    for lo, hi in events.values():
        out *= hi - lo + 1
    return out


def evaluate(spec: dict, max_worlds: int = 50_000) -> Reference:
    events, holdings = model(spec)
    first, n = event_window(events)
    ref = Reference(first, n)
    keys = sorted(events)
    # a world: one day for every event, and for every reported measure whether it exists
    reported = existence_choices(holdings)
    ranges = [range(events[k][0], events[k][1] + 1) for k in keys] + \
        [(True, False) for _ in reported]
    worlds = 1
    for r in ranges:
        worlds *= len(r)
    if worlds > max_worlds:
        raise ValueError(f"{worlds} worlds is too many to enumerate")
    index = {k: i for i, k in enumerate(keys)}
    index.update({("exists", mid): len(keys) + i for i, mid in enumerate(reported)})
    plan = [(h, index[h.start],
             [(index[e], None if owner is None else index[("exists", owner)])
              for e, owner in h.ends],
             None if h.exists is None else index[("exists", h.exists)]) for h in holdings]

    categories = {}
    for section, entries in (spec.get("vocabulary") or {}).items():
        for ident, entry in (entries or {}).items():
            for cat in (entry or {}).get("categories") or ():
                categories[("category", cat, ident)] = ref.full
    rules = [RuleDef(r) for r in spec.get("rules") or () if r.get("then")]
    ref.has_rules = bool(rules)
    strata = stratify(rules)

    def span(s: int, e: int) -> int:
        s, e = max(s - first, 0), min(e - first, n)
        return ((1 << e) - 1) ^ ((1 << s) - 1) if s < e else 0

    certain: dict[tuple, int] = {}
    possible: dict[tuple, int] = {}
    hold_possible: dict[str, int] = {}
    for world in product(*ranges):
        facts = dict(categories)
        for h, si, eis, xi in plan:
            if xi is not None and not world[xi]:
                continue  # its reported measure does not exist in this world
            start = world[si]
            # an end made by a reported measure happens only where that measure exists
            end = min((world[e] for e, x in eis if x is None or world[x]), default=POS)
            mask = span(start, end)
            facts[h.fact] = facts.get(h.fact, 0) | mask
            hold_possible[h.by] = hold_possible.get(h.by, 0) | mask
        if rules:
            run_rules(strata, facts)
        if not ref.worlds:
            certain = dict(facts)
        else:
            for k in certain:
                certain[k] &= facts.get(k, 0)
            for k in facts:
                certain.setdefault(k, 0)  # absent from an earlier world: certain nowhere
        for k, v in facts.items():
            possible[k] = possible.get(k, 0) | v
        ref.worlds += 1
    ref.certain, ref.possible = certain, possible
    for h in holdings:
        ref.holding_possible[h.by] = (h.fact, h.attributes, hold_possible.get(h.by, 0))
    _exactness(ref, events, holdings, categories, rules, strata)
    return ref


def _exactness(ref, events, holdings, categories, rules, strata) -> None:
    """Where semantics.md §8's formulas are exact (see the module doc); conservative."""
    uncertain = {k for k, (lo, hi) in events.items() if lo < hi}
    deps: dict[tuple, set] = {}
    base = set()
    for h in holdings:
        if ref.possible.get(h.fact):
            base.add(h.fact)
            deps.setdefault(h.fact, set()).update(
                e for e in [h.start] + [key for key, _owner in h.ends] if e in uncertain)
            # a reported measure's existence is an uncertain choice shared like an event
            deps[h.fact].update(("exists", x) for x in [h.exists] + [o for _k, o in h.ends]
                                if x)
    # candidate derivations: positive premises possibly present, negation ignored
    upper = {k: v for k, v in ref.possible.items() if v and k in base}
    upper.update(categories)
    derivs: dict[tuple, set] = {}
    for group in strata:
        while True:
            changed = False
            for r in group:
                for b, keys in list(bindings(r.positive, upper)):
                    mask = -1
                    for k in keys:
                        mask &= upper[k]
                    if not mask:
                        continue
                    head = r.then.ground(b)
                    if head[1] is None:
                        continue
                    neg = tuple(n.ground(b) for n in r.negated)
                    d = (r.id, tuple(keys), neg)
                    if d not in derivs.setdefault(head, set()):
                        derivs[head].add(d)
                        changed = True
                    if upper.get(head, 0) | mask != upper.get(head, 0):
                        upper[head] = upper.get(head, 0) | mask
                        changed = True
            if not changed:
                break
    for k in categories:
        deps[k] = set()
    for _ in range(len(derivs) + 2):  # deps of derived facts, to a fixpoint
        grew = False
        for head, ds_ in derivs.items():
            acc = set(deps.get(head, set()))
            for _r, pos, neg in ds_:
                for k in pos + neg:
                    acc |= deps.get(k, set())
            if acc != deps.get(head):
                deps[head] = acc
                grew = True
        if not grew:
            break
    exact_c = {k: True for k in base if k not in derivs}
    exact_p = dict(exact_c)
    for k in categories:
        exact_c[k] = exact_p[k] = True

    def known(k):  # a premise that is neither base, category nor derived: empty, exact
        return k not in derivs and k not in base and k not in categories

    for _ in range(len(derivs) + 2):
        for head, ds_ in derivs.items():
            if not exact_p.get(head):
                ok = True
                for _r, pos, neg in ds_:
                    prem = set(pos) | set(neg)
                    if not all(exact_p.get(k) or known(k) for k in pos) or \
                            not all(exact_c.get(k) or known(k) for k in neg):
                        ok = False
                        break
                    seen: set = set()
                    for k in prem:
                        if deps.get(k, set()) & seen:
                            ok = False
                        seen |= deps.get(k, set())
                    if len(prem) < len(pos) + len(neg):
                        ok = False  # a repeated premise: leave it to the inclusions
                if ok:
                    exact_p[head] = True
            if not exact_c.get(head):
                sources = len(ds_) + (1 if head in base else 0)
                if sources == 1:
                    _r, pos, neg = next(iter(ds_))
                    if all(exact_c.get(k) or known(k) for k in pos) and \
                            all(exact_p.get(k) or known(k) for k in neg):
                        exact_c[head] = True
    ref.exact_certain = exact_c
    ref.exact_possible = exact_p
