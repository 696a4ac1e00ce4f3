"""What things are called: the labels, aliases and categories of the vocabulary's ids, the kind
of each source, and how the ids, aliases and labels a question names become the corpus's ids.

A ``Names`` is small and is stored with the compiled timeline (``cache.py``), so that a warm
``kzlaw in-force`` can label its rows and refuse an unknown id without reading the rest of the
corpus.
"""

from __future__ import annotations

from typing import Iterable, Optional

from .model import FACT_KINDS, KIND_SECTIONS, VOCAB_SECTIONS
from .problems import KzlawError, Problem, suggest

KIND_WORDS = {"prohibition": "Prohibition", "obligation": "Obligation",
              "designation": "Designation", "institution": "Institution", "power": "Power",
              "penalty": "Penalty", "category": "Category"}
# Statuses as a reader says them (JSON keeps in-force / uncertain / absent).
STATUS_WORDS = {"in-force": "in force", "uncertain": "uncertain", "absent": "not in force"}
# The strongest kind of evidence first (docs/semantics.md section 9).
EVIDENCE_ORDER = ("primary", "official-report", "academic", "ngo", "press")
_EVIDENCE_RANK = {k: i for i, k in enumerate(EVIDENCE_ORDER)}

# A word a user may say for a fact kind -> the fact kind (``--kind organization``).
KIND_SYNONYMS = {
    "act": "prohibition", "acts": "prohibition", "prohibitions": "prohibition",
    "ban": "prohibition", "bans": "prohibition",
    "organization": "designation", "organizations": "designation",
    "organisation": "designation", "organisations": "designation",
    "designations": "designation", "org": "designation", "orgs": "designation",
    "institutions": "institution", "agency": "institution", "agencies": "institution",
    "powers": "power", "duty": "obligation", "duties": "obligation",
    "obligations": "obligation", "penalties": "penalty",
}


KIND_TITLES = {"prohibition": "Prohibitions", "obligation": "Obligations",
               "designation": "Designations", "institution": "Institutions", "power": "Powers",
               "penalty": "Penalties"}


SINGULAR = {"acts": "act", "organizations": "organization", "institutions": "institution",
            "powers": "power", "duties": "duty", "penalties": "penalty", "categories": "category"}


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


