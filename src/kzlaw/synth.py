"""A synthetic corpus of any size, written to disk as a real corpus, for benchmarks and tests.

The proportions follow the bundled corpus: most dates are days, some months or years, a few
seasons, ranges, open ranges and conflicting alternatives; measures establish prohibitions,
designations, duties, institutions, powers and penalties, and later measures repeal, replace or
amend earlier ones; a few bills are pending or failed; the rules are the two bundled shapes
(membership of designated organizations, a penalty attached to a category) and one integrity
check. Deterministic for a given size and seed.

    python -m kzlaw.synth 10000 /tmp/corpus-10k
"""

from __future__ import annotations

import os
import random
import sys
from datetime import date, timedelta

import yaml

# written notation -> share of dates (see date_text)
NOTATIONS = (("day", 0.62), ("month", 0.14), ("year", 0.08), ("season", 0.04),
             ("range", 0.05), ("open-start", 0.02), ("open-end", 0.01), ("alternatives", 0.04))
ESTABLISH = (("prohibits", 0.42), ("designates", 0.16), ("requires", 0.10),
             ("establishes", 0.10), ("empowers", 0.10), ("penalizes", 0.12))


def _pick(rng: random.Random, table) -> str:
    x = rng.random()
    acc = 0.0
    for name, share in table:
        acc += share
        if x < acc:
            return name
    return table[-1][0]


def date_text(rng: random.Random, day: date):
    """A date field around ``day`` in one of the notations, in realistic proportions."""
    kind = _pick(rng, NOTATIONS)
    if kind == "day":
        return day.isoformat()
    if kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if kind == "year":
        return f"{day.year:04d}"
    if kind == "season":
        if day.month in (1, 2):
            return f"{day.year - 1:04d}-24"
        return f"{day.year:04d}-{20 + (day.month) // 3 if day.month < 12 else 24}"
    if kind == "range":
        end = day + timedelta(days=rng.randint(5, 120))
        return f"[{day.isoformat()}..{end.isoformat()}]"
    if kind == "open-start":
        return f"[..{day.year:04d}]"
    if kind == "open-end":
        return f"[{day.year:04d}-{day.month:02d}..]"
    other = day + timedelta(days=rng.randint(1, 60))
    return [{"date": day.isoformat(), "ref": "s1"},
            {"date": f"{other.year:04d}-{other.month:02d}", "ref": "s2"}]


