"""The terminal table writer (``layout.table_lines``: widths from one pass per column, rows
written as they come, repeated cells wrapped once) writes exactly what the plain row-by-row
writer it replaced wrote, kept here as the reference: on every width, with long words, empty
columns, repeated and multi-line cells."""

from typing import Iterator, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from kzlaw import layout
from kzlaw.layout import (GAP, LONG_WORD, MIN_COLUMN, SHORT, _share,
                          record_lines, table_lines, wrap)


# --- the reference: layout.table_lines as it was before it was made faster ---------------------

def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def reference_table_lines(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> Iterator[str]:
    """The lines of a table at most ``width`` wide: tabulate's "simple" look when it fits,
    long cells wrapped inside their columns when that fits, else one block per row."""
    keep = [i for i in range(len(headers)) if any(r[i] for r in rows)]
    if not keep:
        return
    headers = [headers[i] for i in keep]
    rows = [[r[i] for i in keep] for r in rows] if len(keep) < len(rows[0]) else rows
    n = len(headers)
    natural = [len(h) for h in headers]
    for r in rows:
        for i, c in enumerate(r):
            if len(c) > natural[i]:
                natural[i] = len(c)
    gaps = len(GAP) * (n - 1)
    widths = natural
    if sum(natural) + gaps > width:
        floor = []
        for i in range(n):
            if natural[i] <= SHORT:
                floor.append(natural[i])
                continue
            word = _longest_word(headers[i])
            for r in rows:  # a cell no longer than the longest word so far cannot beat it
                c = r[i]
                if len(c) > word:
                    word = max(word, _longest_word(c))
                    if word >= LONG_WORD:
                        word = LONG_WORD
                        break
            floor.append(max(word, MIN_COLUMN))
        room = width - gaps - sum(floor)
        if room < 0:
            yield from reference_record_lines(headers, rows, width)
            return
        widths = _share(floor, natural, room)
    heads = [wrap(h, w) for h, w in zip(headers, widths)]  # a header wraps like a cell
    for k in range(max(len(c) for c in heads)):
        yield GAP.join((c[k] if k < len(c) else "").ljust(w)
                       for c, w in zip(heads, widths)).rstrip()
    yield GAP.join("-" * w for w in widths)
    fits = widths is natural
    for r in rows:
        if fits or all(len(c) <= w for c, w in zip(r, widths)):
            yield GAP.join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
            continue
        cells = [wrap(c, w) for c, w in zip(r, widths)]
        for k in range(max(len(c) for c in cells)):
            yield GAP.join((c[k] if k < len(c) else "").ljust(w)
                           for c, w in zip(cells, widths)).rstrip()



def reference_record_lines(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> Iterator[str]:
    """One block per row: the first cell as a heading line, then ``name: value`` lines."""
    label_w = max(len(h) for h in headers[1:]) + 2 if len(headers) > 1 else 0
    side = label_w <= width // 3
    for k, r in enumerate(rows):
        if k:
            yield ""
        yield from wrap(r[0], width) if r[0] else [f"({headers[0]} not given)"]
        for h, c in zip(headers[1:], r[1:]):
            if not c:
                continue
            if side:
                lines = wrap(c, width - label_w - 2)
                yield "  " + (h + ":").ljust(label_w) + lines[0]
                for line in lines[1:]:
                    yield "  " + " " * label_w + line
            else:
                yield "  " + h + ":"
                yield from ("    " + line for line in wrap(c, width - 4))


# --- the comparison ----------------------------------------------------------------------------

_word = st.sampled_from(["in", "force", "primary", "extremist", "or", "terrorist", "a-b/c",
                         "law-2011-religious-activity#prayer-in-workplace", "2005..2006", "x" * 30,
                         "Organization", "é"]) | st.text("ab -/.\n", max_size=12)
_cell = st.lists(_word, max_size=6).map(" ".join) | st.just("")


@st.composite
def _tables(draw):
    n = draw(st.integers(1, 6))
    headers = [draw(st.text("abcdefgh", min_size=1, max_size=12)) for _ in range(n)]
    pool = draw(st.lists(st.lists(_cell, min_size=n, max_size=n), min_size=1, max_size=5))
    rows = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=30))  # cells repeat
    return headers, [list(r) for r in rows]


