"""The rules engine (semantics.md section 8): stratified, semi-naive evaluation to a fixpoint over facts
that carry certain and possible day sets.

A derivation binds a rule's variables to facts. It holds certainly on the days where every
positive premise is certain and no negated premise is possible, and possibly where every
positive premise is possible and no negated premise is certain. A derived fact holds on the
union of its derivations. Joins look facts up through indexes on (kind, target, about),
(kind, target) and (kind, about), never by comparing every pair; a partial join whose possible
days are already empty is dropped at once.

Rules are sorted by id and facts by key before evaluation, and every combination is a set
union or intersection, so the result does not depend on the order of files, rules or patterns.
"""

from __future__ import annotations

from typing import Iterable, Optional

import attrs

from . import daysets as ds
from .model import KIND_SECTIONS, VOCAB_SECTIONS, Pattern, Rule, fact_order
from .limits import LIMITS, limit
from .problems import KzlawError, Problem, suggest

FactKey = tuple


def is_var(value: Optional[str]) -> bool:
    return isinstance(value, str) and value.startswith("?")


@attrs.frozen
class Derivation:
    rule: str
    binding: tuple  # sorted (variable, value)
    premises: tuple  # fact keys of the positive premises, in pattern order
    negated: tuple  # fact keys of the negated premises
    certain: ds.DaySet
    possible: ds.DaySet


# --- static checks --------------------------------------------------------------------------

# A rule's patterns are joined one level of the search per pattern: more than this many is
# refused (docs/errors.md), located, by check and by every command alike. No real rule needs
# more than a handful; split a longer one into rules that derive intermediate facts.
MAX_PATTERNS = 100


def check_rules(rules: dict[str, Rule], vocabulary: dict[str, dict]) -> list[Problem]:
    """Unknown vocabulary, unsafe variables, too many patterns and negation cycles, as located
    problems."""
    problems: list[Problem] = []
    all_ids = {i for s in VOCAB_SECTIONS for i in vocabulary.get(s, {})}
    for rule in (rules[k] for k in sorted(rules)):
        if len(rule.when) > MAX_PATTERNS:
            problems.append(Problem(rule.path, rule.line, f"rule has {len(rule.when)} patterns "
                                    f"in 'when', over the limit of {MAX_PATTERNS}: split it "
                                    "into rules that derive intermediate facts"))
            continue
        positive_vars = set()
        if not any(not p.negated for p in rule.when):
            problems.append(Problem(rule.path, rule.line, "a rule needs at least one pattern "
                                    "that is not negated"))
        for p in rule.when:
            if not p.negated:
                positive_vars |= {v for v in (p.target, p.about) if is_var(v)}
        for p in list(rule.when) + ([rule.then] if rule.then else []):
            _check_constants(rule, p, vocabulary, all_ids, problems)
        for p, where in [(p, "a negated pattern") for p in rule.when if p.negated] + \
                ([(rule.then, "'then'")] if rule.then else []):
            for v in (p.target, p.about):
                if is_var(v) and v not in positive_vars:
                    problems.append(Problem(rule.path, p.line, f"unsafe variable {v} in {where}: "
                                            "no positive pattern of 'when' binds it"))
    problems += _negation_cycles(rules)
    return problems


def _check_constants(rule: Rule, p: Pattern, vocabulary, all_ids, problems) -> None:
    sections = KIND_SECTIONS[p.kind]
    if not is_var(p.target):
        ids = {i for s in sections for i in vocabulary.get(s, {})}
        if p.target not in ids:
            problems.append(Problem(rule.path, p.line, f"unknown {p.kind} target {p.target!r}"
                                    + suggest(p.target, ids)))
    if p.about is not None and not is_var(p.about):
        ids = vocabulary.get("penalties", {}) if p.kind == "penalty" else all_ids
        if p.about not in ids:
            problems.append(Problem(rule.path, p.line, f"unknown id {p.about!r} in about"
                                    + suggest(p.about, ids)))