def generate(n: int, seed: int = 0) -> dict:
    """The corpus as plain data: vocabulary, sources, measures (a list) and rules."""
    rng = random.Random(seed * 1_000_003 + n)
    n_acts = max(20, n // 8)
    n_orgs = max(10, n // 20)
    acts = {f"act-{i}": {"label": f"Act {i}"} for i in range(n_acts)}
    for i, (ident, entry) in enumerate(acts.items()):
        if i % 3 == 0:
            entry["categories"] = ["terrorism-related"]
    acts["membership-in-banned-organization"] = {"label": "Membership in a banned organization"}
    vocabulary = {
        "acts": acts,
        "organizations": {f"org-{i}": {"label": f"Organization {i}"} for i in range(n_orgs)},
        "institutions": {f"inst-{i}": {"label": f"Institution {i}"} for i in range(max(5, n // 40))},
        "powers": {f"power-{i}": {"label": f"Power {i}"} for i in range(max(3, n // 100))}
        | {"designate-organizations": {"label": "Designate organizations"}},
        "duties": {f"duty-{i}": {"label": f"Duty {i}"} for i in range(max(5, n // 40))},
        "penalties": {f"penalty-{i}": {"label": f"Penalty {i}"} for i in range(3)},
        "categories": {"terrorism-related": {"label": "Terrorism-related offences"}},
    }
    sources = {f"s{i}": {"citation": f"Synthetic source {i}", "kind": "primary"} for i in (1, 2, 3)}
    start = date(1991, 12, 16).toordinal()
    span = date(2024, 12, 31).toordinal() - start
    days = sorted(date.fromordinal(start + rng.randrange(span)) for _ in range(n))
    measures = []
    establishing: list[tuple[str, str]] = []  # (measure id, effect id) of earlier measures
    for i, day in enumerate(days):
        mid = f"m-{day.year}-{i:06d}"
        status = "enacted"
        r = rng.random()
        if r < 0.01:
            status = "pending"
        elif r < 0.02:
            status = "failed"
        effects = []
        for j in range(rng.choice((1, 2, 3, 4, 4, 5, 6, 7))):
            eid = f"e{j}"
            if establishing and status == "enacted" and rng.random() < 0.12:
                tm, te = establishing[rng.randrange(len(establishing))]
                verb = rng.choice(("repeals", "repeals", "amends", "replaces"))
                if verb == "repeals":
                    effects.append({"id": eid, "repeals": f"{tm}#{te}" if rng.random() < 0.7 else tm})
                elif verb == "replaces":
                    effects.append({"id": eid, "replaces": tm})
                else:
                    act = f"act-{rng.randrange(n_acts)}"
                    effects.append({"id": eid, "amends": f"{tm}#{te}",
                                    "with": {"prohibits": act, "liability": "criminal"}})
                continue
            kind = _pick(rng, ESTABLISH)
            eff = {"id": eid}
            if kind == "prohibits":
                eff["prohibits"] = ("membership-in-banned-organization" if rng.random() < 0.02
                                    else f"act-{rng.randrange(n_acts)}")
                eff["liability"] = rng.choice(("criminal", "administrative"))
            elif kind == "designates":
                eff["designates"] = f"org-{rng.randrange(n_orgs)}"
                eff["as"] = rng.choice(("terrorist", "extremist"))
            elif kind == "requires":
                eff["requires"] = f"duty-{rng.randrange(len(vocabulary['duties']))}"
            elif kind == "establishes":
                eff["establishes"] = f"inst-{rng.randrange(len(vocabulary['institutions']))}"
            elif kind == "empowers":
                eff["empowers"] = (f"power-{rng.randrange(len(vocabulary['powers']) - 1)}"
                                   if rng.random() < 0.9 else "designate-organizations")
            else:
                eff["penalizes"] = ("terrorism-related" if rng.random() < 0.3
                                    else f"act-{rng.randrange(n_acts)}")
                eff["penalty"] = f"penalty-{rng.randrange(3)}"
            if rng.random() < 0.05:
                eff["until"] = date_text(rng, day + timedelta(days=rng.randint(200, 4000)))
            effects.append(eff)
        dates = {}
        if status == "enacted":
            dates["adopted"] = date_text(rng, day)
            if rng.random() < 0.3:  # after the adopted range's last possible day
                dates["in_force"] = (day + timedelta(days=rng.randint(130, 200))).isoformat()
            if rng.random() < 0.02:
                dates["expires"] = (day + timedelta(days=rng.randint(365, 3650))).isoformat()
        else:
            dates["introduced"] = date_text(rng, day)
        measure = {"id": mid, "title": f"Synthetic measure {i}", "number": f"{i}-S",
                   "kind": "bill" if status != "enacted" else rng.choice(("law", "amendment", "decree", "order")),
                   "status": status, "dates": dates,
                   "sources": [{"ref": "s1", "quote": "synthetic"}], "effects": effects}
        measures.append(measure)
        if status == "enacted":
            establishing += [(mid, e["id"]) for e in effects
                             if not any(k in e for k in ("repeals", "replaces"))]
    rules = [
        {"id": "membership-of-designated-organization",
         "when": [{"designation": "?org"}, {"prohibition": "membership-in-banned-organization"}],
         "then": {"prohibition": "membership-in-banned-organization", "about": "?org"}},
        {"id": "penalty-for-terrorism-related-acts",
         "when": [{"penalty": "terrorism-related", "about": "?p"},
                  {"category": "terrorism-related", "about": "?act"}, {"prohibition": "?act"}],
         "then": {"penalty": "?act", "about": "?p"}},
        {"id": "designation-without-power",
         "when": [{"designation": "?org"}, {"not": {"power": "designate-organizations"}}],
         "check": "designated while no power to designate is in force"},
    ]
    return {"vocabulary": vocabulary, "sources": sources, "measures": measures, "rules": rules}


def _dump(path: str, data) -> None:
    with open(path, "w", encoding="utf-8") as f:
        yaml.dump(data, f, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]


def write(root: str, corpus: dict) -> str:
    """Write the corpus as measures/ and rules/ under ``root``; returns ``root``."""
    os.makedirs(os.path.join(root, "measures"), exist_ok=True)
    os.makedirs(os.path.join(root, "rules"), exist_ok=True)
    _dump(os.path.join(root, "measures", "vocabulary.yaml"), corpus["vocabulary"])
    _dump(os.path.join(root, "measures", "sources.yaml"), corpus["sources"])
    made = set()
    for m in corpus["measures"]:
        year = m["id"].split("-")[1]
        folder = os.path.join(root, "measures", year)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        _dump(os.path.join(folder, m["id"] + ".yaml"), m)
    for r in corpus["rules"]:
        _dump(os.path.join(root, "rules", r["id"] + ".yaml"), r)
    return root


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or not argv[0].isdigit():
        print("usage: python -m kzlaw.synth N FOLDER", file=sys.stderr)
        return 2
    write(argv[1], generate(int(argv[0])))
    print(f"wrote {argv[0]} measures to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
