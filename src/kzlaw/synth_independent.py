"""A second synthetic corpus, written from docs/corpus-format.md alone, for the benchmark of
``kzlaw check`` against the YAML parse floor.

``kzlaw.synth`` follows the bundled corpus's proportions; this one stresses what it does not:
many distinct vocabulary ids (each effect names mostly its own) in ``measures/vocabulary/``
and ``measures/sources/`` folders, thousands of measure files in one year folder, amendment and
repeal chains hundreds of measures deep, measures of many effects, every date notation (month,
year, season, ranges, open ranges, flags, ``as_written``, alternatives, rejected ones), titles
in Russian and Kazakh, ``article``, quotes with translations beside summaries, reported, pending
and failed measures, and rules of several shapes. Its YAML is written as text (flow and block
mappings, quoted scalars, folded notes, comments), not dumped by PyYAML. The corpus it writes
passes ``kzlaw check`` with no problems. Deterministic for a given size, vocabulary and seed;
it streams, so 200,000 measures need little memory.

    python -m kzlaw.synth_independent 10000 /tmp/corpus-10k [--vocabulary 10000] [--seed 0]
"""

from __future__ import annotations

import heapq
import json
import os
import random
import sys
from datetime import date

SECTIONS = (("acts", 0.38), ("organizations", 0.24), ("institutions", 0.08), ("powers", 0.08),
            ("duties", 0.10), ("penalties", 0.04), ("categories", 0.08))
SUFFIX = {"acts": "offence", "organizations": "group", "institutions": "agency",
          "powers": "power", "duties": "duty", "penalties": "sanction", "categories": "class"}
SYLLABLES = ("ka", "zu", "mar", "tel", "bek", "sai", "ran", "dol", "vi", "nur", "as", "ta",
             "gul", "sha", "ber", "ken", "ot", "lim", "qa", "ze")
RU_WORDS = ("закон", "о", "противодействии", "терроризму", "экстремизму", "религиозной",
            "деятельности", "объединениях", "изменениях", "дополнениях", "безопасности",
            "национальной", "кодекс", "постановление", "правительства", "порядке")
KK_WORDS = ("заң", "терроризмге", "қарсы", "іс-қимыл", "туралы", "діни", "қызмет",
            "бірлестіктер", "қауіпсіздік", "ұлттық", "өзгерістер", "толықтырулар")
EN_WORDS = ("the", "law", "on", "countering", "terrorism", "extremism", "religious", "activity",
            "associations", "amendments", "security", "national", "order", "procedure", "list")
SOURCE_KINDS = ("primary", "official-report", "press", "ngo", "academic")
LIABILITIES = ("criminal", "administrative", "constitutional", "regulatory")
MEASURE_KINDS = ("law", "code", "amendment", "decree", "order", "court-decision", "list",
                 "program")
FILE_ENTRIES = 1500  # vocabulary or sources entries per file of the folder (< 1 MiB, < 50,000 values)
FIRST = date(1992, 1, 1).toordinal()
LAST = date(2024, 12, 31).toordinal()
BUSY_YEARS = (2005, 2011, 2012, 2015)  # half of the measures: thousands of files in one folder


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def word(i: int) -> str:
    out = []
    while True:
        out.append(SYLLABLES[i % len(SYLLABLES)])
        i //= len(SYLLABLES)
        if not i:
            return "".join(out)


def words(rng: random.Random, pool, k: int) -> str:
    return " ".join(rng.choice(pool) for _ in range(k))


def vocab_id(section: str, i: int) -> str:
    return f"{word(i)}-{SUFFIX[section]}"


# Dates: each notation with the range of days it stands for, as (earliest, latest) ordinals,
# None for an open end (docs/semantics.md section 3).

def _month_end(y: int, m: int) -> int:
    return (date(y + (m == 12), m % 12 + 1, 1).toordinal()) - 1


def _season(d: date) -> tuple[str, int, int]:
    y, m = d.year, d.month
    if m == 12:
        return f"{y:04d}-24", date(y, 12, 1).toordinal(), _month_end(y + 1, 2)
    if m <= 2:
        return f"{y - 1:04d}-24", date(y - 1, 12, 1).toordinal(), _month_end(y, 2)
    first = (m - 3) // 3 * 3 + 3
    return f"{y:04d}-{21 + (m - 3) // 3}", date(y, first, 1).toordinal(), _month_end(y, first + 2)


