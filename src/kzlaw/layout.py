"""Laying text out in a terminal of a given width: word wrapping, tables whose long cells wrap
inside their column (empty columns dropped), and a record layout (one block per row) when even
wrapped columns do not fit. Lines are produced one row at a time, without a second pass over
the whole table."""

from __future__ import annotations

from typing import Iterator, Sequence

GAP = "  "
MIN_COLUMN = 6       # no column is wrapped narrower than this
SHORT = 16           # a column no wider than this is never wrapped (statuses, dates, kinds)
LONG_WORD = 22       # a longer word (an id, a URL) may be broken to keep its column narrow
WORDS_RUN = 256      # cells whose words are split at once when a column's floor is sought


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word longer than the width is broken after a hyphen or slash if it
    has one in reach, else hard. Never returns a line longer than ``width``."""
    width = max(width, 1)
    if len(text) <= width and "\n" not in text:
        return [text]
    lines: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for word in para.split(" "):
            if not word:
                continue
            while len(word) > width:
                if cur:
                    lines.append(cur)
                    cur = ""
                dots = word.rfind("..", 1, width)
                cut = dots + 2 if dots > 0 else (
                    max(word.rfind("-", 0, width), word.rfind("/", 0, width)) + 1 or width)
                lines.append(word[:cut])
                word = word[cut:]
            if not cur:
                cur = word
            elif len(cur) + 1 + len(word) <= width:
                cur += " " + word
            else:
                lines.append(cur)
                cur = word
        lines.append(cur)
    return lines


def hanging(text: str, width: int, indent: str, more: str = "  ") -> list[str]:
    """``text`` wrapped to ``width`` with ``indent`` before the first line and ``indent +
    more`` before the others (the indentation is capped at half the width)."""
    cap = max(width // 2, 1)
    indent = indent[:cap]
    rest = (indent + more)[:cap]
    first = wrap(text, width - len(indent))
    if len(first) == 1:
        return [indent + first[0]]
    out = [indent + first[0]]
    for line in wrap(" ".join(first[1:]), width - len(rest)):
        out.append(rest + line)
    return out


def _longest_word(text: str) -> int:
    return max(map(len, text.split()), default=0)


def table_lines(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> Iterator[str]:
    """The lines of a table at most ``width`` wide: tabulate's "simple" look when it fits,
    long cells wrapped inside their columns when that fits, else one block per row.

    The widths come from one pass over each column (in C: ``max(map(len, column))``); then
    each row is written as it comes, a row whose cells all fit with one ``%`` format."""
    return _table_pieces(headers, rows, width, False)


def table_chunks(headers: Sequence[str], rows: Sequence[Sequence[str]],
                 width: int) -> Iterator[str]:
    """The lines of ``table_lines``, a wrapped row's lines sometimes as one chunk joined by
    line breaks (never ending in an empty line): ``"\n".join`` of either is the same text.
    Such a row is written with one ``%`` format too: its lines depend only on the lengths of
    its first cell's words and on its other cells (``_row_form``), so a row like one met
    before (the in-force table's "Designation: Organization 1234", wrapped alike in 18,000
    rows) is its words put into that row's form, not laid out line by line."""
    return _table_pieces(headers, rows, width, True)


