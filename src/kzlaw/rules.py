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
from .problems import Problem, suggest

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

def check_rules(rules: dict[str, Rule], vocabulary: dict[str, dict]) -> list[Problem]:
    """Unknown vocabulary, unsafe variables and negation cycles, as located problems."""
    problems: list[Problem] = []
    all_ids = {i for s in VOCAB_SECTIONS for i in vocabulary.get(s, {})}
    for rule in (rules[k] for k in sorted(rules)):
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


def _may_match(p: Pattern, head: Pattern) -> bool:
    if p.kind != head.kind:
        return False
    return is_var(p.target) or is_var(head.target) or p.target == head.target


def _dependencies(rules: dict[str, Rule]) -> dict[str, list[tuple[str, bool]]]:
    """rule -> [(rule it depends on, through a negated pattern?)]."""
    heads = {r.id: r.then for r in rules.values() if r.then is not None}
    deps = {}
    for r in rules.values():
        out = []
        for p in r.when:
            for other, head in heads.items():
                if _may_match(p, head):
                    out.append((other, p.negated))
        deps[r.id] = sorted(set(out))
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

    def add(self, key: FactKey, certain: ds.DaySet, possible: ds.DaySet) -> bool:
        """Union the sets into the fact; True if anything grew."""
        old = self.sets.get(key)
        if old is None:
            self.sets[key] = (certain, possible)
            kind, target, about = key
            self.by_kt.setdefault((kind, target), set()).add(key)
            self.by_ka.setdefault((kind, about), set()).add(key)
            self.by_k.setdefault(kind, set()).add(key)
            return True
        new = (ds.union(old[0], certain), ds.union(old[1], possible))
        if new != old:
            self.sets[key] = new
            return True
        return False

    def candidates(self, p: Pattern, binding: dict) -> Iterable[FactKey]:
        kind = p.kind
        target = binding.get(p.target, p.target) if is_var(p.target) else p.target
        if p.has_about:
            about = binding.get(p.about, p.about) if is_var(p.about) else p.about
        else:
            about = None
        t_known = not is_var(target)
        a_known = not p.has_about or not is_var(about)
        if t_known and a_known:
            key = (kind, target, about)
            return (key,) if key in self.sets else ()
        if t_known:
            return sorted(self.by_kt.get((kind, target), ()), key=fact_order)
        if a_known:
            return sorted(self.by_ka.get((kind, about), ()), key=fact_order)
        return sorted(self.by_k.get(kind, ()), key=fact_order)


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


def _matches(rule: Rule, facts: FactIndex, seed: Optional[tuple] = None):
    """Yield Derivations of ``rule``; with ``seed=(position, key)`` only those using that fact
    at that positive pattern position."""
    positive = [p for p in rule.when if not p.negated]
    negated = [p for p in rule.when if p.negated]
    def looseness(i):  # bind the most constant patterns first
        return is_var(positive[i].target) + (positive[i].has_about and is_var(positive[i].about))

    order = sorted(range(len(positive)), key=lambda i: (looseness(i), i))
    if seed is not None:
        order = [seed[0]] + [i for i in order if i != seed[0]]

    def walk(step, binding, chosen, certain, possible):
        if step == len(order):
            neg_keys = []
            for n in negated:
                key = _ground(n, binding)
                neg_keys.append(key)
                sets = facts.sets.get(key)
                if sets:
                    certain = ds.difference(certain, sets[1])
                    possible = ds.difference(possible, sets[0])
            if possible:
                prem = tuple(chosen[i] for i in range(len(positive)))
                yield Derivation(rule.id, tuple(sorted(binding.items())), prem, tuple(neg_keys),
                                 certain, possible)
            return
        i = order[step]
        p = positive[i]
        keys = (seed[1],) if (seed is not None and step == 0) else facts.candidates(p, binding)
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
            yield from walk(step + 1, b, chosen, new_certain, new_possible)
            del chosen[i]

    yield from walk(0, {}, {}, None, None)


def evaluate(rules: dict[str, Rule], facts: FactIndex) -> dict[FactKey, list[Derivation]]:
    """Run the derivation rules to a fixpoint, adding derived facts to ``facts``.

    Returns fact -> its derivations (for provenance)."""
    derivations: dict[tuple, Derivation] = {}
    derive = {k: r for k, r in rules.items() if r.then is not None}
    for group in strata(derive):
        group_rules = [derive[r] for r in group]
        delta = None  # None = first round: evaluate fully
        while True:
            changed = set()
            for rule in group_rules:
                for d in _rule_round(rule, facts, delta):
                    dkey = (d.rule, d.premises, d.negated)
                    if derivations.get(dkey) == d:
                        continue
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


def _rule_round(rule: Rule, facts: FactIndex, delta: Optional[set]):
    if delta is None:
        yield from _matches(rule, facts)
        return
    positive = [p for p in rule.when if not p.negated]
    seen = set()
    for i, p in enumerate(positive):
        for key in sorted(delta, key=fact_order):
            if key[0] != p.kind or _bind(p, key, {}) is None:
                continue
            for d in _matches(rule, facts, (i, key)):
                k = (d.premises, d.negated)
                if k not in seen:
                    seen.add(k)
                    yield d


def integrity(rules: dict[str, Rule], facts: FactIndex) -> list[Derivation]:
    """Every match of every ``check:`` rule, with the days it holds certainly and possibly."""
    out = []
    for rid in sorted(rules):
        rule = rules[rid]
        if rule.check is None:
            continue
        out.extend(_matches(rule, facts))
    return out
