#!/usr/bin/env python3
"""Mutation check for the property suite (issue 5): does tests/test_properties.py notice bugs?

For each mutant this script copies src/kzlaw to a fresh temporary folder, applies one
deliberate bug to the *copy* (a plain string replacement; it stops with an error if the text to
replace is not found exactly once, so a refactored engine cannot make a mutant silently
vanish), runs

    python -m pytest tests/test_properties.py -x -q

with PYTHONPATH pointing at the mutated copy first, and prints a table: mutant, killed?, first
failing test. The real src/ is never written to (the script checks its files' contents before
and after).

    python3 tests/mutation/run.py                 # every mutant
    python3 tests/mutation/run.py certain-from-earliest revival-on-repeal-of-repeal
    python3 tests/mutation/run.py --list
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from tabulate import tabulate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, "src", "kzlaw")

# name -> (file in src/kzlaw, text to replace, replacement, what the bug is)
MUTANTS = {
    "interval-end-off-by-one": (
        "engine.py",
        "(e.latest for e in self.ends if e.key not in self.conditional), default=POS))",
        "(e.latest + 1 for e in self.ends if e.key not in self.conditional), default=POS))",
        "a holding's possible range ends one day late"),
    "certain-from-earliest": (
        "engine.py",
        "self.start.latest, min((e.earliest for e in self.ends), default=POS))",
        "self.start.earliest, min((e.earliest for e in self.ends), default=POS))",
        "a holding is certain from its start's earliest day instead of its latest"),
    "revival-on-repeal-of-repeal": (
        "engine.py",
        'causes += enders.get(m.id, []) + enders.get(by, [])',
        'causes += [c for c in enders.get(m.id, []) + enders.get(by, [])'
        ' if not (enders.get(c[2]) or enders.get(c[2].split("#")[0]))]',
        "a repeal that is itself repealed stops ending its target (revival)"),
    "order-dependent-rules": (
        "rules.py",
        "for group in strata(derive):",
        "for group in [list(derive)]:",
        "rules run in file order in one group, so 'not' may see facts not yet derived"),
    "no-certainty-across-shared-event": (
        "engine.py",
        "if not shared:",
        "if True:",
        "certain = union of single holdings (an amendment's uncertain day lapses the fact)"),
    "pending-measures-have-effects": (
        "engine.py",
        "measures = sorted((m for m in measures if m.in_effect), key=lambda m: m.id)",
        'measures = sorted((m for m in measures if m.status != "failed"), key=lambda m: m.id)',
        "pending bills change the law"),
    "negation-subtracts-possible": (
        "rules.py",
        "possible = ds.difference(possible, sets[0])",
        "possible = ds.difference(possible, sets[1])",
        "a derived fact's possible set drops days where a negated premise is merely possible"),
    "snapshot-replay-off-by-one": (
        "timeline.py",
        "start, end = offsets[s * every + 1], offsets[i + 1]",
        "start, end = offsets[s * every + 1], offsets[i]",
        "corpus.at(d) forgets the last change before d when listing facts"),
    "diff-window-off-by-one": (
        "timeline.py",
        "i = bisect_right(points, lo)\n",
        "i = bisect_right(points, lo + 1)\n",
        "diff skips changes made the day after its first date"),
    "expires-ignored": (
        "engine.py",
        "shared[1] = [] if m.dates.expires is None else",
        "shared[1] = [] if True else",
        "a measure's built-in end is ignored"),
    "amendment-establishes-nothing": (
        "engine.py",
        'body = eff.with_ if eff.kind == "amends" else eff\n'
        "                if body is not None and body.kind in ESTABLISHING:",
        "body = eff\n"
        "                if body is not None and body.kind in ESTABLISHING:",
        "an amends ends its target but its 'with' effect never applies"),
    "attributes-pick-one": (
        "timeline.py",
        "next(iter(vs)) if len(vs) == 1 else tuple(sorted(vs))",
        "sorted(vs)[-1]",
        "disagreeing attributes show one value instead of the alternatives"),
    "repeal-of-effect-ends-measure": (
        "engine.py",
        'enders.setdefault(target, []).append((ev, kind, by))',
        'enders.setdefault(target.split("#")[0], []).append((ev, kind, by))',
        "repealing one effect (M#E) ends every effect of M"),
    "reported-acts-as-enacted": (
        "engine.py",
        "exists=m.id if m.id in self.reported else None, conditional=conditional)",
        "exists=None, conditional=frozenset())",
        "a reported measure acts as if enacted: its facts certain, its repeals certain"),
    "reported-repeal-ends-for-certain": (
        "engine.py",
        "(e.latest for e in self.ends if e.key not in self.conditional), default=POS))",
        "(e.latest for e in self.ends), default=POS))",
        "a reported repeal ends its target's possible days too, as if certainly enacted"),
    "reported-holding-certain-alone": (
        "engine.py",
        "certain = ds.EMPTY if self.exists is not None else ds.span(",
        "certain = ds.span(",
        "a reported measure's own effect is certain from its start"),
    "reported-measures-have-no-effects": (
        "model.py",
        'return self.status in ("enacted", "reported")',
        'return self.status == "enacted"',
        "a reported measure is treated like a failed bill: it never acts"),
    "reported-existence-forgotten-when-combined": (
        "engine.py",
        '            term[("exists", h.exists)] = True\n',
        "            pass\n",
        "combining holdings, a reported measure's holding counts as if the measure existed"),
    "rejected-alternative-widens": (
        "loader.py",
        "lo, hi = _dates.hull([a.date for a in standing])",
        "lo, hi = _dates.hull([a.date for a in alts])",
        "a rejected date alternative widens the range like the others"),
}

# The fast paths of loading (yamlfile._fast, loader._direct_measure) stand in for the general
# ones; tests/test_fast_paths.py checks they agree. Each of these mutants drops one of their
# guards; they are run against that file (the fifth item), not the property suite.
FAST_TESTS = "tests/test_fast_paths.py"
FAST_PATH_MUTANTS = {
    "fast-plain-with-colon-space": (
        "yamlfile.py", 'or ": " in text or text[-1] == ":":', 'or text[-1] == ":":',
        "the fast reader takes 'a: b: c' as text", FAST_TESTS),
    "fast-comment-after-value": (
        "yamlfile.py", 'if " #" in text:', 'if False:',
        "the fast reader keeps a comment after a value as part of it", FAST_TESTS),
    "fast-duplicate-key": (
        "yamlfile.py", "        if key in target or key in _NULLS:\n            return _DECLINE",
        "        if key in _NULLS:\n            return _DECLINE",
        "the fast reader lets a duplicate key overwrite the first", FAST_TESTS),
    "fast-flow-duplicate-key": (
        "yamlfile.py", "if key in out or key in _NULLS:  #", "if key in _NULLS:  #",
        "the fast reader lets a duplicate key in {...} overwrite the first", FAST_TESTS),
    "fast-indentation-ignored": (
        "yamlfile.py", "        if top[0] != indent or top[2] == bool(dash):\n"
        "                    return _DECLINE", "        if False:\n"
        "                    return _DECLINE",
        "the fast reader accepts a line at an indentation no open block has", FAST_TESTS),
    "fast-any-character": (
        "yamlfile.py", "if _FAST_TEXT.search(text) is not None:\n        return _DECLINE",
        "if False:\n        return _DECLINE",
        "the fast reader takes tabs, CR and non-ASCII text as it finds them", FAST_TESTS),
    "fast-plain-any-start": (
        "yamlfile.py", "    if (text[0] not in _PLAIN_FIRST and not (text[0] > \"\\x7f\" and "
        "text[0].isalpha())) \\\n            or", "    if False \\\n            or",
        "the fast reader takes a value starting with & * ! | > as plain text", FAST_TESTS),
    "fast-bare-line": (
        "yamlfile.py", "if not dash and not key:\n            if rest:\n"
        "                return _DECLINE", "if not dash and not key:\n            if False:\n"
        "                return _DECLINE",
        "the fast reader skips a line that is neither a key nor an item", FAST_TESTS),
    "fast-item-indent-fixed": (
        "yamlfile.py", "top = [indent + len(dash), c, True, None]",
        "top = [indent + 2, c, True, None]",
        "the fast reader assumes '- ' is always two columns", FAST_TESTS),
    "fast-single-quote-escape": (
        "yamlfile.py", "value = m.group(1).replace(\"''\", \"'\") if c == \"'\" else m.group(1)",
        "value = m.group(1)", "the fast reader keeps '' in a quoted text doubled", FAST_TESTS),
    "fast-flat-map-bracket": (
        "yamlfile.py", 'and "[" not in text and "]" not in text and', 'and "[" not in text and',
        "the fast reader takes {a: x]y} as a mapping", FAST_TESTS),
    "direct-unknown-field": (
        "loader.py", "if not data.keys() <= _MEASURE_FIELDS:", "if False:",
        "a measure with an unknown field is built directly, without its message", FAST_TESTS),
    "direct-any-kind": (
        "loader.py", "kind not in _MEASURE_KIND_SET or status not in _STATUS_SET or "
        "not is_slug(ident):", "not is_slug(ident):",
        "a measure of an unknown kind or status is built directly", FAST_TESTS),
    "direct-effect-unknown-field": (
        "loader.py", "    if item.__class__ is not LMap or not item.keys() <= _EFFECT_FIELDS:",
        "    if item.__class__ is not LMap:",
        "an effect with an unknown field is built directly", FAST_TESTS),
    "direct-empty-effects": (
        "loader.py", '        if "effects" in data:\n            raise _Decline',
        "        if False:\n            raise _Decline",
        "'effects:' with nothing after it is read as no effects", FAST_TESTS),
    "direct-text-any-type": (
        "loader.py", "if value is None or value.__class__ is str:\n        return value",
        "if True:\n        return value", "a list or mapping is accepted where text belongs",
        FAST_TESTS),
    "direct-any-liability": (
        "loader.py", "    if liability is not None and (liability.__class__ is not str\n"
        "                                  or liability not in _LIABILITY_SET):",
        "    if False:", "an unknown liability is built directly", FAST_TESTS),
    "direct-vocabulary-list-items": (
        "loader.py", "        if value.__class__ is not LSeq or any(v.__class__ is not str "
        "for v in value):", "        if value.__class__ is not LSeq:",
        "a vocabulary entry's aliases may hold lists or nothing", FAST_TESTS),
    "fast-block-paragraph": (
        "yamlfile.py", 'if block[5] or raw[-1] == " ":', 'if raw[-1] == " ":',
        "the fast reader folds a paragraph break of a block text like a line break",
        FAST_TESTS),
    "fast-block-comment-line": (
        "yamlfile.py", 'if "\\x00" in raw:\n                return _DECLINE',
        'if False:\n                return _DECLINE',
        "the fast reader drops a '#' line inside a block text as a comment", FAST_TESTS),
    "fast-block-chomping": (
        "yamlfile.py", 'if not style.endswith("-") and final_break:',
        'if style.endswith("-") and final_break:',
        "the fast reader keeps the final line break of >- and drops that of >", FAST_TESTS),
    "fast-block-spaces-line": (
        "yamlfile.py", "return _DECLINE  # spaces alone may be text",
        "continue  # spaces alone may be text",
        "the fast reader skips a line of spaces after a block text", FAST_TESTS),
    "fast-block-more-indented": (
        "yamlfile.py", "if block[4] and len(spaces) != block[6]:", "if False:",
        "the fast reader drops the extra indentation of a block text's line", FAST_TESTS),
}
MUTANTS.update(FAST_PATH_MUTANTS)

# The fast paths of answering (timeline.py, queries.py) against the plain computations of
# tests/test_fast_queries.py; each mutant drops one guard of theirs.
QUERY_TESTS = "tests/test_fast_queries.py"
FAST_QUERY_MUTANTS = {
    "built-state-first-snapshot": (
        "timeline.py", "get = statuses.__getitem__",
        "get = [ABSENT if v is None else v[0] for v in c.index()[3][0]].__getitem__",
        "a state already built answers status from the first snapshot, not its own day",
        QUERY_TESTS),
    "built-state-number-shift": (
        "timeline.py", "dict(zip(targets, map(get, numbers)))",
        "dict(zip(targets, map(get, numbers[1:] + numbers[:1])))",
        "a state already built reads a status from its neighbour's fact number", QUERY_TESTS),
    "built-state-uncertain-in-force": (
        "timeline.py", "statuses[n] = value[0]", "statuses[n] = IN_FORCE",
        "a state already built answers in force for a fact uncertain on its day", QUERY_TESTS),
    "built-state-statuses-of-its-kind": (
        "timeline.py", "statuses[n] = value[0]",
        "statuses[n] = value[0] if kind is None or keys[n][0] == kind else ABSENT",
        "a state built for one kind answers absent for the facts of the others", QUERY_TESTS),
    "diff-one-event-window": (
        "queries.py", "if first + 1 == last:  # one event", "if first < last:  # one event",
        "a diff over several events of a fact gives only the first's by",
        QUERY_TESTS),
    "diff-window-key-collides": (
        "queries.py", "windows, at = events[7], first * WINDOWS + last",
        "windows, at = events[7], first + last",
        "a diff takes the by kept for another run of a fact's events", QUERY_TESTS),
    "diff-single-by-guard": (
        "queries.py",
        "single = tuple([b[0] for b in bys]) if all([len(b) == 1 for b in bys]) else None",
        "single = tuple([b[0] for b in bys])",
        "a diff keeps one by of an event that two effects (a repeal's and its target's) share",
        QUERY_TESTS),
    "diff-events-always-rising": (
        "queries.py",
        "rising = all(map(le, earliest, earliest[1:])) and all(map(le, latest, latest[1:]))",
        "rising = all(map(le, earliest, earliest[1:]))",
        "a diff takes the events of a fact as one run where their latest days do not rise",
        QUERY_TESTS),
    "diff-nested-json-shallow": (
        "queries.py", 'nested = any(["alternatives" in js for js in jsons])', "nested = False",
        "a diff copies an event's JSON with alternatives shallowly (answers share lists)",
        QUERY_TESTS),
    "plain-day-alternatives": (
        "queries.py", "if d is None or d.alternatives or d.as_written or d.flag:",
        "if d is None or d.as_written or d.flag:",
        "an event whose sources disagree is written as a plain day", QUERY_TESTS),
    "plain-day-as-written": (
        "queries.py", "if d is None or d.alternatives or d.as_written or d.flag:",
        "if d is None or d.alternatives or d.flag:",
        "an event's date loses the words the source wrote it in", QUERY_TESTS),
    "plain-day-flag": (
        "queries.py", "if d is None or d.alternatives or d.as_written or d.flag:",
        "if d is None or d.alternatives or d.as_written:",
        "an uncertain or approximate day (? ~) is written without its flag", QUERY_TESTS),
    "plain-day-any-text": (
        "queries.py", "if d.text != day:  # not a plain day", "if False:  # not a plain day",
        "a month, a season or a range is written as its first day", QUERY_TESTS),
    "state-diff-identity-only": (
        "timeline.py", "                if before != after:\n"
        "                    out.append((n, before, after))\n            return out",
        "                if True:\n"
        "                    out.append((n, before, after))\n            return out",
        "a long diff lists facts whose values are equal but not one object", QUERY_TESTS),
    "change-reads-unwrapped": (
        "queries.py", '"__ror__", "__ior__", "__setitem__", "__delitem__", "get", "keys", "values",\n'
        '              "items", "copy",', '"__ror__", "__ior__", "__setitem__", "__delitem__", "get", '
        '"keys", "values",\n              "copy",',
        "a diff's change read as items (as JSON reads it) lacks its provenance", QUERY_TESTS),
    "change-writes-unwrapped": (
        "queries.py", '"__ror__", "__ior__", "__setitem__", "__delitem__", "get",',
        '"__ror__", "__ior__", "get",',
        "what a caller sets in a change is overwritten when its provenance is worked out",
        QUERY_TESTS),
    "change-missing-unfilled": (
        "queries.py", "if key in PROVENANCE and self._pending is not None:", "if False:",
        "a change's provenance read by its key is missing", QUERY_TESTS),
    "change-neighbours-provenance": (
        "queries.py", "dict.update(self, pending.take(self._at))",
        "dict.update(self, pending.take(max(self._at - 1, 0)))",
        "a change takes the provenance of the change before it", QUERY_TESTS),
    "change-compared-unread": (
        "queries.py", "        if isinstance(other, Change):\n            other._fill()",
        "        if False:\n            other._fill()",
        "two changes compared, the second unread, differ", QUERY_TESTS),
}
MUTANTS.update(FAST_QUERY_MUTANTS)

# The compiled cache's lazy and streamed paths (cache.py, cachefile.py) against the corpus
# built from the files and the whole encoding, in tests/test_cache_lazy.py.
CACHE_TESTS = "tests/test_cache_lazy.py"
CACHE_MUTANTS = {
    "cache-first-segment-of-next-fact": (
        "cachefile.py", "begun = list(map(operator.gt, ends, lo))",
        "begun = list(map(operator.ge, ends, lo))",
        "a fact not yet present on a day takes the previous fact's last value", CACHE_TESTS),
    "cache-batch-by-is-sources": (
        "cachefile.py", "by = list(map(v.__getitem__, map(sub, at, repeat(2))))",
        "by = list(map(v.__getitem__, map(sub, at, repeat(1))))",
        "values made in a batch take their sources for their `by`", CACHE_TESTS),
    "cache-edit-chain-cut-short": (
        "cachefile.py", "            if base < n_short or base in self:\n                break",
        "            if True:\n                break",
        "a long tuple is replayed from a base that is itself an edit not yet made",
        CACHE_TESTS),
    "cache-filled-values-remade": (
        "cachefile.py", "_pick(tuples, v[2::4]), _pick(tuples, v[3::4]))\n"
        "        for i, x in self.items():\n            every[i] = x",
        "_pick(tuples, v[2::4]), _pick(tuples, v[3::4]))\n"
        "        for i, x in ():\n            every[i] = x",
        "filling the values replaces those already made by equal, other objects", CACHE_TESTS),
    "cache-holdings-not-rebuilt": (
        "cache.py", "by_fact.setdefault(h.fact, []).append(h)", "by_fact.setdefault(h.fact, [h])",
        "the rest, once read, keeps only the first holding of each fact", CACHE_TESTS),
    "cache-stream-shares-nothing": (
        "cachefile.py", "        ref = seen.get(id(v))\n        if ref is not None:\n"
        "            write(dumps([\"r\", ref]))",
        "        ref = None\n        if ref is not None:\n            write(dumps([\"r\", ref]))",
        "the streamed rest writes an object met again in full, not as a reference",
        CACHE_TESTS),
    "cache-facts-frame-unverified": (
        "cache.py", "    return data if fmt.bind(fields, data) == digest else None",
        "    return data", "a frame read later is taken without checking its digest",
        CACHE_TESTS),
    "cache-every-first-state-without-by": (
        "cachefile.py", "        if not by and type(values) is LazyValues:",
        "        if type(values) is LazyValues:",
        "a first state read from the tables leaves out its `by`s even when they are asked for",
        CACHE_TESTS),
    "cache-without-by-takes-the-by-for-sources": (
        "cachefile.py",
        "            sources = list(map(v.__getitem__, map(sub, at, repeat(1))))",
        "            sources = list(map(v.__getitem__, map(sub, at, repeat(2))))",
        "values made without their `by` take the `by` tuple for their sources", CACHE_TESTS),
    "in-force-json-without-by": (
        "report.py", '    return ids or fmt not in ("table", "markdown", "html")',
        '    return ids or fmt not in ("table", "markdown", "html", "json")',
        "the JSON of in-force is asked for without each fact's `by`", QUERY_TESTS),
    "cache-child-manifest-not-compared": (
        "cache.py", "    if pending and current.result().digest != header[\"manifest\"]:",
        "    if False:",
        "a cache read while a child takes the manifest is used whatever the child finds",
        "tests/test_cache.py"),
}
MUTANTS.update(CACHE_MUTANTS)

# The terminal table's fast paths (layout.py) against the writers they replaced, in
# tests/test_layout_fast.py.
LAYOUT_TESTS = "tests/test_layout_fast.py"
LAYOUT_MUTANTS = {
    "layout-floor-stops-at-its-limit": (
        "layout.py", "                    if word > limit:\n                        break",
        "                    if word >= limit:\n                        break",
        "a column stops being read when its floor just fits, though a later cell may not",
        LAYOUT_TESTS),
    "layout-header-word-uncapped": (
        "layout.py", "max(min(heads[i], LONG_WORD), MIN_COLUMN)", "max(heads[i], MIN_COLUMN)",
        "a header's long word stands for more than its column's floor can be", LAYOUT_TESTS),
    "layout-runs-of-cells-run-together": (
        "layout.py", '_longest_word(" ".join(column[at:at + WORDS_RUN]))',
        '_longest_word("".join(column[at:at + WORDS_RUN]))',
        "the cells of a run are joined without a space, their words run together",
        LAYOUT_TESTS),
    "layout-alike-breaks-without-spaces": (
        "layout.py", "        elif used + 1 + n <= width:", "        elif used + n <= width:",
        "remembered line breaks forget the space between words", LAYOUT_TESTS),
    "layout-form-takes-any-white-space": (
        "layout.py", "            if first.isprintable() and first.count(\" \") == len(words) - 1:",
        "            if first.count(\" \") == len(words) - 1:",
        "a first cell with white space other than single spaces is written in a row's form",
        LAYOUT_TESTS),
    "layout-form-keeps-blank-padding": (
        "layout.py", "        if other.strip():  # else", "        if True:  # else",
        "a row's form keeps the padding of a line whose other cells are blank", LAYOUT_TESTS),
    "layout-form-percent-unescaped": (
        "layout.py", '.rstrip().replace("%", "%%")', ".rstrip()",
        "a row's form takes a % in its other cells for a placeholder", LAYOUT_TESTS),
}
MUTANTS.update(LAYOUT_MUTANTS)

# A corpus built fact by fact (corpus.py, engine.HoldingMaker) against one built from all its
# holdings, in tests/test_memory.py.
MEMORY_TESTS = "tests/test_memory.py"
MEMORY_MUTANTS = {
    "lean-derived-fact-not-recompiled": (
        "corpus.py", "            if got is not None and not self.derivations.get(key):",
        "            if got is not None:",
        "a fact a rule derives keeps the segments its holdings alone gave", MEMORY_TESTS),
    "lean-alone-ignores-measure-repeals": (
        "engine.py", "            causes += enders.get(m.id, []) + enders.get(by, [])",
        "            causes += enders.get(by, [])",
        "a holding made alone or together forgets the repeals of its whole measure",
        MEMORY_TESTS),
    "lean-end-causes-uncounted": (
        "engine.py", "                + len(self.enders.get(m.id, ())) + len(self.enders.get(by, ())))",
        "                + len(self.enders.get(by, ())))",
        "the end causes are counted without the repeals of the whole measure", MEMORY_TESTS),
    "measure-files-any-name-as-its-own": (
        "loader.py", '        if name != ident + ".yaml" or not folder:',
        "        if not folder:",
        "a measure read from another file's name is given back its own", MEMORY_TESTS),
    "measure-files-folder-as-path": (
        "loader.py", '        return (f"{folder}/{ident}.yaml", got[1])',
        "        return got",
        "a measure's file is given back as its folder", MEMORY_TESTS),
    "effect-several-kinds-forgotten": (
        "model.py", "                extra = (extra or (None,) * len(EFFECT_EXTRAS)) + kinds",
        "                pass",
        "an effect with several kind keys keeps none of them", MEMORY_TESTS),
    "effect-extras-out-of-order": (
        "model.py", "            extra = (liability, as_, deadline, penalty, with_, note, article)",
        "            extra = (liability, as_, deadline, penalty, with_, article, note)",
        "an effect's note and article are read back as each other", MEMORY_TESTS),
    "measure-one-effect-not-a-tuple": (
        "model.py", "        return (got,) if got.__class__ is Effect else got",
        "        return got",
        "a measure of one effect gives the effect, not a tuple of it", MEMORY_TESTS),
    "lean-rules-then-kinds-ignored": (
        "corpus.py", "{r.then.kind for r in self.rules.values() if r.then is not None}",
        "set()",
        "a fact of a kind only a rule's then names is not indexed while loading", MEMORY_TESTS),
    "lean-uncertain-fact-lets-go-of-its-pairs": (
        "corpus.py", "                                               for v in got[1]):",
        "                                               for v in got[1][:0]):",
        "a fact with uncertain days lets go of which effects make it", MEMORY_TESTS),
    "lean-facts-again-possible-only-in-force": (
        "corpus.py", "                    possible.append(r)\n",
        "                    possible.append(r) if v[0] == IN_FORCE else None\n",
        "the facts made again are possible only where in force", MEMORY_TESTS),
    "lean-facts-again-categories-first": (
        "corpus.py", '        held = self.__dict__.pop("_facts_held")',
        "        held = 0",
        "the facts made again put the categories first", MEMORY_TESTS),
    "lean-holdings-share-no-ranges": (
        "corpus.py", "            facts = self.facts  # made again now, so that the holdings share its ranges",
        "            pass",
        "holdings asked for before the facts share none of their ranges", MEMORY_TESTS),
}
MUTANTS.update(MEMORY_MUTANTS)


class NotApplied(Exception):
    """The text a mutant replaces is not in the engine (any more): loud, never silent."""


def digest(folder: str) -> str:
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in sorted(os.walk(folder)):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                with open(os.path.join(dirpath, name), "rb") as f:
                    h.update(name.encode() + f.read())
    return h.hexdigest()


def apply(copy_root: str, name: str) -> None:
    rel, old, new = MUTANTS[name][:3]
    path = os.path.join(copy_root, "kzlaw", rel)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    count = text.count(old)
    if count != 1:
        raise NotApplied(f"mutant {name}: expected the text exactly once in src/kzlaw/{rel}, "
                         f"found it {count} times:\n    {old!r}\nUpdate tests/mutation/run.py.")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new))


def run_one(name: str, timeout: int, test_file: str) -> tuple[bool, str, float]:
    tmp = tempfile.mkdtemp(prefix=f"kzlaw-mutant-{name}-")
    try:
        shutil.copytree(SRC, os.path.join(tmp, "kzlaw"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        apply(tmp, name)
        env = dict(os.environ)
        env["PYTHONPATH"] = tmp + os.pathsep + env.get("PYTHONPATH", "")
        env.setdefault("HYPOTHESIS_PROFILE", "ci")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        # the bundled corpus is found beside the package of a source checkout, which the
        # mutated copy is not: without this, every test that loads it would fail (a mutant
        # "killed" by a missing corpus)
        env.setdefault("KZLAW_DATA", ROOT)
        check = subprocess.run([sys.executable, "-c", "import kzlaw; print(kzlaw.__file__)"],
                               env=env, cwd=ROOT, capture_output=True, text=True)
        if not check.stdout.strip().startswith(tmp):
            raise SystemExit(f"the mutated copy is not the kzlaw imported: {check.stdout}")
        start = time.time()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", test_file, "-x", "-q", "-p", "no:cacheprovider",
                 "-p", "no:warnings"],
                env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return True, f"(timeout after {timeout}s)", time.time() - start
        took = time.time() - start
        if proc.returncode == 0:
            return False, "-", took
        m = re.search(r"^FAILED (\S+)", proc.stdout, re.M) or re.search(r"^ERROR (\S+)",
                                                                         proc.stdout, re.M)
        first = m.group(1).split("::")[-1] if m else f"(exit {proc.returncode})"
        return True, first, took
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mutants", nargs="*", help="names (default: all)")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per mutant")
    ap.add_argument("--tests", default="tests/test_properties.py")
    args = ap.parse_args(argv)
    if args.list:
        for name, (rel, _o, _n, what, *_tests) in MUTANTS.items():
            print(f"{name:36} {rel:12} {what}")
        return 0
    names = args.mutants or list(MUTANTS)
    unknown = [n for n in names if n not in MUTANTS]
    if unknown:
        ap.error(f"unknown mutant(s): {', '.join(unknown)}")
    before = digest(SRC)
    rows = []
    for name in names:
        try:
            spec = MUTANTS[name]
            killed, first, took = run_one(name, args.timeout,
                                          spec[4] if len(spec) > 4 else args.tests)
        except NotApplied as e:
            print(f"ERROR: {e}", file=sys.stderr, flush=True)
            rows.append((name, "NOT APPLIED", "(text not found: see stderr)", "-"))
            continue
        rows.append((name, "killed" if killed else "SURVIVED", first, f"{took:.0f}s"))
        print(f"{name}: {rows[-1][1]} ({first}, {took:.0f}s)", file=sys.stderr, flush=True)
    if digest(SRC) != before:
        print("src/kzlaw changed while the mutants ran (another edit?)", file=sys.stderr)
    print(tabulate(rows, headers=("mutant", "killed?", "first failing test", "time"),
                   tablefmt="github", disable_numparse=True))
    survived = [r[0] for r in rows if r[1] != "killed"]
    print(f"\n{len(rows) - len(survived)}/{len(rows)} mutants killed"
          + (f"; survived: {', '.join(survived)}" if survived else ""))
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