def _table_pieces(headers, rows, width: int, as_text: bool) -> Iterator[str]:
    """The lines of ``table_lines``; with ``as_text``, the chunks of ``table_chunks``."""
    columns = list(zip(*rows)) if rows else [()] * len(headers)
    keep = [i for i in range(len(headers)) if any(columns[i])]
    if not keep:
        return
    if len(keep) < len(headers):
        headers = [headers[i] for i in keep]
        columns = [columns[i] for i in keep]
        rows = list(zip(*columns))
    n = len(headers)
    natural = [max(len(h), max(map(len, col))) for h, col in zip(headers, columns)]
    gaps = len(GAP) * (n - 1)
    widths = natural
    if sum(natural) + gaps > width:
        # A wrapped column's floor is its longest word, at most LONG_WORD (a header's own
        # longer word counts in full); until its cells are read, the header's word (at most
        # LONG_WORD) stands for it, which is never more than the floor will be. When one
        # column's floor so far leaves the others too little room, the table is one block per
        # row whatever the cells not yet read hold: they stop being read.
        heads = [_longest_word(h) for h in headers]
        floor = [natural[i] if natural[i] <= SHORT else max(min(heads[i], LONG_WORD), MIN_COLUMN)
                 for i in range(n)]
        for i in range(n):
            if natural[i] <= SHORT:
                continue
            word = heads[i]
            grows = word < LONG_WORD  # else the floor is the header's word or LONG_WORD
            limit = width - gaps - (sum(floor) - floor[i])  # the most this floor may be
            if grows and max(word, MIN_COLUMN) > limit:
                break
            if grows:
                # the longest word of a run of cells at a time, split in C; the floor is the
                # same as cell by cell (a maximum, capped at LONG_WORD), and the reading stops
                # within a run of where cell by cell it would
                column = columns[i]
                for at in range(0, len(column), WORDS_RUN):
                    word = max(word, _longest_word(" ".join(column[at:at + WORDS_RUN])))
                    if word >= LONG_WORD:
                        word = LONG_WORD
                        break
                    if word > limit:
                        break
            else:
                for c in columns[i]:  # a cell no longer than the longest word so far cannot beat it
                    if len(c) > word:
                        word = max(word, _longest_word(c))
                        if word >= LONG_WORD:
                            word = LONG_WORD
                            break
            floor[i] = max(word, MIN_COLUMN)
            if grows and floor[i] > limit:
                break
        room = width - gaps - sum(floor)
        if room < 0:
            yield from record_lines(headers, rows, width)
            return
        widths = _share(floor, natural, room)
    if widths is natural:
        yield GAP.join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()
    else:  # a header wider than its column wraps inside it, as the cells do
        heads = [wrap(h, w) for h, w in zip(headers, widths)]
        for k in range(max(map(len, heads))):
            yield GAP.join((c[k] if k < len(c) else "").ljust(w)
                           for c, w in zip(heads, widths)).rstrip()
    yield GAP.join("-" * w for w in widths)
    line = GAP.join(f"%-{w}s" for w in widths)  # each cell left-aligned in its width
    if widths is natural:
        for r in rows:
            yield (line % tuple(r)).rstrip()
        return
    narrow = [i for i in range(n) if natural[i] > widths[i]]  # the columns that may wrap
    # A column's cells repeat (statuses, attributes, evidence): each is wrapped once, and the
    # lines of a row's cells after its first (which names the row, and rarely repeats) are
    # laid out once for each such combination of cells.
    wrapped: list[dict] = [{} for _ in range(n)]
    tails: dict = {}
    breaks: dict = {}  # for _wrap_alike
    head_w = widths[0]
    head = f"%-{head_w}s"
    tail_line = GAP + GAP.join(f"%-{w}s" for w in widths[1:]) if n > 1 else ""
    blank = tail_line % (("",) * (n - 1))
    forms: dict = {}  # (lengths of the first cell's words, the other cells) -> the row's form
    for r in rows:
        for i in narrow:
            if len(r[i]) > widths[i]:
                break
        else:
            yield (line % tuple(r)).rstrip()
            continue
        rest = tuple(r[1:])
        if as_text:
            first = r[0]
            words = first.split()
            # words split by single spaces only, and no other white space (or line break),
            # which the lines' rstrip could take: the row is its words in a form of its own
            if first.isprintable() and first.count(" ") == len(words) - 1:
                lengths = tuple(map(len, words))
                form = forms.get((lengths, rest))
                if form is None:
                    form = forms[lengths, rest] = _row_form(
                        lengths, rest, widths, wrapped, tails, tail_line, blank)
                if form is not _NO_FORM:
                    yield form % tuple(words)
                    continue
        tail = _tail(rest, widths, wrapped, tails, tail_line)
        first = r[0]
        firsts = [first] if len(first) <= head_w and "\n" not in first else \
            _wrap_alike(first, head_w, breaks)
        if len(firsts) < len(tail):
            firsts += [""] * (len(tail) - len(firsts))
        elif len(tail) < len(firsts):
            tail = tail + [blank] * (len(firsts) - len(tail))
        for a, b in zip(firsts, tail):
            yield (head % a + b).rstrip()


_NO_FORM = object()  # a first cell with a word wider than its column: laid out line by line


def _tail(rest: tuple, widths, wrapped, tails: dict, tail_line: str) -> list[str]:
    """The lines of a row's cells after its first, laid out once per combination of them."""
    tail = tails.get(rest)
    if tail is None:
        cells = []
        for c, w, seen in zip(rest, widths[1:], wrapped[1:]):
            lines = seen.get(c)
            if lines is None:
                lines = seen[c] = wrap(c, w)
            cells.append(lines)
        depth = max(map(len, cells), default=0)
        tail = tails[rest] = [tail_line % parts for parts in
                              zip(*[c if len(c) == depth else c + [""] * (depth - len(c))
                                    for c in cells])]
    return tail