@settings(max_examples=400, deadline=None)
@given(table=_tables(), width=st.integers(1, 160))
def test_the_table_writer_writes_what_the_reference_writes(table, width):
    headers, rows = table
    assert list(table_lines(headers, rows, width)) == \
        list(reference_table_lines(headers, rows, width))


@settings(max_examples=300, deadline=None)
@given(table=_tables(), width=st.integers(-2, 160))
def test_the_record_writer_writes_what_the_reference_writes(table, width):
    """Each cell of a column laid out once, rows that fit their line written as they are."""
    headers, rows = table
    assert list(record_lines(headers, rows, width)) == \
        list(reference_record_lines(headers, rows, width))


@settings(max_examples=300, deadline=None)
@given(table=_tables(), width=st.integers(1, 160), header_word=st.integers(0, 40))
def test_a_table_found_too_wide_early_is_the_table_found_too_wide_in_full(table, width,
                                                                          header_word):
    """Columns stop being read once one leaves the others no room: the same layout as
    reading every column's every cell, also with headers whose own word passes LONG_WORD."""
    headers, rows = table
    headers = [h if k else h + "x" * header_word for k, h in enumerate(headers)]
    assert list(table_lines(headers, rows, width)) == \
        list(reference_table_lines(headers, rows, width))


@settings(max_examples=200, deadline=None)
@given(table=_tables(), width=st.integers(1, 160), run=st.integers(1, 8))
def test_the_floors_read_a_run_of_cells_at_a_time_as_cell_by_cell(table, width, run):
    """A column's longest word sought over runs of cells (of any length) gives the layout of
    the reference, which reads the cells one by one."""
    headers, rows = table
    saved = layout.WORDS_RUN
    layout.WORDS_RUN = run
    try:
        got = list(table_lines(headers, rows, width))
    finally:
        layout.WORDS_RUN = saved
    assert got == list(reference_table_lines(headers, rows, width))


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.lists(_word, max_size=8).map(" ".join) | st.text("ab -\n", max_size=30),
                      min_size=1, max_size=6),
       width=st.integers(-1, 40))
def test_a_cell_wrapped_like_another_of_the_same_word_lengths_is_wrapped_as_wrap_does(texts,
                                                                                       width):
    """Where lines break is remembered by the lengths of the words (texts alike in them
    reuse it, whatever their words): every text still wraps as ``wrap`` wraps it."""
    breaks: dict = {}
    for text in texts + [t.swapcase() for t in texts]:
        assert layout._wrap_alike(text, width, breaks) == wrap(text, width)


def test_the_floors_either_side_of_the_room_they_leave():
    """The column read first leaves exactly the room the second's floor needs, and one more
    word in a later cell of the second takes it; a header's word past LONG_WORD stands for
    no more than LONG_WORD until its cells are read."""
    long_first = "wordy1234x " * 3  # longest word 10
    rows = [[long_first, "abcdefgh " * 3], [long_first, "abcdefghi"]]  # words of 8, then 9
    saved = layout.WORDS_RUN
    try:
        for run in (1, saved):  # the later cell in a run of its own, or in the same run
            layout.WORDS_RUN = run
            for width, records in ((10 + 2 + 8, True), (10 + 2 + 9, False)):
                got = list(table_lines(["a", "b"], rows, width))
                assert got == list(reference_table_lines(["a", "b"], rows, width))
                assert (set(got[1]) != {"-", " "}) is records  # no dashes under a header
                if not records:
                    assert got[0].split() == ["a", "b"]  # a header of one line stays one
    finally:
        layout.WORDS_RUN = saved
    headers = ["a", "h" * 30]
    rows = [[long_first, "x" * 40]]
    got = list(table_lines(headers, rows, 10 + 2 + LONG_WORD))
    assert got == list(reference_table_lines(headers, rows, 10 + 2 + LONG_WORD))
    assert got[2].startswith("-" * 10 + GAP)  # wrapped in columns, not one block per row
    assert got[:2] == ["a" + " " * 11 + "h" * LONG_WORD, " " * 12 + "h" * 8]  # and its header