def around(rng: random.Random, day: int, sources: list[str], open_end: bool = True,
           indent: int = 2):
    """A date whose range holds ``day`` (so it is never later than it starts), in one of the
    notations: (YAML text of the value for a key indented by ``indent``, earliest, latest)."""
    d = date.fromordinal(day)
    x = rng.random()
    flag = "" if rng.random() < 0.9 else rng.choice("~?")
    if x < 0.40:
        return d.isoformat() + flag, day, day
    if x < 0.58:
        return f"{d.year:04d}-{d.month:02d}{flag}", date(d.year, d.month, 1).toordinal(), \
            _month_end(d.year, d.month)
    if x < 0.66:
        return f"'{d.year:04d}{flag}'", date(d.year, 1, 1).toordinal(), _month_end(d.year, 12)
    if x < 0.71:
        text, lo, hi = _season(d)
        return text + flag, lo, hi
    if x < 0.78:
        lo, hi = day - rng.randint(0, 40), day + rng.randint(1, 60)
        a, b = date.fromordinal(lo), date.fromordinal(hi)
        if rng.random() < 0.5:
            return f"'[{a.isoformat()}..{b.isoformat()}]{flag}'", lo, hi
        return f"'[{a.year:04d}-{a.month:02d}..{b.year:04d}-{b.month:02d}]{flag}'", \
            date(a.year, a.month, 1).toordinal(), _month_end(b.year, b.month)
    if x < 0.80:
        return f"'[..{d.year:04d}]'", None, _month_end(d.year, 12)
    if x < 0.82 and open_end:
        return f"'[{d.year:04d}-{d.month:02d}..]'", date(d.year, d.month, 1).toordinal(), None
    if x < 0.90:
        text = rng.choice(("late", "early", "mid-")) + f" {d.year}"
        return (f"{{date: {d.year:04d}-{d.month:02d}, as_written: {q(text)}}}",
                date(d.year, d.month, 1).toordinal(), _month_end(d.year, d.month))
    # sources disagree: the day, its month, and sometimes a rejected third reading
    a, b = rng.sample(sources, 2)
    item, more = "\n" + " " * (indent + 2) + "- ", "\n" + " " * (indent + 4)
    alts = [f"{item}{{date: {d.isoformat()}, ref: {a}, as_written: {q(d.strftime('%d.%m.%Y'))}}}",
            f"{item}date: {d.year:04d}-{d.month:02d}{more}ref: {b}{more}quote: "
            + q(words(rng, RU_WORDS, 5))]
    if rng.random() < 0.5:
        other = date.fromordinal(day + rng.randint(400, 900))
        alts.append(f"{item}{{date: '{other.year:04d}', ref: {rng.choice(sources)}, rejected: "
                    + q("the act itself is dated " + d.isoformat()) + "}")
    rng.shuffle(alts)
    return "".join(alts), date(d.year, d.month, 1).toordinal(), _month_end(d.year, d.month)


def _plain_day(day: int) -> str:
    return date.fromordinal(day).isoformat()


class _Chains:
    """Heads of the amendment and repeal chains, and the effects later measures may change."""

    def __init__(self, rng, amend_chains: int, repeal_chains: int):
        self.rng = rng
        self.amend = [None] * amend_chains  # (measure id, effect id) amended next
        self.repeal = [None] * repeal_chains
        self.waiting: list = []  # heap of (latest start, measure id, effect ids) not yet startable
        self.ready: list = []  # (measure id, effect ids) whose start is certainly past

    def settle(self, day: int) -> None:
        while self.waiting and self.waiting[0][0] < day:
            _, mid, eids = heapq.heappop(self.waiting)
            self.ready.append((mid, eids))

    def offer(self, latest: int, mid: str, eids: list[str]) -> None:
        heapq.heappush(self.waiting, (latest, mid, eids))
        for chains in (self.amend, self.repeal):
            for i, head in enumerate(chains):
                if head is None and eids:
                    chains[i] = (latest, mid, eids[0])
                    return