def _row_form(lengths: tuple, rest: tuple, widths, wrapped, tails, tail_line: str,
              blank: str):
    """The lines of a wrapped row whose first cell is words of these ``lengths`` (joined by
    single spaces, none of them white space) and whose other cells are ``rest``, as one
    ``%`` format of those words: each line as ``table_lines`` writes it, ``(first + other
    cells).rstrip()``, with the first cell's part of the line ``"%s %s"``, padded to its
    width. ``_NO_FORM`` where a word is wider than the first column (broken within)."""
    head_w = widths[0]
    if not lengths or max(lengths) > head_w:
        return _NO_FORM
    cut = _greedy(lengths, head_w)  # (one line, all the words, when the cell fits)
    tail = _tail(rest, widths, wrapped, tails, tail_line)
    lines = []
    for k in range(max(len(cut), len(tail))):
        if k < len(cut):
            a, b = cut[k]
            words, used = " ".join(["%s"] * (b - a)), sum(lengths[a:b]) + b - a - 1
        else:
            words, used = "", 0
        other = tail[k] if k < len(tail) else blank
        if other.strip():  # else the line's rstrip takes the padding and the other cells
            words += " " * (head_w - used) + other.rstrip().replace("%", "%%")
        lines.append(words)
    if not lines[-1]:  # a chunk ends in text: a reader of the last line sees the same line
        return _NO_FORM
    return "\n".join(lines)


def _wrap_alike(text: str, width: int, breaks: dict) -> list[str]:
    """``wrap(text, width)``, remembering in ``breaks`` where the lines of a text with the
    same lengths of words break: the first cells of a table's rows ("Designation:
    Organization 1234") are mostly alike, and where a line breaks depends only on them."""
    if "\n" in text or width < 1 or len(text) <= width:
        return wrap(text, width)
    words = [w for w in text.split(" ") if w]
    lengths = tuple(map(len, words))
    cut = breaks.get(lengths)
    if cut is None:
        if max(lengths, default=0) > width:  # a word broken within: as wrap breaks it
            return wrap(text, width)
        cut = breaks[lengths] = _greedy(lengths, width)
    return [" ".join(words[a:b]) for a, b in cut]


def _greedy(lengths: tuple, width: int) -> list[tuple[int, int]]:
    """Where ``wrap`` breaks words of these lengths (each at most ``width``) into lines: the
    (first, end) words of each line."""
    out, start, used = [], 0, -1
    for i, n in enumerate(lengths):
        if used < 0:
            used, start = n, i
        elif used + 1 + n <= width:
            used += 1 + n
        else:
            out.append((start, i))
            used, start = n, i
    out.append((start, len(lengths)))
    return out


def _share(floor: list[int], natural: list[int], room: int) -> list[int]:
    """Widths from ``floor`` up to ``natural``: the spare room goes to the columns that want
    more, in proportion to how much more they want."""
    widths = list(floor)
    while room > 0:
        want = [natural[i] - widths[i] for i in range(len(widths))]
        if want[0] > 0:  # the first column names the row: it gets twice its share
            want[0] = min(2 * want[0], room + want[0])
        total = sum(w for w in want if w > 0)
        if total == 0:
            break
        given = 0
        for i, w in enumerate(want):
            if w > 0:
                add = min(natural[i] - widths[i], max(1, room * w // total))
                add = min(add, room - given)
                widths[i] += add
                given += add
                if given >= room:
                    break
        room -= given
        if given == 0:
            break
    return widths


def record_lines(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> Iterator[str]:
    """One block per row: the first cell as a heading line, then ``name: value`` lines.

    A column's cells repeat (statuses, attributes, evidence): each is laid out once, and a
    row's block is its lines put together."""
    label_w = max(len(h) for h in headers[1:]) + 2 if len(headers) > 1 else 0
    side = label_w <= width // 3
    n = len(headers)
    laid: list[dict] = [{} for _ in range(n)]  # per column: cell -> its lines

    def lines_of(i: int, c: str) -> list[str]:
        h = headers[i]
        if side:
            lines = wrap(c, width - label_w - 2)
            return ["  " + (h + ":").ljust(label_w) + lines[0]] + \
                ["  " + " " * label_w + line for line in lines[1:]]
        return ["  " + h + ":"] + ["    " + line for line in wrap(c, width - 4)]

    missing = f"({headers[0]} not given)"
    rest = range(1, n)
    for k, r in enumerate(rows):
        if k:
            yield ""
        head = r[0]
        if not head:
            yield missing
        elif len(head) <= width and "\n" not in head:
            yield head
        else:
            yield from wrap(head, width)
        for i in rest:
            c = r[i]
            if c:
                got = laid[i].get(c)
                if got is None:
                    got = laid[i][c] = lines_of(i, c)
                yield from got


def heading_lines(text: str, width: int, char: str) -> list[str]:
    lines = wrap(text, width)
    return lines + [char * min(max(len(line) for line in lines), width)]


__all__ = ["wrap", "hanging", "table_lines", "table_chunks", "record_lines", "heading_lines"]