class Names:
    """Labels, aliases and categories of vocabulary ids, source kinds, measure and rule ids."""

    def __init__(self, vocabulary: dict, sources: dict, info: Optional[dict] = None):
        # section -> id -> (label, aliases, categories)
        self.entries = {section: {ident: (e.label, tuple(e.aliases), tuple(e.categories))
                                  for ident, e in sorted(entries.items())}
                        for section, entries in sorted(vocabulary.items())}
        self.source_kinds = {sid: s.kind for sid, s in sources.items()}
        self.info = dict(info or {})
        # id -> label (the first section that has it); fact kind -> the labels its own
        # sections give ids that another section labels differently (usually none)
        self.labels: dict = {None: {}}
        for section in reversed(VOCAB_SECTIONS):
            for ident, entry in self.entries.get(section, {}).items():
                self.labels[None][ident] = entry[0]
        for kind, sections in KIND_SECTIONS.items():
            own = {}
            for section in reversed(sections):
                for ident, entry in self.entries.get(section, {}).items():
                    if self.labels[None].get(ident) != entry[0]:
                        own[ident] = entry[0]
            if own:
                self.labels[kind] = own

    # --- labels ---------------------------------------------------------------------------

    def label(self, ident: Optional[str], kind: Optional[str] = None) -> Optional[str]:
        """The vocabulary label of ``ident`` (looked up in the sections ``kind`` names first);
        the id itself for an id the vocabulary does not label; None for None."""
        if ident is None:
            return None
        own = self.labels.get(kind)
        if own is not None and ident in own:
            return own[ident]
        return self.labels[None].get(ident, ident)

    def fact_title(self, kind: str, target: str, about: Optional[str]) -> str:
        """"Prohibition: Prayer in the workplace"; a penalty reads "Penalty: Forfeiture of
        property, for Act of terrorism"; a qualified fact names what it is about."""
        word = KIND_WORDS.get(kind, kind)
        label = self.label(target, kind)
        if kind == "penalty" and about:
            return f"{word}: {self.label(about, 'penalty')}, for {label}"
        if about:
            return f"{word}: {label} ({self.label(about)})"
        return f"{word}: {label}"

    def categories(self, ident: str) -> tuple:
        for entries in self.entries.values():
            if ident in entries:
                return entries[ident][2]
        return ()

    def evidence(self, source_ids: Iterable[str]) -> Optional[str]:
        """The strongest kind among the sources (primary > official-report > academic > ngo >
        press), or None when there are none."""
        kinds = [self.source_kinds[s] for s in source_ids if s in self.source_kinds]
        return min(kinds, key=_EVIDENCE_RANK.get) if kinds else None

    # --- ids a question names -------------------------------------------------------------

    def vocabulary_ids(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for section, entries in self.entries.items():
            for ident in entries:
                out.setdefault(ident, section)
        return out

    def spoken(self) -> dict[str, set]:
        """Folded alias or label -> the ids it names (an alias may name ids of several
        sections). Built when a question needs it, not stored."""
        out: dict[str, set] = {}
        for entries in self.entries.values():
            for ident, (label, aliases, _cats) in entries.items():
                for word in (label,) + aliases:
                    out.setdefault(_fold(word), set()).add(ident)
        return out

    def resolve(self, value: str, what: str = "id", among: Optional[Iterable[str]] = None,
                known: Optional[dict] = None) -> str:
        """The id that ``value`` names: the id itself, or an id whose alias or label it is
        (case and spacing do not matter). ``among`` limits the ids (default: every vocabulary
        id); ``known`` (every id of the corpus -> what it is) lets the refusal say what an id
        of another kind is. Raises ``KzlawError`` with a "did you mean" for anything else."""
        choices = set(self.vocabulary_ids()) if among is None else set(among)
        if value in choices:
            return value
        named = sorted(i for i in self.spoken().get(_fold(value), ()) if i in choices)
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise KzlawError([Problem("question", 0, f"{what} {value!r} is ambiguous: it names "
                                      + ", ".join(repr(n) for n in named))])
        raise KzlawError([Problem("question", 0,
                                  self.unknown_message(value, what, choices, known))])

    def unknown_message(self, value: str, what: str, choices: Iterable[str],
                        known: Optional[dict] = None) -> str:
        choices = set(choices)
        hint = suggest(value, choices)
        if not hint:  # perhaps an id of another namespace, or an alias's misspelling
            spoken = {w: ids for w, ids in self.spoken().items() if ids & choices}
            close = suggest(_fold(value), spoken)
            if close:
                word = close.split("'")[1]
                hint = f" (did you mean {sorted(spoken[word] & choices)[0]!r}?)"
        if not hint:
            other = (known if known is not None else self.vocabulary_ids()).get(value)
            if other is not None:
                thing = SINGULAR.get(other, other)
                hint = f" ({value!r} is {_article(thing)} {thing}, not {_article(what)} {what})"
        return f"unknown {what} {value!r}{hint}"

    def resolve_kind(self, value: str) -> str:
        """A fact kind; ``--kind organization`` is refused with a pointer to ``designation``."""
        if value in FACT_KINDS:
            return value
        meant = KIND_SYNONYMS.get(value.casefold())
        hint = f" (did you mean {meant!r}?)" if meant else suggest(value, FACT_KINDS)
        raise KzlawError([Problem("question", 0, f"unknown fact kind {value!r}{hint}; kinds are "
                                  + ", ".join(FACT_KINDS))])

    def resolve_category(self, value: str) -> str:
        return self.resolve(value, "category", self.entries.get("categories", {}))

    def resolve_target(self, kind: str, value: str) -> str:
        """A fact's target for ``kind``: an id of the sections the kind names."""
        among = {i for s in KIND_SECTIONS.get(kind, ()) for i in self.entries.get(s, {})}
        return self.resolve(value, "id", among or None)

    def resolve_fact(self, kind: str, target: str, about: Optional[str]) -> tuple:
        kind = self.resolve_kind(kind)
        target = self.resolve_target(kind, target)
        if about is not None:
            about = self.resolve(about, "about id", self.vocabulary_ids())
        return (kind, target, about)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


__all__ = ["Names", "KIND_WORDS", "KIND_TITLES", "STATUS_WORDS", "EVIDENCE_ORDER"]