def _vocabulary_sizes(total: int) -> dict[str, int]:
    sizes = {s: max(4, int(total * share)) for s, share in SECTIONS}
    sizes["acts"] += total - sum(sizes.values()) if total > sum(sizes.values()) else 0
    return sizes


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write(root: str, n: int, vocabulary: int | None = None, seed: int = 0) -> str:
    """Write a corpus of ``n`` measures and ``vocabulary`` ids (default ``n``) under ``root``."""
    rng = random.Random(f"independent-{n}-{vocabulary}-{seed}")
    sizes = _vocabulary_sizes(vocabulary or max(200, n))
    measures_dir = os.path.join(root, "measures")
    for sub in ("vocabulary", "sources"):
        os.makedirs(os.path.join(measures_dir, sub), exist_ok=True)
    os.makedirs(os.path.join(root, "rules"), exist_ok=True)
    _write(os.path.join(measures_dir, "corpus.yaml"),
           f"title: {q('Synthetic corpus (independent generator), ' + str(n) + ' measures')}\n"
           "jurisdiction: XX\ncurated_from: 1992-01-01\ncurated_until: 2024-12-31\n")

    cats = [vocab_id("categories", i) for i in range(sizes["categories"])]
    helper_cat, power_helper = cats[0], vocab_id("powers", 0)
    files: dict[str, list[str]] = {}
    for section, _ in SECTIONS:
        for i in range(sizes[section]):
            ident = vocab_id(section, i)
            entry = [f"  {ident}:\n    label: {q(words(rng, EN_WORDS, 3).capitalize() + ' ' + str(i))}\n"]
            if rng.random() < 0.2:
                entry.append(f"    aliases: [{q(words(rng, RU_WORDS, 2))}, {q(word(i + 7))}]\n")
            if rng.random() < 0.1:
                entry.append(f"    note: >-\n      {words(rng, EN_WORDS, 8)}\n      "
                             f"{words(rng, EN_WORDS, 6)}\n")
            member = set()
            if section != "categories" and (section == "acts" and rng.random() < 0.5
                                            or section != "acts" and rng.random() < 0.08):
                member = set(rng.sample(cats[1:], 2))
            if section == "powers" and 1 <= i <= 6:
                member.add(helper_cat)
            if member:
                entry.append(f"    categories: [{', '.join(sorted(member))}]\n")
            files.setdefault(section, []).append("".join(entry))
    for section, entries in files.items():
        for k in range(0, len(entries), FILE_ENTRIES):
            _write(os.path.join(measures_dir, "vocabulary", f"{section}-{k // FILE_ENTRIES:04d}.yaml"),
                   f"# {section}, part {k // FILE_ENTRIES + 1}\n{section}:\n"
                   + "".join(entries[k:k + FILE_ENTRIES]))
    ids = {s: [vocab_id(s, i) for i in range(sizes[s])] for s, _ in SECTIONS}

    n_sources = max(20, n // 3)
    sources = [f"src-{word(i)}-{i}" for i in range(n_sources)]
    chunk: list[str] = []
    for i, sid in enumerate(sources):
        kind = SOURCE_KINDS[i % len(SOURCE_KINDS)]
        lines = [f"{sid}:\n  citation: {q(words(rng, EN_WORDS, 6).capitalize() + ', no. ' + str(i))}\n"
                 f"  kind: {kind}\n"]
        if rng.random() < 0.5:
            lines.append(f"  url: https://example.org/{kind}/{i}\n")
        if rng.random() < 0.4:
            day = rng.randrange(FIRST, LAST)
            lines.append(f"  published: {around(rng, day, sources[:max(2, i)], False)[0]}\n")
        if rng.random() < 0.3:
            lines.append(f"  document: {i:03d}_{rng.getrandbits(64):016x}.txt\n  footnote: {rng.randint(1, 90)}\n")
        elif rng.random() < 0.2:
            lines.append(f"  passage: {q(words(rng, EN_WORDS, 5))}\n")
        chunk.append("".join(lines))
        if len(chunk) == FILE_ENTRIES or i == n_sources - 1:
            _write(os.path.join(measures_dir, "sources", f"part-{i // FILE_ENTRIES:04d}.yaml"),
                   "# sources\n" + "".join(chunk))
            chunk = []

    # A few long chains at any size: each is hundreds of measures deep.
    chains = _Chains(rng, max(2, n // 2500), max(2, n // 2500))
    days = []
    for _ in range(n):
        if rng.random() < 0.5:
            y = rng.choice(BUSY_YEARS)
            days.append(rng.randrange(date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal()))
        else:
            days.append(rng.randrange(FIRST, LAST - 400))
    days.sort()
    made = set()

    def refs(k: int, indent: str = "  ") -> str:
        out = []
        for sid in rng.sample(sources, k):
            x = rng.random()
            if x < 0.35:
                out.append(f"{indent}- {{ref: {sid}, quote: {q(words(rng, RU_WORDS, 6))}, "
                           f"translation: {q(words(rng, EN_WORDS, 6))}}}\n")
            elif x < 0.6:
                out.append(f"{indent}- {{ref: {sid}, summary: "
                           f"{q('reports that ' + words(rng, EN_WORDS, 7))}}}\n")
            elif x < 0.75:
                out.append(f"{indent}- ref: {sid}\n{indent}  quote: {q(words(rng, EN_WORDS, 5))}\n"
                           f"{indent}  summary: "
                           f"{q('the curator reads it as ' + words(rng, EN_WORDS, 4))}\n")
            else:
                out.append(f"{indent}- {{ref: {sid}}}\n")
        return "".join(out)

    def establishing(indent: str) -> tuple[str, str]:
        """The body of an establishing effect (its kind key and extra keys)."""
        x = rng.random()
        if x < 0.34:
            return "prohibits", (f"{indent}prohibits: {rng.choice(ids['acts'])}\n"
                                 f"{indent}liability: {rng.choice(LIABILITIES)}\n")
        if x < 0.5:
            return "designates", (f"{indent}designates: {rng.choice(ids['organizations'])}\n"
                                  f"{indent}as: {rng.choice(('terrorist', 'extremist'))}\n")
        if x < 0.62:
            body = f"{indent}requires: {rng.choice(ids['duties'])}\n"
            if rng.random() < 0.3:
                deadline = around(rng, rng.randrange(FIRST, LAST), sources, False, len(indent))[0]
                body += f"{indent}deadline: {deadline}\n"
            return "requires", body
        if x < 0.72:
            return "establishes", f"{indent}establishes: {rng.choice(ids['institutions'])}\n"
        if x < 0.82:
            return "empowers", f"{indent}empowers: {rng.choice(ids['powers'])}\n"
        target = rng.choice(ids["acts"] if rng.random() < 0.8 else cats)
        return "penalizes", (f"{indent}penalizes: {target}\n"
                             f"{indent}penalty: {rng.choice(ids['penalties'])}\n")

    def article() -> str:
        return rng.choice((f"{rng.randint(1, 400)}", f"{rng.randint(1, 60)}({rng.randint(1, 9)})",
                           f"{rng.randint(1, 400)}-{rng.randint(1, 5)}"))

    for i, day in enumerate(days):
        year = date.fromordinal(day).year
        x = rng.random()
        status = ("enacted" if x < 0.84 else "reported" if x < 0.90 else
                  "pending" if x < 0.95 else "failed")
        kind = "bill" if status in ("pending", "failed") else rng.choice(MEASURE_KINDS)
        mid = f"{kind}-{year}-{word(i)}-{i}"
        acting = status in ("enacted", "reported")
        changer = acting and rng.random() < 0.3
        lines = [f"# measure {i} of {n}\n", f"id: {mid}\n",
                 f"title: {q(kind.capitalize() + ' ' + words(rng, EN_WORDS, 5) + ' ' + str(i))}\n"]
        if rng.random() < 0.4:
            lines.append(f"titles: {{ru: {q(words(rng, RU_WORDS, 5))}, kk: {q(words(rng, KK_WORDS, 4))}}}\n"
                         if rng.random() < 0.8 else
                         f"titles:\n  kk-Latn: {q(word(i) + ' turaly zan')}\n")
        if rng.random() < 0.5:
            lines.append(f"number: {i}-{rng.choice(('I', 'II', 'III', 'IV', 'V', 'VI'))}\n")
        lines.append(f"kind: {kind}\nstatus: {status}\ndates:\n")
        start_hi = None
        if acting:
            text, lo, hi = around(rng, day, sources, open_end=not changer)
            lines.append(f"  adopted: {text}\n")
            if changer:  # it starts on one known day, after every target's latest start
                lines.append(f"  in_force: {_plain_day(day)}\n")
                start_hi = day
            elif rng.random() < 0.35 and hi is not None:
                start_hi = hi + rng.randint(0, 90)
                lines.append(f"  in_force: {_plain_day(start_hi)}\n")
            else:
                start_hi = hi
            if start_hi is not None and rng.random() < 0.03:
                lines.append(f"  expires: {_plain_day(start_hi + rng.randint(365, 3650))}\n")
        else:
            lines.append(f"  introduced: {around(rng, day, sources, False)[0]}\n")
            if status == "failed" and rng.random() < 0.7:
                lines.append(f"  failed: {_plain_day(day + rng.randint(30, 700))}\n")
        lines.append("sources:\n" + refs(rng.choice((1, 1, 2, 3, 4))))
        if rng.random() < 0.15:
            lines.append(f"note: >-\n  {words(rng, EN_WORDS, 10)}\n  {words(rng, EN_WORDS, 7)}\n")
        lines.append("effects:\n")
        n_effects = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 14))
        plain: list[str] = []  # establishing effects a later measure may change
        changes = 0
        links: list[int] = []  # repeal chains whose next link is this measure's first effect
        if changer:
            chains.settle(day)
            changes = rng.choice((1, 1, 2, 3))
        for j in range(n_effects + changes):
            eid = f"{rng.choice(('art', 'sec', 'p', 'item'))}-{j + 1}"
            eff = [f"  - id: {eid}\n"]
            if j >= n_effects:  # a changing effect
                y = rng.random()
                if y < 0.4 and any(h is not None and h[0] < day for h in chains.amend):
                    c = rng.choice([k for k, h in enumerate(chains.amend)
                                    if h is not None and h[0] < day])
                    _, tm, te = chains.amend[c]
                    _, body = establishing("      ")
                    eff.append(f"    amends: {tm}#{te}\n    with:\n{body}")
                    if rng.random() < 0.3:
                        eff.append(f"      article: {q(article())}\n")
                    chains.amend[c] = (day, mid, eid)
                elif y < 0.7 and any(h is not None and h[0] < day for h in chains.repeal):
                    c = rng.choice([k for k, h in enumerate(chains.repeal)
                                    if h is not None and h[0] < day])
                    _, tm, te = chains.repeal[c]
                    eff.append(f"    repeals: {tm}#{te}\n")
                    chains.repeal[c] = None
                    links.append(c)  # the chain goes on from this measure
                elif chains.ready:
                    tm, teids = chains.ready[rng.randrange(len(chains.ready))]
                    z = rng.random()
                    if z < 0.5 and teids:
                        eff.append(f"    repeals: {tm}#{rng.choice(teids)}\n")
                    elif z < 0.8:
                        eff.append(f"    repeals: {tm}\n")
                    else:
                        eff.append(f"    replaces: {tm}\n")
                else:
                    _, body = establishing("    ")
                    eff.append(body)
            else:
                kind_key, body = establishing("    ")
                eff.append(body)
                own_start = None
                if start_hi is not None and rng.random() < 0.05:
                    own_start = start_hi + rng.randint(1, 400)
                    eff.append(f"    from: {_plain_day(own_start)}\n")
                base = own_start if own_start is not None else start_hi
                if base is not None and rng.random() < 0.06:
                    until = around(rng, base + rng.randint(200, 3000), sources, False, 4)[0]
                    eff.append(f"    until: {until}\n")
                elif own_start is None and acting and start_hi is not None:
                    plain.append(eid)
            if rng.random() < 0.5:
                eff.append(f"    article: {q(article())}\n")
            if rng.random() < 0.2:
                eff.append("    sources:\n" + refs(1, "      "))
            if rng.random() < 0.05:
                eff.append(f"    note: {q(words(rng, EN_WORDS, 6))}\n")
            lines.append("".join(eff))
        for c in links:
            chains.repeal[c] = (day, mid, plain[0]) if plain else None
        if acting and start_hi is not None:
            chains.offer(start_hi, mid, plain)
        folder = os.path.join(measures_dir, str(year))
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        _write(os.path.join(folder, mid + ".yaml"), "".join(lines))

    src = f"{{ref: {sources[0]}, summary: {q('the rule restates the measures it rests on')}}}"
    rules = {
        "member-of-classed-group": (
            f"when:\n  - designation: '?org'\n  - category: {cats[1]}\n    about: '?org'\n"
            f"  - prohibition: {ids['acts'][0]}\nthen:\n  prohibition: {ids['acts'][0]}\n"
            "  about: '?org'\n"),
        "penalty-for-classed-acts": (
            f"when:\n  - penalty: {cats[2]}\n    about: '?p'\n  - category: {cats[2]}\n"
            "    about: '?act'\n  - prohibition: '?act'\nthen:\n  penalty: '?act'\n  about: '?p'\n"),
        "some-designation-power": (
            f"when:\n  - category: {helper_cat}\n    about: '?power'\n  - power: '?power'\n"
            f"then:\n  power: {power_helper}\n"),
        "designation-without-power": (
            f"when:\n  - designation: '?org'\n  - not: {{power: {power_helper}}}\n"
            "check: An organization is designated while no designation power is in force\n"),
        "duty-without-institution": (
            f"when:\n  - obligation: {ids['duties'][0]}\n  - not:\n      institution: "
            f"{ids['institutions'][0]}\n"
            "check: The first duty is required while the first institution is not established\n"),
    }
    for rid, body in rules.items():
        _write(os.path.join(root, "rules", rid + ".yaml"),
               f"id: {rid}\ndescription: >-\n  {words(rng, EN_WORDS, 8)}\nsources:\n  - {src}\n"
               + body)
    return root


def main(argv=None) -> int:
    import argparse
    p = argparse.ArgumentParser(prog="python -m kzlaw.synth_independent",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int)
    p.add_argument("folder")
    p.add_argument("--vocabulary", type=int, help="vocabulary ids (default: as many as measures)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    write(args.folder, args.n, args.vocabulary, args.seed)
    print(f"wrote {args.n} measures to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
