"""The rows of every export table for one corpus, in ``schema.TABLES``' column order.

Values are plain Python: text, int, bool, None, ISO day strings for ``date`` columns, lists of
strings for ``list`` columns and JSON-ready values for ``json`` columns; each writer turns them
into its format. Everything comes from the loaded corpus and its compiled timeline, so the
export says exactly what kzlaw answers.
"""

from __future__ import annotations

import os
from typing import Iterator, Optional

from .. import __version__
from ..dates import NEG, POS, day_iso
from ..model import ESTABLISHING
from ..queries import fact_label


def jurisdiction_of(corpus, root: str) -> str:
    """The corpus's jurisdiction: ``measures/corpus.yaml``'s, else the corpus folder's name."""
    return corpus.info.jurisdiction or os.path.basename(os.path.normpath(os.path.abspath(root)))


def _days(days) -> list:
    """A day set as [start, end) pairs of ISO days (None where open)."""
    return [[day_iso(s), day_iso(e) if e < POS else None] for s, e in days]


def _attrs(attributes) -> dict:
    return {name: list(v) if isinstance(v, tuple) else v for name, v in attributes}


def _label(corpus, ident: Optional[str]) -> Optional[str]:
    if ident is None:
        return None
    for section in corpus.vocabulary.values():
        entry = section.get(ident)
        if entry is not None:
            return entry.label
    return None


def tables(corpus, jurisdiction: str) -> dict[str, Iterator[tuple]]:
    """table name -> rows (tuples in the schema's column order, jurisdiction first)."""
    j = jurisdiction
    return {
        "corpora": _corpora(corpus, j),
        "measures": _measures(corpus, j),
        "effects": _effects(corpus, j),
        "events": _events(corpus, j),
        "facts": _facts(corpus, j),
        "segments": _segments(corpus, j),
        "sources": _sources(corpus, j),
        "references": _references(corpus, j),
        "vocabulary": _vocabulary(corpus, j),
        "derivations": _derivations(corpus, j),
    }


def _corpora(corpus, j):
    info = corpus.info
    commit = corpus.commit  # the git commit of the corpus folder, where it is a checkout
    yield (j, info.title, _iso_of(info.curated_from), _iso_of(info.curated_until), commit,
           __version__)


def _iso_of(value) -> Optional[str]:
    return None if value is None else value.isoformat()


def _measures(corpus, j):
    files = corpus.raw.measure_files
    for mid in sorted(corpus.measures):
        m = corpus.measures[mid]
        yield (j, mid, m.title, m.number, m.kind, m.status, files.get(mid, (None,))[0], m.note)


def _effects(corpus, j):
    for mid in sorted(corpus.measures):
        m = corpus.measures[mid]
        for eff in m.effects:
            body = eff.with_ if eff.kind == "amends" else eff
            fact = None
            if body is not None and body.kind in ESTABLISHING:
                kind = ESTABLISHING[body.kind][0]
                about = body.penalty if body.kind == "penalizes" else None
                fact = fact_label((kind, body.value, about))
            attributes = body.attributes() if body is not None else {}
            yield (j, f"{mid}#{eff.id}", mid, eff.id, eff.kind, eff.value, fact,
                   attributes, eff.note)


_MEASURE_FIELDS = ("introduced", "adopted", "in_force", "expires", "failed")


def _events(corpus, j):
    for mid in sorted(corpus.measures):
        m = corpus.measures[mid]
        for field in _MEASURE_FIELDS:
            d = getattr(m.dates, field)
            if d is not None:
                yield _event_row(j, f"{mid} {field}", mid, None, field, d)
        for eff in m.effects:
            for attr, field in (("from_", "from"), ("until", "until")):
                d = getattr(eff, attr)
                if d is not None:
                    yield _event_row(j, f"{mid}#{eff.id} {field}", mid, eff.id, field, d)


def _event_row(j, label, mid, eid, field, d):
    alternatives = None
    if d.alternatives:
        alternatives = []
        for a in d.alternatives:
            alt = {"date": a.date.text + a.date.flag, "ref": a.ref}
            for name in ("as_written", "quote", "rejected"):
                value = getattr(a, name, None)
                if value:
                    alt[name] = value
            alternatives.append(alt)
    text = d.text + (d.flag if not d.alternatives else "")
    return (j, label, mid, eid, field, text, _bound(d.earliest), _bound(d.latest),
            d.as_written, alternatives)


def _bound(day: int) -> Optional[str]:
    return None if day <= NEG or day >= POS else day_iso(day)


def _facts(corpus, j):
    title = corpus.names.fact_title
    for key in sorted(corpus.compiled.segments, key=_order):
        certain, possible = corpus.day_ranges(*key)
        yield (j, fact_label(key), key[0], key[1], key[2], title(*key),
               _label(corpus, key[1]), _label(corpus, key[2]), key in corpus.derivations,
               _days(certain), _days(possible))


def _order(key):
    return (key[0], key[1] or "", key[2] or "")


def _segments(corpus, j):
    compiled = corpus.compiled
    for key in sorted(compiled.segments, key=_order):
        label = fact_label(key)
        for start, end, v in compiled.fact_days(key):
            yield (j, label, key[0], key[1], key[2], v.status, _bound(start),
                   day_iso(end) if end < POS else None, _attrs(v.attributes), list(v.by),
                   list(v.sources))


def _sources(corpus, j):
    for sid in sorted(corpus.sources):
        s = corpus.sources[sid]
        published = s.published.text + s.published.flag if s.published is not None else None
        yield (j, sid, s.citation, s.kind, s.url, published, s.document, s.footnote, s.note)


def _ref_row(j, ref, cited_by, cited_type):
    return (j, ref.ref, cited_by, cited_type, ref.quote, getattr(ref, "summary", None),
            getattr(ref, "translation", None), ref.note)


def _references(corpus, j):
    for mid in sorted(corpus.measures):
        m = corpus.measures[mid]
        for ref in m.sources:
            yield _ref_row(j, ref, mid, "measure")
        for eff in m.effects:
            refs = list(eff.sources)
            if eff.with_ is not None:
                refs += [r for r in eff.with_.sources if r not in refs]
            for ref in refs:
                yield _ref_row(j, ref, f"{mid}#{eff.id}", "effect")
        dated = [(f"{mid} {f}", getattr(m.dates, f)) for f in _MEASURE_FIELDS]
        dated += [(f"{mid}#{e.id} {name}", getattr(e, attr)) for e in m.effects
                  for attr, name in (("from_", "from"), ("until", "until"))]
        for label, d in dated:
            if d is None:
                continue
            for a in d.alternatives:
                yield (j, a.ref, label, "date", a.quote, getattr(a, "summary", None),
                       getattr(a, "translation", None), a.note)
    for rid in sorted(corpus.rules):
        for ref in corpus.rules[rid].sources:
            yield _ref_row(j, ref, f"rule:{rid}", "rule")


def _vocabulary(corpus, j):
    for section in sorted(corpus.vocabulary):
        entries = corpus.vocabulary[section]
        for ident in sorted(entries):
            e = entries[ident]
            yield (j, section, ident, e.label, list(e.aliases), list(e.categories), e.note)


def _derivations(corpus, j):
    for key in sorted(corpus.derivations, key=_order):
        for d in corpus.derivations[key]:
            yield (j, fact_label(key), key[0], key[1], key[2], f"rule:{d.rule}",
                   dict(d.binding), [fact_label(p) for p in d.premises],
                   [fact_label(p) for p in d.negated], _days(d.certain), _days(d.possible))
