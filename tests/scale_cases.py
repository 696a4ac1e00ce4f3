"""Generators for the corpora of issue 11 item 5 ("bounded work on any corpus"): each writes a
valid corpus that once asked kzlaw for quadratic, exponential or unbounded work.

    python tests/scale_cases.py CASE N FOLDER     # write one case of size N

The cases (N is the size knob):

- ``join``: N designated organizations and one 4-pattern rule whose patterns share no
  variable with the first one, listed so that a fixed join order builds every combination.
- ``cross``: N organizations and one rule of 4 unrelated ``designation`` patterns: N**4 matches.
- ``integrity``: N organizations and an integrity rule of 3 unrelated patterns: N**3 warnings.
- ``repeals``: N effects in one measure and N repeals of them in another (two files).
- ``stacked``: N layers of rules, each deriving its fact from two facts of the layer below.
- ``chain``: an amendment chain of N measures, each amending the previous one's effect.
- ``rules``: N interdependent rules (a ring of derivations over one organization).
- ``vocabulary``: a vocabulary of N ids and a rule file naming N unknown ones.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from builder import DEFAULT_SOURCES, dump, write_corpus  # noqa: E402

SRC = [{"ref": "s1", "quote": "words"}]


def _vocabulary(orgs=(), acts=(), powers=()) -> dict:
    return {
        "acts": {a: {"label": a} for a in ("membership",) + tuple(acts)},
        "organizations": {o: {"label": o} for o in orgs},
        "institutions": {}, "powers": {p: {"label": p} for p in powers}, "duties": {},
        "penalties": {"f": {"label": "f"}}, "categories": {"c": {"label": "c"}},
    }


def _measure(ident, effects, adopted="2001-01-01", **dates) -> dict:
    return {"id": ident, "title": f"Measure {ident}", "kind": "law", "status": "enacted",
            "dates": {"adopted": adopted, **dates}, "sources": SRC, "effects": effects}


def _orgs(n: int) -> list[str]:
    return [f"org-{i}" for i in range(n)]


def _designations(orgs) -> list[dict]:
    # designations of uncertain dates, so that certain and possible differ
    return [_measure(f"ban-{o}", [{"id": "d", "designates": o, "as": "extremist"}],
                     adopted=f"{2001 + i % 9}-{1 + i % 12:02d}") for i, o in enumerate(orgs)]


def cross(root, n: int) -> str:
    """N organizations; one rule of four unrelated patterns: N**4 matches."""
    orgs = _orgs(n)
    measures = _designations(orgs)
    rule = {"id": "cross", "description": "four unrelated patterns", "sources": SRC,
            "when": [{"designation": v} for v in ("?a", "?b", "?c", "?d")],
            "then": {"prohibition": "membership", "about": "?a"}}
    return write_corpus(root, measures, [rule], _vocabulary(orgs), DEFAULT_SOURCES)


def join(root, n: int) -> str:
    """N organizations and N acts, four of each in category c; a 4-pattern rule listed so that
    a fixed order joins every organization with every act (N**2) before the category patterns
    cut it to 16 matches."""
    orgs, acts = _orgs(n), [f"act-{i}" for i in range(n)]
    measures = _designations(orgs) + [_measure(f"law-{a}", [
        {"id": "p", "prohibits": a, "liability": "criminal"}]) for a in acts]
    vocab = _vocabulary(orgs, acts)
    for ident in orgs[:4]:
        vocab["organizations"][ident]["categories"] = ["c"]
    for ident in acts[:4]:
        vocab["acts"][ident]["categories"] = ["c"]
    rule = {"id": "join", "description": "a 4-pattern join", "sources": SRC,
            "when": [{"designation": "?org"}, {"prohibition": "?act"},
                     {"category": "c", "about": "?org"}, {"category": "c", "about": "?act"}],
            "then": {"prohibition": "?act", "about": "?org"}}
    return write_corpus(root, measures, [rule], vocab, DEFAULT_SOURCES)


def integrity(root, n: int) -> str:
    """N organizations; an integrity rule of three unrelated patterns: N**3 warnings."""
    orgs = _orgs(n)
    rule = {"id": "triples", "description": "three unrelated patterns", "sources": SRC,
            "when": [{"designation": v} for v in ("?a", "?b", "?c")],
            "check": "Three designations at once"}
    return write_corpus(root, _designations(orgs), [rule], _vocabulary(orgs), DEFAULT_SOURCES)


def repeals(root, n: int, whole: bool = True) -> str:
    """One measure of N effects and one of N repeals (of the whole measure, or with
    ``whole=False`` of one effect each), in two files, each effect as short as it can be."""
    acts = [f"act-{i}" for i in range(n)]
    a = _measure("law-a", [{"id": f"e{i}", "prohibits": x} for i, x in enumerate(acts)],
                 adopted="2001-01")
    b = _measure("law-b", [{"id": f"r{i}", "repeals": "law-a" if whole else f"law-a#e{i}"}
                           for i in range(n)], adopted="2002-01")
    return write_corpus(root, [a, b], [], _vocabulary((), acts), DEFAULT_SOURCES)


def repeals_each(root, n: int) -> str:
    return repeals(root, n, whole=False)


def stacked(root, n: int, width: int = 10) -> str:
    """N layers of rules: layer k's power is derived once per member of category c (WIDTH of
    them) from layer k-1's power, so the derivation tree of the top power has WIDTH**N paths."""
    powers = [f"layer-{k}" for k in range(n + 1)]
    acts = [f"act-{i}" for i in range(width)]
    vocab = _vocabulary((), acts, powers)
    for a in acts:
        vocab["acts"][a]["categories"] = ["c"]
    measures = [_measure("law-base", [{"id": "p", "empowers": "layer-0"}], adopted="2001")]
    rules = [{"id": f"layer-{k}", "description": f"layer {k}", "sources": SRC,
              "when": [{"power": f"layer-{k - 1}"}, {"category": "c", "about": "?x"}],
              "then": {"power": f"layer-{k}"}} for k in range(1, n + 1)]
    return write_corpus(root, measures, rules, vocab, DEFAULT_SOURCES)


