"""Write small corpora to disk for tests: measures, vocabulary, sources and rules as YAML."""

from __future__ import annotations

import os
from typing import Iterable, Optional

import yaml

DEFAULT_VOCABULARY = {
    "acts": {
        "a": {"label": "Act A", "categories": ["c"]},
        "b": {"label": "Act B", "categories": ["c"]},
        "x": {"label": "Act X"},
        "membership": {"label": "Membership in a banned organization"},
    },
    "organizations": {"o": {"label": "Org O"}, "q": {"label": "Org Q"}},
    "institutions": {"i": {"label": "Institution I"}},
    "powers": {"p": {"label": "Power P"}},
    "duties": {"d": {"label": "Duty D"}},
    "penalties": {"f": {"label": "Forfeiture"}},
    "categories": {"c": {"label": "Category C"}},
}
DEFAULT_SOURCES = {"s1": {"citation": "Source one", "kind": "primary"},
                   "s2": {"citation": "Source two", "kind": "press"}}


def measure(ident: str, adopted: Optional[str] = "2000", effects: Iterable[dict] = (),
            in_force: Optional[str] = None, status: str = "enacted", expires=None,
            **extra) -> dict:
    dates = {}
    if adopted is not None:
        dates["adopted"] = adopted
    if in_force is not None:
        dates["in_force"] = in_force
    if expires is not None:
        dates["expires"] = expires
    dates.update(extra.pop("dates", {}))
    m = {"id": ident, "title": f"Measure {ident}", "kind": "law", "status": status,
         "dates": dates, "sources": [{"ref": "s1", "quote": "words"}], "effects": list(effects)}
    m.update(extra)
    return m


def write_corpus(root, measures: Iterable[dict] = (), rules: Iterable[dict] = (),
                 vocabulary: Optional[dict] = None, sources: Optional[dict] = None) -> str:
    """Write a corpus under ``root`` (created) and return its path as a string."""
    root = str(root)
    os.makedirs(os.path.join(root, "measures"), exist_ok=True)
    os.makedirs(os.path.join(root, "rules"), exist_ok=True)
    dump(os.path.join(root, "measures", "vocabulary.yaml"),
         DEFAULT_VOCABULARY if vocabulary is None else vocabulary)
    dump(os.path.join(root, "measures", "sources.yaml"),
         DEFAULT_SOURCES if sources is None else sources)
    for m in measures:
        year = "2000"
        folder = os.path.join(root, "measures", year)
        os.makedirs(folder, exist_ok=True)
        dump(os.path.join(folder, f"{m['id']}.yaml"), m)
    for r in rules:
        dump(os.path.join(root, "rules", f"{r['id']}.yaml"), r)
    return root


def dump(path: str, data) -> None:
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(data, f, sort_keys=False, allow_unicode=True, default_flow_style=False)


def write_text(root, rel: str, text: str) -> str:
    path = os.path.join(str(root), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
