"""The compiled cache's file format: versioned, length-framed JSON that can hold data only.

Nothing in a cache file can name a function, a module or an attribute to look up: the decoder
builds strings, numbers, lists, tuples, sets, dicts and instances of a fixed table of kzlaw's
own data classes (``table()`` below, by short name; an instance is given its fields' values and
nothing is called on it). Whatever bytes a file holds, decoding either returns such data or
raises ``CacheFormatError``.

Layout::

    MAGIC                       b"kzlaw-cache-9\\n"
    4 frames                    8-byte big-endian length, then that many bytes:
      header                    UTF-8 JSON {"root", "code", "manifest", "compiled", "rest",
                                "facts"}: the corpus's real path, kzlaw's code fingerprint,
                                the SHA-256 of the corpus manifest, and the SHA-256 of each of
                                the next three frames
      compiled                  the compiled timeline: a frame of ``encode_compiled``, then
                                the JSON of ``encode_extra`` (the corpus's information, the
                                names, why facts are uncertain)
      rest                      everything else of the corpus (``encode_value``) but its
                                holdings by fact (rebuilt from its holdings), read only when a
                                question needs it
      facts                     each fact's holdings and derivations, one JSON document per
                                fact (``encode_fact_parts``), read when a question asks about
                                the fact: a diff, an explanation
    nothing after the last frame

Each digest is taken over the header's corpus fields too (``bind``), so a frame from one
corpus's cache does not verify under another corpus's header.
"""

from __future__ import annotations

import gc
import hashlib
import json
import operator
import sys
from array import array
from bisect import bisect_right
from collections.abc import Mapping
from datetime import date
from itertools import chain, compress, filterfalse, repeat
from operator import itemgetter

from . import collector

MAGIC = b"kzlaw-cache-9\n"  # 9: names and reasons as flat lists; 8: the facts' parts
STATUSES = ("in-force", "uncertain")


class CacheFormatError(ValueError):
    """The bytes are not a cache file this kzlaw wrote."""


# --- the frames -------------------------------------------------------------------------------