def chain(root, n: int) -> str:
    """An amendment chain: measure i amends measure i-1's effect (the same prohibition)."""
    ms = [_measure("m-0", [{"id": "e", "prohibits": "membership", "liability": "criminal"}],
                   adopted="2001-01")]
    for i in range(1, n):
        ms.append(_measure(f"m-{i}", [{"id": "e", "amends": f"m-{i - 1}#e",
                                       "with": {"prohibits": "membership",
                                                "liability": "criminal" if i % 2 else
                                                "administrative"}}],
                           adopted=(date(2001, 1, 1) + timedelta(days=i)).isoformat()))
    return write_corpus(root, ms, [], _vocabulary(), DEFAULT_SOURCES)


def overlapping(root, n: int) -> str:
    """N measures prohibiting the same act from uncertain days that all overlap (each
    "[2001-01-01+i days..2012-06]"), all repealed by one measure of uncertain date: no
    holding is ever certain alone, and they share the repeal's event."""
    ms = [_measure(f"m-{i}", [{"id": "e", "prohibits": "membership"}],
                   adopted=f"[{(date(2001, 1, 1) + timedelta(days=i)).isoformat()}..2012-06]")
          for i in range(n)]
    ms.append(_measure("repeal", [{"id": "r", "repeals": f"m-{i}"} for i in range(n)][:1],
                       adopted="2012"))
    ms[-1]["effects"] = [{"id": f"r{i}", "repeals": f"m-{i}"} for i in range(n)]
    return write_corpus(root, ms, [], _vocabulary(), DEFAULT_SOURCES)


def rules(root, n: int) -> str:
    """N interdependent rules: a ring of powers, each derived from the previous one (one
    strongly connected component), fed by one measure."""
    powers = [f"p-{i}" for i in range(n)]
    measures = [_measure("law-base", [{"id": "p", "empowers": "p-0"}], adopted="2001")]
    rs = [{"id": f"r-{i}", "description": f"ring {i}", "sources": SRC,
           "when": [{"power": powers[i - 1]}], "then": {"power": powers[i]}} for i in range(n)]
    return write_corpus(root, measures, rs, _vocabulary((), (), powers), DEFAULT_SOURCES)


def vocabulary(root, n: int, unknown: int = 50) -> str:
    """A vocabulary of N organizations and one measure designating UNKNOWN misspelt ones."""
    orgs = [f"organization-number-{i}" for i in range(n)]
    effects = [{"id": f"d{i}", "designates": f"organisation-number-{i * 7}", "as": "extremist"}
               for i in range(unknown)]
    return write_corpus(root, [_measure("bans", effects)], [], _vocabulary(orgs),
                        DEFAULT_SOURCES)


def main(argv) -> int:
    case, n, folder = argv[0], int(argv[1]), argv[2]
    print(CASES[case](folder, n))
    return 0


CASES = {"cross": cross, "join": join, "integrity": integrity, "repeals": repeals,
         "repeals-each": repeals_each, "stacked": stacked,
         "chain": chain, "overlapping": overlapping, "rules": rules, "vocabulary": vocabulary}

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
