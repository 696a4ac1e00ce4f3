"""Finding things: ``search`` (words -> measures, facts, organizations, other vocabulary and
sources) and ``source`` (one source with everything that cites it). Both return plain data."""

from __future__ import annotations

import unicodedata
from typing import Iterable, Union

from .engine import fact_key
from .model import ESTABLISHING
from .problems import KzlawError, Problem
from .queries import document, fact_names
from .timeline import sort_key


def fold(text) -> str:
    """Case, accents and spacing do not matter: 'Hizb-ut-Tahrir' finds 'hizb ut-tahrir'."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _words(words: Union[str, Iterable[str]]) -> list[str]:
    if isinstance(words, str):
        words = [words]
    out = [fold(w) for part in words for w in str(part).split()]
    return [w for w in out if w]


def _matches(words: list[str], fields: dict) -> list[str]:
    """The names of the fields in which the words occur, if every word occurs in one."""
    texts = {name: fold(value) for name, value in fields.items() if value}
    if not all(any(w in t for t in texts.values()) for w in words):
        return []
    return [name for name, t in texts.items() if any(w in t for w in words)]


def _ref_texts(refs) -> str:
    return " ".join(" ".join(filter(None, (r.ref, r.quote, getattr(r, "summary", None),
                                           getattr(r, "translation", None), r.note)))
                    for r in refs)


def search(corpus, words) -> dict:
    """Every measure, fact, organization, other vocabulary entry and source in whose words
    (ids, labels, aliases, titles in every language, numbers, notes, quotes, citations) every
    one of ``words`` occurs, case- and accent-insensitively. Refuses an empty search."""
    wanted = _words(words)
    if not wanted:
        raise KzlawError([Problem("question", 0, "search needs at least one word")])
    names = corpus.names
    measures = []
    for mid in sorted(corpus.measures):
        m = corpus.measures[mid]
        fields = {"id": mid, "title": m.title, "titles": " ".join(t for _, t in m.titles),
                  "number": m.number, "note": m.note, "quotes": _ref_texts(m.sources)}
        for eff in m.effects:
            body = eff.with_ if eff.kind == "amends" else eff
            fields["effects"] = (fields.get("effects", "") + " " + " ".join(filter(None, (
                eff.id, eff.note, getattr(eff, "article", None), body.value if body else None,
                _ref_texts(eff.sources)))))
        hit = _matches(wanted, fields)
        if hit:
            measures.append({"id": mid, "title": m.title, "kind": m.kind, "status": m.status,
                             "number": m.number, "matched": hit})
    vocab, orgs = [], []
    matched_ids = set()
    for section, entries in sorted(corpus.vocabulary.items()):
        for ident in sorted(entries):
            e = entries[ident]
            hit = _matches(wanted, {"id": ident, "label": e.label,
                                    "aliases": " ".join(e.aliases), "note": e.note})
            if not hit:
                continue
            matched_ids.add(ident)
            row = {"id": ident, "section": section, "label": e.label,
                   "aliases": list(e.aliases), "matched": hit}
            (orgs if section == "organizations" else vocab).append(row)
    facts = []
    for key in sorted(corpus.compiled.segments, key=sort_key):
        if key[1] in matched_ids or key[2] in matched_ids:
            facts.append(fact_names(corpus, key))
        else:
            title = names.fact_title(*key)
            if _matches(wanted, {"title": title}):
                facts.append(fact_names(corpus, key))
    sources = []
    for sid in sorted(corpus.sources):
        s = corpus.sources[sid]
        hit = _matches(wanted, {"id": sid, "citation": s.citation, "url": s.url,
                                "note": s.note, "passage": s.passage})
        if hit:
            sources.append({"id": sid, "citation": s.citation, "kind": s.kind, "url": s.url,
                            "matched": hit})
    # the question as the user wrote it: the folded words are for matching only ('й' folds to 'и')
    asked = [words] if isinstance(words, str) else list(words)
    question = {"command": "search", "words": [w for part in asked for w in str(part).split()]}
    return document(corpus, question, [], {
        "measures": measures, "facts": facts, "organizations": orgs, "vocabulary": vocab,
        "sources": sources})


def _cite(ref) -> dict:
    out = {}
    for name in ("quote", "translation", "summary", "note"):
        value = getattr(ref, name, None)
        if value:
            out[name] = value
    return out


def source(corpus, source_id: str) -> dict:
    """One source: its citation, kind, URL, publication date and where it comes from, and
    every measure, effect and rule that cites it, with the quote (or the curator's summary)."""
    names = corpus.names
    if source_id not in corpus.sources:
        raise KzlawError([Problem("question", 0, names.unknown_message(
            source_id, "source", corpus.sources))])
    s = corpus.sources[source_id]
    cited = []
    for mid in sorted(corpus.measures):
        m = corpus.measures[mid]
        for ref in m.sources:
            if ref.ref == source_id:
                cited.append({"measure": mid, "effect": None, "by": mid, "title": m.title,
                              **_cite(ref)})
        for eff in m.effects:
            refs = list(eff.sources)
            if eff.with_ is not None:
                refs += list(eff.with_.sources)
            for ref in refs:
                if ref.ref == source_id:
                    entry = {"measure": mid, "effect": eff.id, "by": f"{mid}#{eff.id}",
                             "title": m.title, **_cite(ref)}
                    body = eff.with_ if eff.kind == "amends" else eff
                    if body is not None and body.kind in ESTABLISHING:
                        entry["fact"] = fact_names(corpus, fact_key(body))
                    cited.append(entry)
    for rid in sorted(corpus.rules):
        for ref in corpus.rules[rid].sources:
            if ref.ref == source_id:
                cited.append({"rule": f"rule:{rid}", "by": f"rule:{rid}",
                              "title": corpus.rules[rid].description, **_cite(ref)})
    published = s.published.to_json() if s.published is not None else None
    body = {"id": source_id, "citation": s.citation, "kind": s.kind, "url": s.url,
            "published": published, "document": s.document, "footnote": s.footnote,
            "passage": s.passage, "note": s.note, "cited_by": cited}
    return document(corpus, {"command": "source", "id": source_id}, [], body)

__all__ = ["search", "source", "fold"]