def _dependencies(rules: dict[str, Rule]) -> dict[str, list[tuple[str, bool]]]:
    """rule -> [(rule it depends on, through a negated pattern?)]."""
    # heads indexed by (kind, constant target) and by kind for a variable target, so that
    # each pattern meets only the heads it may match (not every rule: 2,000 rules would be
    # 4 million comparisons)
    by_target: dict[tuple, list[str]] = {}
    by_kind_var: dict[str, list[str]] = {}
    by_kind: dict[str, list[str]] = {}
    for r in rules.values():
        head = r.then
        if head is None:
            continue
        by_kind.setdefault(head.kind, []).append(r.id)
        if is_var(head.target):
            by_kind_var.setdefault(head.kind, []).append(r.id)
        else:
            by_target.setdefault((head.kind, head.target), []).append(r.id)
    deps = {}
    for r in rules.values():
        out = set()
        for p in r.when:
            if is_var(p.target):
                others = by_kind.get(p.kind, ())
            else:
                others = by_target.get((p.kind, p.target), []) + by_kind_var.get(p.kind, [])
            out.update((other, p.negated) for other in others)
        deps[r.id] = sorted(out)
    return deps


def _sccs(nodes: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively; in reverse topological order."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on.add(v)
            succ = edges.get(v, [])
            if i < len(succ):
                work.append((v, i + 1))
                w = succ[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out


def _negation_cycles(rules: dict[str, Rule]) -> list[Problem]:
    deps = _dependencies(rules)
    edges = {r: [d for d, _neg in deps[r]] for r in deps}
    problems = []
    for comp in _sccs(sorted(rules), edges):
        members = set(comp)
        for r in comp:
            for d, neg in deps[r]:
                if neg and d in members:
                    rule = rules[r]
                    cycle = " -> ".join(comp + [comp[0]]) if len(comp) > 1 else f"{r} -> {r}"
                    problems.append(Problem(rule.path, rule.line, f"rule depends on itself "
                                            f"through 'not' ({cycle}): negation must not be "
                                            "part of a cycle"))
                    break
    return problems


def strata(rules: dict[str, Rule]) -> list[list[str]]:
    """Groups of rules in evaluation order: each group only needs earlier groups' facts
    (through negation) or its own (positively)."""
    deps = _dependencies(rules)
    edges = {r: [d for d, _neg in deps[r]] for r in deps}
    return _sccs(sorted(rules), edges)  # reverse topological = dependencies first


# --- evaluation ------------------------------------------------------------------------------

class FactIndex:
    """Facts with their (certain, possible) sets, indexed for joins."""

    def __init__(self):
        self.sets: dict[FactKey, tuple] = {}
        self.by_kt: dict[tuple, set] = {}
        self.by_ka: dict[tuple, set] = {}
        self.by_k: dict[str, set] = {}

    def done(self) -> None:
        """Drop the join indexes once the last rule has run (``Corpus`` builds the index,
        evaluates the rules and the integrity checks, then only reads ``sets``)."""
        self.by_kt, self.by_ka, self.by_k = {}, {}, {}

    def add(self, key: FactKey, certain: ds.DaySet, possible: ds.DaySet) -> bool:
        """Union the sets into the fact; True if anything grew."""
        old = self.sets.get(key)
        if old is None:
            if certain == possible:  # a fact without uncertain days: one set for both
                certain = possible
            self.sets[key] = (certain, possible)
            kind, target, about = key
            self.by_kt.setdefault((kind, target), set()).add(key)
            self.by_ka.setdefault((kind, about), set()).add(key)
            self.by_k.setdefault(kind, set()).add(key)
            return True
        new = (ds.union(old[0], certain), ds.union(old[1], possible))
        if new != old:
            self.sets[key] = (new[1], new[1]) if new[0] == new[1] else new
            return True
        return False

    def _lookup(self, p: Pattern, binding: dict):
        """The exact key when the pattern is ground under ``binding``, else the index set."""
        kind = p.kind
        target = binding.get(p.target, p.target) if is_var(p.target) else p.target
        if p.has_about:
            about = binding.get(p.about, p.about) if is_var(p.about) else p.about
        else:
            about = None
        t_known = not is_var(target)
        a_known = not p.has_about or not is_var(about)
        if t_known and a_known:
            return (kind, target, about), None
        if t_known:
            return None, self.by_kt.get((kind, target), ())
        if a_known:
            return None, self.by_ka.get((kind, about), ())
        return None, self.by_k.get(kind, ())

    def count(self, p: Pattern, binding: dict) -> int:
        """How many facts ``candidates`` would offer (an upper bound on the matches)."""
        key, found = self._lookup(p, binding)
        if key is not None:
            return 1 if key in self.sets else 0
        return len(found)

    def candidates(self, p: Pattern, binding: dict) -> Iterable[FactKey]:
        """The facts that may match the pattern under ``binding`` (a snapshot: the index may
        grow while they are tried). Their order does not matter: every result is a union."""
        key, found = self._lookup(p, binding)
        if key is not None:
            return (key,) if key in self.sets else ()
        return tuple(found)


class Work:
    """What one rule's evaluation has cost, against the limits of docs/limits.md.

    ``steps`` counts the facts tried while joining (the work of the join), ``matches`` the
    distinct combinations of facts found; either above its limit stops the corpus with a
    message at the rule's file and line."""

    def __init__(self, rule: Rule):
        self.rule = rule
        self.steps = 0
        self.matches = 0
        self.max_steps = limit("join_steps")
        self.max_matches = limit("matches")

    def step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.max_steps:
            self._stop("join_steps", self.max_steps)

    def match(self) -> None:
        self.matches += 1
        if self.matches > self.max_matches:
            self._stop("matches", self.max_matches)

    def _stop(self, name: str, value: int) -> None:
        var, _default, what = LIMITS[name]
        verb = "has" if name == "matches" else "needs"
        raise KzlawError([Problem(self.rule.path, self.rule.line,
                                  f"rule '{self.rule.id}' {verb} more than {value} {what}, "
                                  f"the limit: set {var} to raise it")])


# Work done by every evaluation in this process, for tests that count work rather than time.
COUNTERS = {"join_steps": 0, "matches": 0}


def _bind(p: Pattern, key: FactKey, binding: dict) -> Optional[dict]:
    _kind, target, about = key
    out = dict(binding)
    if is_var(p.target):
        if out.get(p.target, target) != target:
            return None
        out[p.target] = target
    elif p.target != target:
        return None
    if not p.has_about:
        if about is not None:
            return None
    elif is_var(p.about):
        if p.about in out and out[p.about] != about:
            return None
        out[p.about] = about
    elif p.about != about:
        return None
    return out


def _ground(p: Pattern, binding: dict) -> FactKey:
    target = binding[p.target] if is_var(p.target) else p.target
    about = (binding[p.about] if is_var(p.about) else p.about) if p.has_about else None
    return (p.kind, target, about)


def _matches(rule: Rule, facts: FactIndex, seed: Optional[tuple] = None,
             work: Optional[Work] = None):
    """Yield Derivations of ``rule``; with ``seed=(position, key)`` only those using that fact
    at that positive pattern position.

    The join order is chosen as it goes: after each binding the next pattern is the one with
    the fewest candidate facts under the variables bound so far (a ground pattern has at most
    one), so patterns linked by shared variables are joined through the indexes instead of
    enumerating unrelated facts first. A pattern with no candidate ends the branch at once."""
    positive = [p for p in rule.when if not p.negated]
    negated = [p for p in rule.when if p.negated]
    work = work if work is not None else Work(rule)
    n = len(positive)

    def walk(remaining, binding, chosen, certain, possible):
        if not remaining:
            neg_keys = []
            for p in negated:
                key = _ground(p, binding)
                neg_keys.append(key)
                sets = facts.sets.get(key)
                if sets:
                    certain = ds.difference(certain, sets[1])
                    possible = ds.difference(possible, sets[0])
            if possible:
                prem = tuple(chosen[i] for i in range(n))
                yield Derivation(rule.id, tuple(sorted(binding.items())), prem, tuple(neg_keys),
                                 certain, possible)
            return
        if seed is not None and len(remaining) == n:
            i = seed[0]
            keys = (seed[1],)
        else:
            i, best = -1, -1
            for j in remaining:
                c = facts.count(positive[j], binding)
                if c == 0:
                    return
                if best < 0 or c < best:
                    i, best = j, c
                    if c == 1:
                        break
            keys = facts.candidates(positive[i], binding)
        p = positive[i]
        rest = [j for j in remaining if j != i]
        work.step(len(keys))
        COUNTERS["join_steps"] += len(keys)
        for key in keys:
            b = _bind(p, key, binding)
            if b is None:
                continue
            c, pos = facts.sets[key]
            new_possible = pos if possible is None else ds.intersect(possible, pos)
            if not new_possible:
                continue
            new_certain = c if certain is None else ds.intersect(certain, c)
            chosen[i] = key
            yield from walk(rest, b, chosen, new_certain, new_possible)
            del chosen[i]

    yield from walk(list(range(n)), {}, {}, None, None)


def evaluate(rules: dict[str, Rule], facts: FactIndex) -> dict[FactKey, list[Derivation]]:
    """Run the derivation rules to a fixpoint, adding derived facts to ``facts``.

    Returns fact -> its derivations (for provenance). Stops with a located ``KzlawError`` when
    a rule needs more work than the limits allow (docs/limits.md)."""
    derivations: dict[tuple, Derivation] = {}
    derive = {k: r for k, r in rules.items() if r.then is not None}
    work = {k: Work(r) for k, r in derive.items()}
    for group in strata(derive):
        group_rules = [derive[r] for r in group]
        triggers = _triggers(group_rules)
        delta = None  # None = first round: evaluate fully
        while True:
            changed = set()
            for rule, seeds in _round_plan(group_rules, triggers, delta):
                w = work[rule.id]
                for d in _rule_round(rule, facts, seeds, w):
                    dkey = (d.rule, d.premises, d.negated)
                    old = derivations.get(dkey)
                    if old == d:
                        continue
                    if old is None:
                        w.match()
                        COUNTERS["matches"] += 1
                    derivations[dkey] = d
                    head = _ground(rule.then, dict(d.binding))
                    if head[1] is None:
                        continue  # a variable bound to an empty about names no fact
                    if facts.add(head, d.certain, d.possible):
                        changed.add(head)
            if not changed:
                break
            delta = changed
    out: dict[FactKey, list[Derivation]] = {}
    for dkey in sorted(derivations, key=lambda k: (k[0], [fact_order(x) for x in k[1]])):
        d = derivations[dkey]
        head = _ground(derive[d.rule].then, dict(d.binding))
        if head[1] is not None:
            out.setdefault(head, []).append(d)
    return out


def _triggers(group_rules: list[Rule]) -> dict[tuple, list]:
    """(kind, constant target or None) -> [(rule, positive position)]: which patterns of the
    group a changed fact can match, so that a round only revisits the rules it can affect."""
    out: dict[tuple, list] = {}
    for rule in group_rules:
        positive = [p for p in rule.when if not p.negated]
        for i, p in enumerate(positive):
            target = None if is_var(p.target) else p.target
            out.setdefault((p.kind, target), []).append((rule, i, p))
    return out


def _round_plan(group_rules: list[Rule], triggers: dict, delta: Optional[set]):
    """(rule, seeds) to evaluate this round, in rule order: every rule in full on the first
    round (seeds None), then each rule with the (position, fact) pairs of the changed facts
    its patterns can match."""
    if delta is None:
        for rule in group_rules:
            yield rule, None
        return
    seeds: dict[str, list] = {}
    rules_by_id = {}
    for key in delta:
        for target in (key[1], None):
            for rule, i, p in triggers.get((key[0], target), ()):
                if _bind(p, key, {}) is not None:
                    seeds.setdefault(rule.id, []).append((i, key))
                    rules_by_id[rule.id] = rule
    for rid in sorted(seeds):
        yield rules_by_id[rid], sorted(seeds[rid], key=lambda s: (s[0], fact_order(s[1])))


def _rule_round(rule: Rule, facts: FactIndex, seeds: Optional[list], work: Work):
    if seeds is None:
        yield from _matches(rule, facts, None, work)
        return
    seen = set()
    for seed in seeds:
        for d in _matches(rule, facts, seed, work):
            k = (d.premises, d.negated)
            if k not in seen:
                seen.add(k)
                yield d


def integrity(rules: dict[str, Rule], facts: FactIndex) -> tuple[list[Derivation], dict]:
    """Every match of every ``check:`` rule, with the days it holds certainly and possibly,
    sorted by rule and premises; and rule id -> the message of the limit that stopped its
    search early (a warning rule that matches too much is cut short, not an error: its
    matches are only reported, never used)."""
    out, stopped = [], {}
    for rid in sorted(rules):
        rule = rules[rid]
        if rule.check is None:
            continue
        work = Work(rule)
        found = []
        try:
            for d in _matches(rule, facts, None, work):
                work.match()
                COUNTERS["matches"] += 1
                found.append(d)
        except KzlawError as e:
            stopped[rid] = e.problems[0].message
        found.sort(key=lambda d: [fact_order(x) for x in d.premises])
        out.extend(found)
    return out, stopped