def test_both_sides_of_the_width_that_fits():
    """At the natural width the table is one line per row; one column less and it wraps."""
    headers = ["fact", "status", "why"]
    rows = [["Designation: Organization 1", "in force", "the date is uncertain"],
            ["Prohibition: Prayer", "uncertain", ""]]
    natural = len(GAP.join(["Designation: Organization 1", "uncertain",
                            "the date is uncertain"]))
    for width in (natural - 1, natural, natural + 1):
        assert list(table_lines(headers, rows, width)) == \
            list(reference_table_lines(headers, rows, width))
    assert len(list(table_lines(headers, rows, natural))) == 4
    assert len(list(table_lines(headers, rows, natural - 1))) > 4


# --- a wrapped row written in the form of one met before (layout.table_chunks) -----------------

_odd_word = st.sampled_from(["%s", "%", "100%", "%(x)s", "a\tb", "x\t", "\u3000x", "y\xa0",
                             "\u3000", "\xa0", "soft\xadhy", "", " ", "Organization",
                             "Designation:", "x" * 25]) | _word


@st.composite
def _alike_tables(draw):
    """Tables whose first cells are often words of the same lengths in other letters (so
    that rows share a form), with white space, percent signs and empty words among them."""
    headers, rows = draw(_tables())
    firsts = draw(st.lists(st.lists(_odd_word, max_size=5).map(" ".join), min_size=1,
                           max_size=4))
    others = draw(st.lists(st.lists(_odd_word, max_size=4).map(" ".join), min_size=1,
                           max_size=3))
    out = []
    for r in rows:
        first = draw(st.sampled_from(firsts))
        if draw(st.booleans()):  # the same lengths of words, other letters
            first = "".join(c if c.isspace() or c == "%" else draw(st.sampled_from("pqé%"))
                            for c in first)
        rest = [c if draw(st.booleans()) else draw(st.sampled_from(others)) for c in r[1:]]
        out.append([first] + rest)
    return headers, out


@settings(max_examples=400, deadline=None)
@given(table=st.one_of(_tables(), _alike_tables()), width=st.integers(1, 160))
def test_a_table_in_chunks_is_the_table_in_lines(table, width):
    """``table_chunks`` joined is the reference's lines joined, and a chunk of several lines
    never ends in an empty one (a reader of the last line, as the terminal writer is, sees
    the same line)."""
    headers, rows = table
    chunks = list(layout.table_chunks(headers, rows, width))
    assert "\n".join(chunks) == "\n".join(reference_table_lines(headers, rows, width))
    assert list(table_lines(headers, rows, width)) == \
        list(reference_table_lines(headers, rows, width))
    assert all(c.rpartition("\n")[2] for c in chunks if "\n" in c)


def test_rows_alike_share_one_form_and_their_words_fill_it():
    headers = ["fact", "status", "as"]
    rows = [[f"Designation: Organization {i}", "in force", "extremist or terrorist"]
            for i in range(100, 130)] + [["Designation: Organization 7%s", "in force", "x"]]
    rows += [[f"Designation: Organization {i}", "100% (%s)", "%(as)s or %"] for i in range(3)]
    width = 45
    chunks = list(layout.table_chunks(headers, rows, width))
    want = list(reference_table_lines(headers, rows, width))
    assert "\n".join(chunks) == "\n".join(want)
    assert len(chunks) < len(want)  # the wrapped rows came as chunks of lines