def frame(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def dumps(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False, check_circular=False).encode("utf-8")


def _reject_constant(name):
    raise CacheFormatError(f"{name} is not allowed")


def loads(data: bytes):
    try:
        return json.loads(str(data, "utf-8"), parse_constant=_reject_constant)  # (a view too)
    except (ValueError, RecursionError) as e:
        raise CacheFormatError(str(e)) from None


def bind(header_fields: tuple, data: bytes) -> str:
    """The SHA-256 of a frame, bound to the corpus it was written for."""
    h = binder(header_fields)
    h.update(data)
    return h.hexdigest()


def binder(header_fields: tuple):
    """A SHA-256 that has taken the corpus's fields: ``bind`` of what it is then given."""
    h = hashlib.sha256()
    for field in header_fields:
        h.update(field.encode("utf-8", "surrogatepass") + b"\0")
    return h


def manifest_digest(manifest: tuple) -> str:
    return hashlib.sha256(repr(manifest).encode("utf-8", "surrogatepass")).hexdigest()


# --- the compiled timeline --------------------------------------------------------------------

# The compiled timeline is most of a warm run's reading, so it is stored as tables of 32-bit
# numbers (read with one copy) and one string table: each distinct string, tuple of strings,
# attribute set and value once (the sharing the timeline has in memory). Indexes are unsigned,
# so one out of range is an IndexError, never another item counted from the end.
#
# Reading must build hundreds of thousands of tuples and lists; it does so without a Python
# step per item: tuples of the same length are stored together, so that all of them are cut
# from one run of string indexes by ``zip`` in C, and so are the facts with the same number
# of segments (a permutation restores the facts' order).
#
#   frame: the strings, UTF-8, separated by NUL (which no corpus text contains)
#   frame: little-endian uint32s: every, then 10 sections, each its length and its numbers:
#     tuple groups (length, count)..., tuple items: the string indexes of every tuple, group
#       after group (a tuple's index is its place in that order); then the long tuples
#       (more than LONG_TUPLE strings: a fact's `by` or sources that grew one reference at a
#       time, which written out would be quadratic), each as an edit of an earlier tuple:
#       that tuple's index, the length of the prefix and of the suffix kept from it, the
#       number of strings in between and their indexes
#     attribute-set offsets (A+1), attribute items (name, then 2*string or 2*tuple+1),
#     values (status 0 in-force / 1 uncertain, attribute set, by tuple, sources tuple)...,
#     fact keys (kind, target, about: string indexes, about 1 + index or 0 for none)...,
#       in the facts' order
#     fact groups (number of segments, count)..., the facts grouped so, and for each fact
#       (in order) its place among the grouped ones,
#     segment values (1 + value index, 0 for absent), the grouped facts' one after another
#   the rest: little-endian int32s, the segment starts (day ordinals), in the grouped order

SECTIONS = 11  # the ten sections of numbers and the starts
LONG_TUPLE = 32


def _unpack(code: str, data: bytes) -> array:
    arr = array(code)
    if len(data) % arr.itemsize:
        raise CacheFormatError("truncated numbers")
    arr.frombytes(data)
    if sys.byteorder != "little":
        arr.byteswap()
    return arr


def _grouped(items: list, size) -> tuple[list, list]:
    """(groups, order): ``order`` lists the indexes of ``items`` grouped by ``size`` (groups
    in increasing size, items in their order within a group); ``groups`` is the (size,
    count) pairs."""
    by_size: dict = {}
    for i, x in enumerate(items):
        by_size.setdefault(size(x), []).append(i)
    groups, order = [], []
    for k in sorted(by_size):
        groups += [k, len(by_size[k])]
        order += by_size[k]
    return groups, order


def encode_compiled(compiled) -> bytes:
    # The numbers are gathered in arrays, not lists, and each tuple is known by the number it
    # is first given (its place in ``seen``) until the final numbering: a list holds an object
    # per number and a dict an entry per tuple, which at 200,000 measures made this the
    # largest part of writing the cache.
    strings: dict = {}
    tuples: dict = {}  # tuple -> the number it was first given
    seen: list = []  # those tuples, in that order
    bases: list = []  # the tuple each is best written as an edit of (or None)
    attributes: dict = {}
    values: dict = {}
    a_off, a_items = [0], []
    v_status, v_attrs, v_by, v_sources = array("I"), array("I"), array("I"), array("I")
    keys, fact_segments = array("I"), []

    def s(x):
        i = strings.get(x)
        if i is None:
            if type(x) is not str or "\0" in x:
                raise TypeError("not storable text")
            i = strings[x] = len(strings)
        return i

    def t(x, base=None):
        i = tuples.get(x)
        if i is None:
            if type(x) is not tuple:
                raise TypeError("not a tuple")
            for y in x:
                s(y)
            i = tuples[x] = len(seen)
            seen.append(x)
            bases.append(base)
        return i

    def a(x):
        i = attributes.get(x)
        if i is None:
            i = attributes[x] = len(attributes)
            for name, value in x:
                a_items.append(s(name))
                # a tuple of alternatives: -1 - its first number, until the final one is known
                a_items.append(-1 - t(value) if isinstance(value, tuple) else 2 * s(value))
            a_off.append(len(a_items))
        return i

    for key, (starts, vals) in compiled.segments.items():
        keys.extend((s(key[0]), s(key[1]), 0 if key[2] is None else 1 + s(key[2])))
        refs = array("I")
        prev = None
        for v in vals:
            if v is None:
                refs.append(0)
                continue
            i = values.get(v)
            if i is None:
                i = values[v] = len(values)
                status, attrs, by, sources = v
                v_status.append(STATUSES.index(status))
                v_attrs.append(a(attrs))
                v_by.append(t(by, prev and prev[2]))
                v_sources.append(t(sources, prev and prev[3]))
            prev = v
            refs.append(1 + i)
        if not starts or len(starts) != len(refs):
            raise ValueError("a fact without segments")
        fact_segments.append((starts, refs))
    del values
    # the tuples numbered: the short ones grouped by length (in the order met within a
    # length), then the long ones in the order met (so that each is an edit of an earlier one)
    short = [i for i, x in enumerate(seen) if len(x) <= LONG_TUPLE or bases[i] is None]
    long = [i for i, x in enumerate(seen) if len(x) > LONG_TUPLE and bases[i] is not None]
    short.sort(key=lambda i: len(seen[i]))  # stable: the order met within a length
    t_groups = []
    for i in short:
        if t_groups and t_groups[-2] == len(seen[i]):
            t_groups[-1] += 1
        else:
            t_groups += [len(seen[i]), 1]
    number = array("I", bytes(4 * len(seen)))  # first number -> final number
    for place, i in enumerate(short):
        number[i] = place
    t_items = array("I")
    for i in short:
        t_items.extend(map(strings.__getitem__, seen[i]))
    del short
    e_items = array("I")
    for place, i in enumerate(long, len(t_groups) and sum(t_groups[1::2])):
        x, b = seen[i], bases[i]
        limit = min(len(b), len(x))
        prefix = suffix = 0
        while prefix < limit and b[prefix] == x[prefix]:
            prefix += 1
        while suffix < limit - prefix and b[-1 - suffix] == x[-1 - suffix]:
            suffix += 1
        middle = x[prefix:len(x) - suffix]
        e_items.extend((number[tuples[b]], prefix, suffix, len(middle)))
        e_items.extend(map(strings.__getitem__, middle))
        number[i] = place
    del tuples, seen, bases
    v_items = array("I", chain.from_iterable(zip(v_status, v_attrs, map(number.__getitem__, v_by),
                                                 map(number.__getitem__, v_sources))))
    del v_status, v_attrs, v_by, v_sources
    for j in range(1, len(a_items), 2):
        if a_items[j] < 0:
            a_items[j] = 2 * number[-1 - a_items[j]] + 1
    f_groups, f_order = _grouped(fact_segments, lambda fs: len(fs[0]))
    f_place = array("I", bytes(4 * len(f_order)))
    for place, i in enumerate(f_order):
        f_place[i] = place
    f_refs, f_starts = array("I"), array("i")
    for i in f_order:
        f_starts.extend(fact_segments[i][0])
        f_refs.extend(fact_segments[i][1])
    del fact_segments
    numbers = array("I", [compiled.snapshot_every])
    for section in (t_groups, t_items, e_items, a_off, a_items, v_items, keys, f_groups,
                    f_place, f_refs):
        numbers.append(len(section))
        numbers.extend(section)
    return (frame("\0".join(strings).encode("utf-8")) + frame(_packed(numbers))
            + _packed(f_starts))


def _packed(arr: array) -> bytes:
    if sys.byteorder != "little":
        arr = array(arr.typecode, arr)
        arr.byteswap()
    return arr.tobytes()


def _offsets(arr, n_items: int) -> None:
    """Offsets start at 0, never decrease and end at the number of items."""
    if not arr or arr[0] != 0 or arr[-1] != n_items or \
            any(map(operator.gt, arr, arr[1:])):
        raise CacheFormatError("bad offsets")


def _frames(data: bytes, n: int) -> list:
    """The ``n`` length-framed parts at the start of ``data``, then the rest (of a
    ``memoryview``, views of it: nothing copied)."""
    out, at = [], 0
    for _ in range(n):
        if at + 8 > len(data):
            raise CacheFormatError("truncated")
        size = int.from_bytes(data[at:at + 8], "big")
        if at + 8 + size > len(data):
            raise CacheFormatError("truncated")
        out.append(data[at + 8:at + 8 + size])
        at += 8 + size
    out.append(data[at:])
    return out


def _pick(items, indexes) -> tuple:
    """``tuple(items[i] for i in indexes)``, in C."""
    if len(indexes) > 1:
        return itemgetter(*indexes)(items)
    return (items[indexes[0]],) if indexes else ()


def _cut(items, groups, n_items: int, into=tuple) -> list:
    """The runs of ``items`` that ``groups`` (size, count pairs, sizes increasing) describe,
    each made by ``into`` (``tuple`` or ``list``); all of ``items`` must be used."""
    if len(groups) % 2:
        raise CacheFormatError("bad groups")
    out: list = []
    at, last = 0, -1
    for k, count in zip(groups[0::2], groups[1::2]):
        if k <= last:
            raise CacheFormatError("groups out of order")
        last = k
        if k == 0:
            out += [into()] * count if into is tuple else [[] for _ in range(count)]
            continue
        run = items[at:at + k * count]
        if len(run) != k * count:
            raise CacheFormatError("truncated group")
        cut = zip(*[iter(run)] * k)
        out += cut if into is tuple else map(list, cut)
        at += k * count
    if at != n_items:
        raise CacheFormatError("items outside the groups")
    return out


def decode_compiled(data: bytes, lazy: bool = False) -> tuple[dict, int]:
    """``(segments, snapshot_every)`` for ``Compiled``, every number checked to be in range,
    so that the timeline reads only what it expects. With ``lazy`` the segments are a
    ``LazySegments`` (each fact's lists made when it is first asked for), checked as much."""
    try:
        return _decode_compiled(data, lazy)
    except (IndexError, ValueError, TypeError, OverflowError, MemoryError) as e:
        raise CacheFormatError(str(e)) from None


def _read_tables(data: bytes) -> tuple[list, int, list, array]:
    """(strings, every, the ten sections of numbers, the starts) of ``encode_compiled``."""
    text, numbers, starts_data = _frames(data, 2)
    strings = str(text, "utf-8").split("\0") if text else []  # UnicodeDecodeError: ValueError
    arr = _unpack("I", numbers)
    all_starts = _unpack("i", starts_data)
    if not arr:
        raise CacheFormatError("truncated")
    every = arr[0]
    sections, at = [], 1
    for _ in range(SECTIONS - 1):
        if at >= len(arr) or at + 1 + arr[at] > len(arr):
            raise CacheFormatError("bad section")
        sections.append(arr[at + 1:at + 1 + arr[at]])
        at += 1 + arr[at]
    if at != len(arr):
        raise CacheFormatError("trailing numbers")
    return strings, every, sections, all_starts


def _decode_compiled(data: bytes, lazy: bool = False) -> tuple[dict, int]:
    strings, every, sections, all_starts = _read_tables(data)
    (t_groups, t_items, e_items, a_off, a_items, v_items, keys, f_groups, f_place,
     f_refs) = sections

    if lazy:
        tuples = LazyTuples(strings, t_groups, t_items, e_items)
    else:
        tuples = _all_tuples(strings, t_groups, t_items, e_items)
    n_tuples = len(tuples) if not lazy else tuples.size

    _offsets(a_off, len(a_items))
    if any(x % 2 for x in a_off):
        raise CacheFormatError("bad attributes")
    for j in range(1, len(a_items), 2):  # (a dict of lazy tuples has no end to fall off)
        if a_items[j] >> 1 >= (n_tuples if a_items[j] & 1 else len(strings)):
            raise CacheFormatError("bad attributes")
    both = (strings, tuples)
    attributes = []
    for lo, hi in zip(a_off, a_off[1:]):
        attributes.append(tuple((strings[a_items[j]], both[a_items[j + 1] & 1][a_items[j + 1] >> 1])
                                for j in range(lo, hi, 2)))

    if len(v_items) % 4:
        raise CacheFormatError("bad values")
    if lazy:
        values = LazyValues(v_items, attributes, tuples)
    else:
        values = [None]  # 0: absent
        values += zip(_pick(STATUSES, v_items[0::4]), _pick(attributes, v_items[1::4]),
                      _pick(tuples, v_items[2::4]), _pick(tuples, v_items[3::4]))

    nf = len(f_place)
    if len(keys) != 3 * nf or len(all_starts) != len(f_refs):
        raise CacheFormatError("bad facts")
    # each fact's starts increase: no pair of neighbours within a fact may not increase
    rising = bytearray(map(operator.ge, all_starts, all_starts[1:]))
    rising.append(0)  # (after the last start)
    at = 0
    for k, count in zip(f_groups[0::2], f_groups[1::2]):
        if k == 0:
            raise CacheFormatError("a fact without segments")
        rising[at + k - 1:at + k * count:k] = bytes(len(range(at + k - 1, at + k * count, k)))
        at += k * count
    if 1 in rising:
        raise CacheFormatError("segment starts do not increase")
    abouts = [None] + strings
    if lazy:
        _check_groups(f_groups, len(all_starts), nf)
        if len(set(f_place)) != nf or (nf and max(f_place) >= nf) or \
                (f_refs and max(f_refs) >= values.size):
            raise CacheFormatError("bad fact order")
        fact_keys = list(zip(_pick(strings, keys[0::3]), _pick(strings, keys[1::3]),
                             _pick(abouts, keys[2::3])))
        return LazySegments(fact_keys, f_place, f_groups, all_starts, f_refs, values), every
    starts = _cut(all_starts.tolist(), f_groups, len(all_starts), list)
    refs = _cut(_pick(values, f_refs), f_groups, len(f_refs), list)
    if len(starts) != nf or len(set(f_place)) != nf or (nf and max(f_place) >= nf):
        raise CacheFormatError("bad fact order")
    segments = dict(zip(zip(_pick(strings, keys[0::3]), _pick(strings, keys[1::3]),
                            _pick(abouts, keys[2::3])),
                        zip(_pick(starts, f_place), _pick(refs, f_place))))
    if len(segments) != nf:
        raise CacheFormatError("duplicate fact")
    return segments, every


def _check_groups(groups, n_items: int, n_runs: int) -> None:
    """What ``_cut`` checks, without cutting: (size, count) pairs of increasing sizes that
    use exactly ``n_items`` items in ``n_runs`` runs."""
    if len(groups) % 2:
        raise CacheFormatError("bad groups")
    sizes, counts = groups[0::2], groups[1::2]
    if any(map(operator.ge, sizes, sizes[1:])):
        raise CacheFormatError("groups out of order")
    if sum(map(operator.mul, sizes, counts)) != n_items or sum(counts) != n_runs:
        raise CacheFormatError("items outside the groups")


def _all_tuples(strings: list, t_groups, t_items, e_items) -> list:
    """Every tuple of the string table: the short ones cut from their runs, then the long
    ones, each an edit of an earlier one."""
    tuples = _cut(_pick(strings, t_items), t_groups, len(t_items))
    at = 0
    while at < len(e_items):
        base, prefix, suffix, n = e_items[at:at + 4]
        if at + 4 + n > len(e_items) or base >= len(tuples):
            raise CacheFormatError("bad tuple edit")
        b = tuples[base]
        if prefix + suffix > len(b):
            raise CacheFormatError("bad tuple edit")
        middle = _pick(strings, e_items[at + 4:at + 4 + n])
        if prefix == len(b):  # most often: a reference added at the end
            tuples.append(b + middle)
        else:
            tuples.append(b[:prefix] + middle + b[len(b) - suffix:])
        at += 4 + n
    return tuples


class LazyTuples(dict):
    """Tuple number -> the tuple of strings (``_all_tuples(...)[i]``), each made when first
    asked for, then kept (so each number is one object, as in the eager table). Everything
    ``_all_tuples`` would refuse is refused here, at once: a number below ``size`` always
    gives its tuple. ``as_list()`` makes all the rest at once (in C, as ``_all_tuples``)."""

    __slots__ = ("size", "_strings", "_groups", "_items", "_edits", "_item_of", "_lengths",
                 "_edit_at", "_n_short")

    def __init__(self, strings: list, t_groups, t_items, e_items):
        super().__init__()
        if len(t_groups) % 2:
            raise CacheFormatError("bad groups")
        sizes, counts = t_groups[0::2], t_groups[1::2]
        if any(map(operator.ge, sizes, sizes[1:])) or \
                sum(map(operator.mul, sizes, counts)) != len(t_items):
            raise CacheFormatError("bad groups")
        if t_items and max(t_items) >= len(strings):
            raise CacheFormatError("bad tuple")
        item_of, lengths = array("I"), array("I")  # per tuple: where its items begin, how many
        at = 0
        for k, count in zip(sizes, counts):
            item_of.extend(range(at, at + k * count, k) if k else repeat(at, count))
            lengths.extend(repeat(k, count))
            at += k * count
        n_short = len(lengths)
        edit_at = array("I")  # per long tuple: where its edit is in e_items
        at, n_strings = 0, len(strings)
        while at < len(e_items):
            base, prefix, suffix, n = e_items[at:at + 4]
            if at + 4 + n > len(e_items) or base >= len(lengths) or \
                    prefix + suffix > lengths[base] or \
                    (n and max(e_items[at + 4:at + 4 + n]) >= n_strings):
                raise CacheFormatError("bad tuple edit")
            edit_at.append(at)
            lengths.append(prefix + n + suffix)
            at += 4 + n
        self.size = len(lengths)
        self._strings, self._groups, self._items, self._edits = strings, t_groups, t_items, e_items
        self._item_of, self._lengths = item_of, lengths
        self._edit_at, self._n_short = edit_at, n_short

    def __missing__(self, i: int) -> tuple:
        if type(i) is not int or not 0 <= i < self.size:
            raise KeyError(i)
        if i < self._n_short:
            at = self._item_of[i]
            got = self[i] = _pick(self._strings, self._items[at:at + self._lengths[i]])
            return got
        # a long tuple is an edit of an earlier one, which may be an edit too: the edits of
        # the chain down to one already made (or a short one) are replayed on one list, from
        # the bottom up (no recursion, and no tuple made for each step of a long chain)
        chain = [i]
        edits, edit_at, n_short = self._edits, self._edit_at, self._n_short
        while True:
            base = edits[edit_at[chain[-1] - n_short]]
            if base < n_short or base in self:
                break
            chain.append(base)
        items = list(self[base])
        for j in reversed(chain):
            at = edit_at[j - n_short]
            _base, prefix, suffix, n = edits[at:at + 4]
            items[prefix:len(items) - suffix] = _pick(self._strings, edits[at + 4:at + 4 + n])
        got = self[i] = tuple(items)
        return got

    def make(self, numbers) -> None:
        """Make the tuples of ``numbers`` (each below ``size``) not made yet: the short ones
        in C, each cut from the items and its strings looked up by ``map``."""
        todo = list(filterfalse(self.__contains__, set(numbers)))
        n_short = self._n_short
        short = list(filter(n_short.__gt__, todo))
        at = list(map(self._item_of.__getitem__, short))
        pieces = map(self._items.__getitem__,
                     map(slice, at, map(operator.add, at, map(self._lengths.__getitem__, short))))
        self.update(zip(short, map(tuple, map(map, repeat(self._strings.__getitem__), pieces))))
        if len(short) < len(todo):
            for i in filter(n_short.__le__, todo):
                self[i]  # an edit of another tuple (__missing__)

    def as_list(self) -> list:
        """Every tuple, by number (the objects already made kept)."""
        every = _all_tuples(self._strings, self._groups, self._items, self._edits)
        for i, x in self.items():
            every[i] = x
        return every


class LazyValues(dict):
    """Value number -> the plain tuple (status, attributes, by, sources) of the timeline's
    value table (0: None, absent), each made when first asked for, then kept. Every number
    in the table is checked at once to be in range, so a number below ``size`` always gives
    its value; ``as_list()`` makes all the rest at once."""

    __slots__ = ("size", "_items", "_attributes", "_tuples", "_partial")

    def __init__(self, v_items, attributes: list, tuples: LazyTuples):
        super().__init__()
        if v_items and (max(v_items[0::4]) >= len(STATUSES) or
                        max(v_items[1::4]) >= len(attributes) or
                        max(v_items[2::4]) >= tuples.size or max(v_items[3::4]) >= tuples.size):
            raise CacheFormatError("bad values")
        self[0] = None
        self.size = 1 + len(v_items) // 4
        self._items, self._attributes, self._tuples = v_items, attributes, tuples
        self._partial = None  # number -> the value without its by (without_by)

    def __missing__(self, i: int) -> tuple:
        if type(i) is not int or not 0 < i < self.size:
            raise KeyError(i)
        status, attrs, by, sources = self._items[4 * i - 4:4 * i]
        tuples = self._tuples
        got = self[i] = (STATUSES[status], self._attributes[attrs], tuples[by], tuples[sources])
        return got

    def make(self, numbers) -> None:
        """Make the values of ``numbers`` (each below ``size``) not made yet, and their
        tuples, in C (``map`` over the table's columns)."""
        todo = list(filterfalse(self.__contains__, set(numbers)))
        if not todo:
            return
        v, sub = self._items, operator.sub
        at = list(map(operator.mul, todo, repeat(4)))  # value j's fields: v[4j - 4:4j]
        status = map(v.__getitem__, map(sub, at, repeat(4)))
        attrs = map(v.__getitem__, map(sub, at, repeat(3)))
        by = list(map(v.__getitem__, map(sub, at, repeat(2))))
        sources = list(map(v.__getitem__, map(sub, at, repeat(1))))
        tuples = self._tuples
        tuples.make(chain(by, sources))
        self.update(zip(todo, zip(map(STATUSES.__getitem__, status),
                                  map(self._attributes.__getitem__, attrs),
                                  map(tuples.__getitem__, by), map(tuples.__getitem__, sources))))

    def without_by(self, numbers) -> list:
        """``[self[i] for i in numbers]`` (each below ``size``), but a value not made yet is
        made without its ``by``: ``(status, attributes, None, sources)``, and its ``by``
        tuple not made (in a warm in-force, 60,000 references of 13,000 tuples at 40,000
        measures, which its table does not show). Those values are kept apart, one object
        per number; the table's own values are made whole as before when asked for."""
        partial = self._partial
        if partial is None:
            partial = self._partial = {0: None}
        todo = [i for i in set(numbers) if i not in partial]
        made = [i for i in todo if dict.__contains__(self, i)]  # (never made here: whole)
        partial.update(zip(made, map(self.__getitem__, made)))
        todo = list(filterfalse(partial.__contains__, todo))
        if todo:
            v, sub = self._items, operator.sub
            at = list(map(operator.mul, todo, repeat(4)))  # value j's fields: v[4j - 4:4j]
            status = map(v.__getitem__, map(sub, at, repeat(4)))
            attrs = map(v.__getitem__, map(sub, at, repeat(3)))
            sources = list(map(v.__getitem__, map(sub, at, repeat(1))))
            tuples = self._tuples
            tuples.make(sources)
            partial.update(zip(todo, zip(map(STATUSES.__getitem__, status),
                                         map(self._attributes.__getitem__, attrs),
                                         repeat(None), map(tuples.__getitem__, sources))))
        return list(map(partial.__getitem__, numbers))

    def as_list(self) -> list:
        """Every value, by number (the objects already made kept)."""
        tuples = self._tuples.as_list()
        v = self._items
        every = [None]
        every += zip(_pick(STATUSES, v[0::4]), _pick(self._attributes, v[1::4]),
                     _pick(tuples, v[2::4]), _pick(tuples, v[3::4]))
        for i, x in self.items():
            every[i] = x
        return every


class LazySegments(Mapping):
    """fact -> (starts, values) of a compiled timeline read from a cache file: what
    ``decode_compiled`` gives, each fact's two lists made the first time the fact is asked
    for (then kept). ``values_on(day)`` gives every fact's value on one day from the tables
    themselves, without making the lists: a warm point query reads one value per fact."""

    def __init__(self, keys: list, place, groups, starts: array, refs: array,
                 values: "LazyValues | list"):
        self._keys = keys  # in the facts' order
        self._index = dict(zip(keys, range(len(keys))))
        if len(self._index) != len(keys):
            raise CacheFormatError("duplicate fact")
        # the facts are laid out grouped (``place``): a fact's segments run from the start of
        # its place to the start of the next place
        first = array("I")
        at = 0
        for k, count in zip(groups[0::2], groups[1::2]):
            first.extend(range(at, at + k * count, k))
            at += k * count
        first.append(at)
        self._lo = array("I", _pick(first, place))
        self._hi = array("I", _pick(first, array("I", map((1).__add__, place))))
        self._starts, self._refs, self._values = starts, refs, values
        self._made: dict = {}
        self._fill_at = 64 + len(keys) // 16

    def __getitem__(self, key):
        got = self._made.get(key)
        if got is None:
            i = self._index[key]
            if len(self._made) == self._fill_at:
                self.fill()  # many facts asked for: all the values at once, not one by one
            lo, hi = self._lo[i], self._hi[i]
            got = self._made[key] = (self._starts[lo:hi].tolist(),
                                     list(_pick(self._values, self._refs[lo:hi])))
        return got

    def fill(self) -> None:
        """Make every value of the tables at once (a reader of every fact, such as the
        timeline's index, asks for this first): in C, rather than one by one as asked."""
        if type(self._values) is not list:
            with collector.paused():  # hundreds of thousands of tuples, none of them garbage
                self._values = self._values.as_list()
            gc.freeze()  # they live as long as the corpus: later collections need not walk them

    def get(self, key, default=None):
        if key in self._index:
            return self[key]
        return default

    def __contains__(self, key) -> bool:
        return key in self._index

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def values_on(self, day: int, by: bool = True) -> dict:
        """fact -> value (a plain tuple) of every fact present on ``day``, in the facts'
        order: ``State._items`` without a list per fact. Every step is a ``map`` in C: one
        binary search per fact within its segments, then the values it finds made at once.
        With ``by`` False a value not made yet is made without its ``by`` (None in its
        place: ``LazyValues.without_by``)."""
        starts, refs, values, lo = self._starts, self._refs, self._values, self._lo
        ends = list(map(bisect_right, repeat(starts), repeat(day), lo, self._hi))
        begun = list(map(operator.gt, ends, lo))  # a segment of the fact starts by the day
        found = list(map(refs.__getitem__, map(operator.sub, compress(ends, begun), repeat(1))))
        if not by and type(values) is LazyValues:
            got = values.without_by(found)
        else:
            make = getattr(values, "make", None)
            if make is not None:
                make(found)
            got = list(map(values.__getitem__, found))
        return dict(compress(zip(compress(self._keys, begun), got),
                             map(operator.is_not, got, repeat(None))))


# --- what the compiled timeline's answers are labelled with ------------------------------------
#
# The corpus's information (``encode_value``), the names (``names.Names``) and why each fact is
# uncertain when it is, read by every warm question: as flat JSON lists of text and numbers,
# which are parsed and made into dicts in C, rather than as a tree of tagged values.
#
#   {"info": encode_value(info),
#    "names": {"entries": [section, [id, label, [alias...], [category...], ...], ...],
#              "source_kinds": [source, kind, ...], "info": {text: text},
#              "labels": [kind or null, [id, label, ...], ...]},
#    "why": [kind, target, about or null, start, reason, ...]}

_TEXT = {str}
_TEXT_OR_NONE = {str, type(None)}


def encode_extra(info, names, why: dict) -> bytes:
    state = vars(names)
    if set(state) != {"entries", "source_kinds", "info", "labels"}:
        raise TypeError("Names has other attributes than a new one")
    entries = []
    for section, ids in state["entries"].items():
        flat = []
        for ident, (label, aliases, categories) in ids.items():
            flat += [ident, label, list(aliases), list(categories)]
        entries += [section, flat]
    labels = []
    for kind, ids in state["labels"].items():
        labels += [kind, [x for pair in ids.items() for x in pair]]
    flat_why = []
    for key, reasons in why.items():
        for start, reason in reasons.items():
            flat_why += [key[0], key[1], key[2], start, reason]
    doc = {"info": encode_value(info),
           "names": {"entries": entries,
                     "source_kinds": [x for pair in state["source_kinds"].items() for x in pair],
                     "info": dict(state["info"]), "labels": labels},
           "why": flat_why}
    _check_extra(doc["names"], flat_why)  # what decode_extra would refuse is not written
    return dumps(doc)


def _types(items, allowed: set) -> bool:
    return set(map(type, items)) <= allowed


def _check_extra(names: dict, why: list) -> None:
    entries, kinds, info, labels = (names["entries"], names["source_kinds"], names["info"],
                                    names["labels"])
    if type(entries) is not list or len(entries) % 2 or not _types(entries[0::2], _TEXT) or \
            not _types(entries[1::2], {list}):
        raise CacheFormatError("bad names")
    for flat in entries[1::2]:
        if len(flat) % 4 or not _types(flat[0::4], _TEXT) or not _types(flat[1::4], _TEXT) \
                or not _types(flat[2::4], {list}) or not _types(flat[3::4], {list}) or \
                not _types(chain.from_iterable(flat[2::4]), _TEXT) or \
                not _types(chain.from_iterable(flat[3::4]), _TEXT):
            raise CacheFormatError("bad names")
    if type(kinds) is not list or len(kinds) % 2 or not _types(kinds[0::2], _TEXT) or \
            not _types(kinds[1::2], _TEXT_OR_NONE):
        raise CacheFormatError("bad names")
    if type(info) is not dict or not _types(info.values(), _TEXT_OR_NONE):
        raise CacheFormatError("bad names")
    if type(labels) is not list or len(labels) % 2 or \
            not _types(labels[0::2], _TEXT_OR_NONE) or not _types(labels[1::2], {list}) or \
            any(len(flat) % 2 or not _types(flat, _TEXT) for flat in labels[1::2]):
        raise CacheFormatError("bad names")
    if type(why) is not list or len(why) % 5 or not _types(why[0::5], _TEXT) or \
            not _types(why[1::5], _TEXT) or not _types(why[2::5], _TEXT_OR_NONE) or \
            not _types(why[3::5], {int}) or not _types(why[4::5], _TEXT):
        raise CacheFormatError("bad reasons")


def decode_extra(data: bytes) -> tuple:
    """``(info, names, why)`` of ``encode_extra``; ``CacheFormatError`` for anything else."""
    doc = loads(data)
    if type(doc) is not dict or set(doc) != {"info", "names", "why"} or \
            type(doc["names"]) is not dict or \
            set(doc["names"]) != {"entries", "source_kinds", "info", "labels"}:
        raise CacheFormatError("bad names")
    names, why = doc["names"], doc["why"]
    _check_extra(names, why)
    info = decode_value(doc["info"])
    entries, labels = names["entries"], names["labels"]
    state = {
        "entries": {section: dict(zip(flat[0::4], zip(flat[1::4], map(tuple, flat[2::4]),
                                                      map(tuple, flat[3::4]))))
                    for section, flat in zip(entries[0::2], entries[1::2])},
        "source_kinds": dict(zip(names["source_kinds"][0::2], names["source_kinds"][1::2])),
        "info": names["info"],
        "labels": {kind: dict(zip(flat[0::2], flat[1::2]))
                   for kind, flat in zip(labels[0::2], labels[1::2])}}
    out = object.__new__(_spec("Names")[0])
    out.__dict__.update(state)
    reasons: dict = {}
    for key, start, reason in zip(zip(why[0::5], why[1::5], why[2::5]), why[3::5], why[4::5]):
        got = reasons.get(key)
        if got is None:
            got = reasons[key] = {}
        got[start] = reason
    return info, out, reasons


# --- everything else: plain values and kzlaw's data classes -----------------------------------
#
# None, bool, int and str are themselves; containers are lists led by a tag:
#   ["l", x...] list   ["t", x...] tuple   ["s", x...] set   ["f", x...] frozenset
#   ["d", k, v, k, v...] dict   ["o", NAME, field values...] an instance of table()[NAME]
#   ["r", N] the same list, dict, set or object as the N-th one met before
#   ["D", N] the calendar day with ordinal N (datetime.date)

# Short name -> the kzlaw module that defines the class. Only these classes can come out of a
# cache file; a module is imported when one of its classes is first met (a warm point query
# meets only CorpusInfo and Names, and so never imports the loader, PyYAML or cattrs).
_HOMES = {
    "Alternative": "dates", "UncertainDate": "dates", "Event": "engine", "Holding": "engine",
    "EventTable": "engine", "RawCorpus": "loader", "CorpusInfo": "model", "Dates": "model",
    "Effect": "model", "Measure": "model", "Pattern": "model", "Rule": "model",
    "Source": "model", "SourceRef": "model", "VocabEntry": "model", "Names": "names",
    "Problem": "problems", "Derivation": "rules", "FactIndex": "rules", "Lines": "check",
    "LMap": "yamlfile", "LSeq": "yamlfile", "MeasureFiles": "loader",
}
# plain classes rebuilt from exactly the attributes a new (empty) one has: its arguments
_PLAIN = {"EventTable": (), "FactIndex": (), "Names": ({}, {})}


def _spec(name: str) -> tuple:
    """(class, the attributes it is rebuilt from, how) for the short name ``name``;
    ``CacheFormatError`` for a name outside the table."""
    spec = _TABLE.get(name)
    if spec is not None:
        return spec
    home = _HOMES.get(name) if type(name) is str else None
    if home is None:
        raise CacheFormatError(f"{name!r} is not a kzlaw data class")
    import importlib
    cls = getattr(importlib.import_module("." + home, __package__), name)
    if name in _PLAIN:
        spec = (cls, frozenset(vars(cls(*_PLAIN[name]))), "dict")
    elif name in ("Lines", "MeasureFiles"):
        spec = (cls, tuple(cls.__slots__), "slots")
    elif name in ("LMap", "LSeq"):
        spec = (cls, ("line", "lines"), "dict-base" if name == "LMap" else "list-base")
    else:
        import attrs
        spec = (cls, tuple(a.name for a in attrs.fields(cls)), "slots")
    _TABLE[name] = spec
    return spec


_TABLE: dict = {}


def table() -> dict:
    """Every class a cache file can hold: short name -> (class, attributes, how)."""
    return {name: _spec(name) for name in _HOMES}


def encode_value(value):
    """The JSON-ready form of ``value``; ``TypeError`` for anything outside the format."""
    return _encoder(_by_class())(value)


def _by_class() -> dict:
    return {spec[0]: (name, spec[1], spec[2]) for name, spec in table().items()}


STREAMED = 64  # a list, dict or set of this many items is written item by item (write_value)


def write_value(value, write) -> None:
    """Write ``dumps(encode_value(value))`` through ``write`` (which takes bytes) piece by
    piece, the same bytes: the containers of the first two levels and every large one are
    written item by item, so that only one item's encoding is in memory at a time (a corpus
    of 200,000 measures encoded whole took several times its own memory). ``TypeError`` as
    ``encode_value``."""
    by_class = _by_class()
    enc = _encoder(by_class)
    seen, keep = enc.seen, enc.keep

    def stream(v, depth: int, force: bool = False) -> None:
        t = type(v)
        if t is list or t is dict or t is set:
            go = force or depth > 0 or len(v) >= STREAMED
            spec = None
        else:
            spec = by_class.get(t)
            # a plain class (an index of the corpus) is its dict of tables: always written so
            go = spec is not None and (depth > 0 or spec[2] == "dict")
        if not go:
            write(dumps(enc(v)))
            return
        ref = seen.get(id(v))
        if ref is not None:
            write(dumps(["r", ref]))
            return
        seen[id(v)] = len(keep)
        keep.append(v)
        if spec is None:
            write(b'["l"' if t is list else b'["d"' if t is dict else b'["s"')
            items = chain.from_iterable(v.items()) if t is dict else v
            for x in items:
                write(b",")
                stream(x, depth - 1)
            write(b"]")
            return
        name, fields, how = spec
        write(b'["o",' + dumps(name))
        if how == "slots":
            for f in fields:
                write(b",")
                stream(getattr(v, f), depth - 1)
        elif how == "dict":
            state = dict(vars(v))
            if set(state) != fields:
                raise TypeError(f"{name} has other attributes than a new one")
            write(b",")
            stream(state, depth - 1, force=True)
        else:
            write(b",")
            stream(dict(v) if how == "dict-base" else list(v), depth - 1)
            for f in fields:
                write(b",")
                stream(getattr(v, f, None), depth - 1)
        write(b"]")

    stream(value, 2)


def _encoder(by_class: dict):
    # A list, dict, set or object met again (the same object, as in ``corpus.measures`` and
    # ``corpus.raw.measures``) is written as ["r", N]: the N-th such value, counted in the
    # order their encodings begin.
    seen: dict = {}
    keep = []  # keeps every counted object alive, so that no id() is reused meanwhile

    def enc(v):
        t = type(v)
        if v is None or t is str or t is bool or t is int:
            return v
        if t is tuple:
            return ["t", *map(enc, v)]
        if t is frozenset:
            return ["f", *map(enc, v)]
        if t is date:
            return ["D", v.toordinal()]
        ref = seen.get(id(v))
        if ref is not None:
            return ["r", ref]
        seen[id(v)] = len(keep)
        keep.append(v)
        if t is list:
            return ["l", *map(enc, v)]
        if t is dict:
            out = ["d"]
            for k, x in v.items():
                out.append(enc(k))
                out.append(enc(x))
            return out
        if t is set:
            return ["s", *map(enc, v)]
        spec = by_class.get(t)
        if spec is None:
            raise TypeError(f"{t.__name__} cannot be stored in a kzlaw cache")
        name, fields, how = spec
        if how == "slots":
            return ["o", name, *(enc(getattr(v, f)) for f in fields)]
        if how == "dict":
            state = dict(vars(v))
            if set(state) != fields:
                raise TypeError(f"{name} has other attributes than a new one")
            return ["o", name, enc(state)]
        base = dict(v) if how == "dict-base" else list(v)
        return ["o", name, enc(base), *(enc(getattr(v, f, None)) for f in fields)]
    enc.seen, enc.keep = seen, keep  # for write_value, which continues the same numbering
    return enc


ATOMS = {str, int, bool, type(None)}  # the values that stand for themselves


def decode_value(doc):
    """The value ``encode_value`` gave ``doc``; ``CacheFormatError`` for anything else."""
    set_attr = object.__setattr__

    made: list = []  # the lists, dicts, sets and objects, in the order their encodings begin
    pending = object()

    def dec(v):
        t = type(v)
        if v is None or t is str or t is bool or t is int:
            return v
        if t is not list or not v:
            raise CacheFormatError("unexpected value")
        tag = v[0]
        if tag == "t" and len(v) == 1:
            return ()
        items = v[1:]
        # a long run of plain values (labels, ids) is taken as it is, not value by value
        flat = len(items) > 16 and set(map(type, items)) <= ATOMS
        if tag == "t":
            return tuple(items) if flat else tuple(map(dec, items))
        if tag == "f":
            return frozenset(items) if flat else frozenset(map(dec, items))
        if tag == "D":
            if len(v) != 2 or type(v[1]) is not int:
                raise CacheFormatError("bad day")
            return date.fromordinal(v[1])  # ValueError out of range
        if tag == "r":
            if len(v) != 2 or type(v[1]) is not int or not 0 <= v[1] < len(made) \
                    or made[v[1]] is pending:
                raise CacheFormatError("bad reference")
            return made[v[1]]
        slot = len(made)
        made.append(pending)
        if tag == "l":
            out = items if flat else list(map(dec, items))
        elif tag == "d":
            if len(v) % 2 != 1:
                raise CacheFormatError("odd dict")
            if flat:
                out = dict(zip(items[0::2], items[1::2]))
            else:
                out = {}
                it = iter(items)
                for k in it:  # TypeError for an unhashable key
                    out[k if type(k) is str else dec(k)] = dec(next(it))
        elif tag == "s":
            out = set(items) if flat else set(map(dec, items))
        elif tag == "o" and len(v) >= 2 and type(v[1]) is str:
            out = obj(v)
        else:
            raise CacheFormatError("unknown tag")
        made[slot] = out
        return out

    def obj(v):
        cls, fields, how = _spec(v[1])
        obj = object.__new__(cls) if how in ("slots", "dict") else cls()
        if how == "slots":
            if len(v) != 2 + len(fields):
                raise CacheFormatError(f"{v[1]} has {len(fields)} fields")
            for f, x in zip(fields, v[2:]):
                set_attr(obj, f, dec(x))
            return obj
        if len(v) != (3 if how == "dict" else 3 + len(fields)):
            raise CacheFormatError(f"bad {v[1]}")
        state = dec(v[2])
        if how == "dict":
            if type(state) is not dict or set(state) != fields:
                raise CacheFormatError(f"bad {v[1]}")
            obj.__dict__.update(state)
            return obj
        if type(state) is not (dict if how == "dict-base" else list):
            raise CacheFormatError(f"bad {v[1]}")
        if how == "dict-base":
            obj.update(state)
        else:
            obj.extend(state)
        for f, x in zip(fields, v[3:]):
            set_attr(obj, f, dec(x))
        return obj

    try:
        return dec(doc)
    except (TypeError, IndexError, ValueError, OverflowError, RecursionError,
            StopIteration) as e:
        raise CacheFormatError(str(e)) from None


# --- each fact's holdings and derivations -------------------------------------------------------
#
# What a diff or an explanation reads of the rest of the corpus: the holdings and derivations of
# the facts it is about. Each fact's list is its own JSON document (``encode_value``, references
# only within the fact), so a question decodes the facts it touches and nothing else:
#
#   the documents, one after another (a fact's is bytes start to end of them)
#   the index, UTF-8 JSON {part: [[kind, target, about, start, end], ...]} for each of
#     FACT_PARTS, the facts in the order of the corpus's dict
#   the index's length: 8 bytes, big-endian
#
# (the index last, so that the frame is written as its documents are encoded)

FACT_PARTS = {"holdings_by_fact": "Holding", "derivations": "Derivation"}


def write_fact_parts(parts: dict, write) -> None:
    """Write the frame of ``parts`` (each of FACT_PARTS: fact -> list) through ``write``;
    ``TypeError`` for anything outside the format."""
    by_class = _by_class()
    index: dict = {}
    at = 0
    for name in FACT_PARTS:
        entries = index[name] = []
        for key, items in parts[name].items():
            if type(key) is not tuple or len(key) != 3 or type(key[0]) is not str or \
                    type(key[1]) is not str or not (key[2] is None or type(key[2]) is str):
                raise TypeError("a fact's key is not (kind, target, about)")
            if type(items) is not list:
                raise TypeError("a fact's part is not a list")
            doc = dumps(_encoder(by_class)(items))
            entries.append([key[0], key[1], key[2], at, at + len(doc)])
            write(doc)
            at += len(doc)
    head = dumps(index)
    write(head)
    write(len(head).to_bytes(8, "big"))


def encode_fact_parts(parts: dict) -> bytes:
    """The frame ``write_fact_parts`` writes, as bytes."""
    out: list = []
    write_fact_parts(parts, out.append)
    return b"".join(out)


def read_fact_parts(data: bytes) -> tuple[dict, memoryview]:
    """``({part: {fact: (start, end)}}, documents)`` of a facts frame, every entry checked to
    be a fact's key and a stretch of the documents; ``CacheFormatError`` else."""
    if len(data) < 8:
        raise CacheFormatError("truncated")
    n = int.from_bytes(data[-8:], "big")
    if n > len(data) - 8:
        raise CacheFormatError("truncated")
    index = loads(data[len(data) - 8 - n:len(data) - 8])
    docs = memoryview(data)[:len(data) - 8 - n]
    if type(index) is not dict or set(index) != set(FACT_PARTS):
        raise CacheFormatError("bad facts index")
    out = {}
    for name in FACT_PARTS:
        entries = index[name]
        if type(entries) is not list:
            raise CacheFormatError("bad facts index")
        where = {}
        for e in entries:
            if type(e) is not list or len(e) != 5 or type(e[0]) is not str or \
                    type(e[1]) is not str or not (e[2] is None or type(e[2]) is str) or \
                    type(e[3]) is not int or type(e[4]) is not int or \
                    not 0 <= e[3] <= e[4] <= len(docs):
                raise CacheFormatError("bad facts index")
            where[(e[0], e[1], e[2])] = (e[3], e[4])
        if len(where) != len(entries):
            raise CacheFormatError("duplicate fact")
        out[name] = where
    return out, docs


def decode_fact_part(docs: memoryview, where: tuple, name: str) -> list:
    """One fact's list of the part ``name`` (its holdings or derivations), every item an
    instance of the part's class; ``CacheFormatError`` else."""
    items = decode_value(loads(bytes(docs[where[0]:where[1]])))
    cls = _spec(FACT_PARTS[name])[0]
    if type(items) is not list or not all(type(x) is cls for x in items):
        raise CacheFormatError(f"bad {name}")
    return items


__all__ = ["MAGIC", "CacheFormatError", "frame", "dumps", "loads", "bind", "binder",
           "manifest_digest",
           "encode_compiled", "decode_compiled", "LazySegments", "LazyTuples", "LazyValues",
           "encode_extra",
           "decode_extra", "encode_value", "decode_value", "write_value",
           "FACT_PARTS", "write_fact_parts", "encode_fact_parts", "read_fact_parts",
           "decode_fact_part"]
