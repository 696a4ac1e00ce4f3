"""The compiled cache's file format: versioned, length-framed JSON that can hold data only.

Nothing in a cache file can name a function, a module or an attribute to look up: the decoder
builds strings, numbers, lists, tuples, sets, dicts and instances of a fixed table of kzlaw's
own data classes (``table()`` below, by short name; an instance is given its fields' values and
nothing is called on it). Whatever bytes a file holds, decoding either returns such data or
raises ``CacheFormatError``.

Layout::

    MAGIC                       b"kzlaw-cache-6\\n"
    3 frames                    8-byte big-endian length, then that many bytes of UTF-8 JSON:
      header                    {"root", "code", "manifest", "compiled", "rest"}: the corpus's
                                real path, kzlaw's code fingerprint, the SHA-256 of the corpus
                                manifest, and the SHA-256 of each of the next two frames
      compiled                  the compiled timeline: a frame of ``encode_compiled``, then
                                the JSON of ``encode_value({"info", "names", "why"})``
      rest                      everything else of the corpus (``encode_value``), read only
                                when a question needs it
    nothing after the last frame

Each digest is taken over the header's corpus fields too (``bind``), so a frame from one
corpus's cache does not verify under another corpus's header.
"""

from __future__ import annotations

import hashlib
import json
import operator
import sys
from array import array
from datetime import date
from operator import itemgetter

MAGIC = b"kzlaw-cache-6\n"  # 6: holdings know reported measures (semantics.md section 7)
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
        return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as e:
        raise CacheFormatError(str(e)) from None


def bind(header_fields: tuple, data: bytes) -> str:
    """The SHA-256 of a frame, bound to the corpus it was written for."""
    h = hashlib.sha256()
    for field in header_fields:
        h.update(field.encode("utf-8", "surrogatepass") + b"\0")
    h.update(data)
    return h.hexdigest()


def manifest_digest(manifest: tuple) -> str:
    return hashlib.sha256(repr(manifest).encode("utf-8", "surrogatepass")).hexdigest()


# --- the compiled timeline --------------------------------------------------------------------

# The compiled timeline is most of a warm run's reading, so it is stored as tables of 32-bit
# numbers (read with one copy) and one string table: each distinct string, tuple of strings,
# attribute set and value once (the sharing the timeline has in memory). Indexes are unsigned,
# so one out of range is an IndexError, never another item counted from the end.
#
#   frame: the strings, UTF-8, separated by NUL (which no corpus text contains)
#   frame: little-endian uint32s: every, then 9 sections, each its length and its numbers:
#     tuple offsets (T+1), tuple items: each tuple is written as an edit of an earlier one
#       (most are the same fact's previous `by` or sources with one reference added):
#       1 + that tuple's index (0: none), the length of the prefix and of the suffix kept
#       from it, then the string indexes in between
#     attribute-set offsets (A+1), attribute items (name, then 2*string or 2*tuple+1),
#     values (status 0 in-force / 1 uncertain, attribute set, by tuple, sources tuple)...,
#     fact keys (kind, target, about: string indexes, about 1 + index or 0 for none)...,
#     segment offsets (F+1), segment values (1 + value index, 0 for absent)
#   the rest: little-endian int32s, the segment starts (day ordinals)

SECTIONS = 9


def _pack(code: str, numbers: list) -> bytes:
    arr = array(code, numbers)  # OverflowError for a number out of range
    if sys.byteorder != "little":
        arr.byteswap()
    return arr.tobytes()


def _unpack(code: str, data: bytes) -> array:
    arr = array(code)
    if len(data) % arr.itemsize:
        raise CacheFormatError("truncated numbers")
    arr.frombytes(data)
    if sys.byteorder != "little":
        arr.byteswap()
    return arr


def encode_compiled(compiled) -> bytes:
    strings: dict = {}
    tuples: dict = {}
    attributes: dict = {}
    values: dict = {}
    t_off, t_items, a_off, a_items, v_items = [0], [], [0], [], []
    keys, f_off, f_refs, f_starts = [], [0], [], []

    def s(x):
        i = strings.get(x)
        if i is None:
            if type(x) is not str or "\0" in x:
                raise TypeError("not storable text")
            i = strings[x] = len(strings)
        return i

    tuple_list: list = []

    def t(x, base=None):
        i = tuples.get(x)
        if i is None:
            i = tuples[x] = len(tuples)
            tuple_list.append(x)
            prefix = suffix = 0
            if base is not None:
                b = tuple_list[base]
                limit = min(len(b), len(x))
                while prefix < limit and b[prefix] == x[prefix]:
                    prefix += 1
                while suffix < limit - prefix and b[-1 - suffix] == x[-1 - suffix]:
                    suffix += 1
            t_items.extend((0 if base is None else base + 1, prefix, suffix))
            t_items.extend(s(y) for y in x[prefix:len(x) - suffix])
            t_off.append(len(t_items))
        return i

    def a(x):
        i = attributes.get(x)
        if i is None:
            i = attributes[x] = len(attributes)
            for name, value in x:
                a_items.append(s(name))
                a_items.append(2 * t(value) + 1 if isinstance(value, tuple) else 2 * s(value))
            a_off.append(len(a_items))
        return i

    for key, (starts, vals) in compiled.segments.items():
        keys += [s(key[0]), s(key[1]), 0 if key[2] is None else 1 + s(key[2])]
        prev = None
        for v in vals:
            if v is None:
                f_refs.append(0)
                continue
            i = values.get(v)
            if i is None:
                i = values[v] = len(values)
                status, attrs, by, sources = v
                by_i = t(by, None if prev is None else prev[2])
                v_items += [STATUSES.index(status), a(attrs), by_i,
                            t(sources, None if prev is None else prev[3])]
            prev = v_items[4 * i:4 * i + 4]
            f_refs.append(1 + i)
        f_starts.extend(starts)
        f_off.append(len(f_starts))
    numbers = [compiled.snapshot_every]
    for section in (t_off, t_items, a_off, a_items, v_items, keys, f_off, f_refs):
        numbers.append(len(section))
        numbers += section
    return (frame("\0".join(strings).encode("utf-8")) + frame(_pack("I", numbers))
            + _pack("i", f_starts))


def _offsets(arr, n_items: int) -> None:
    """Offsets start at 0, never decrease and end at the number of items."""
    if not arr or arr[0] != 0 or arr[-1] != n_items or \
            any(map(operator.gt, arr, arr[1:])):
        raise CacheFormatError("bad offsets")


def _frames(data: bytes, n: int) -> list:
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


def decode_compiled(data: bytes) -> tuple[dict, int]:
    """``(segments, snapshot_every)`` for ``Compiled``, every number checked to be in range,
    so that the timeline reads only what it expects."""
    try:
        return _decode_compiled(data)
    except (IndexError, ValueError, TypeError) as e:
        raise CacheFormatError(str(e)) from None


def _decode_compiled(data: bytes) -> tuple[dict, int]:
    text, numbers, starts_data = _frames(data, 2)
    strings = text.decode("utf-8").split("\0") if text else []  # UnicodeDecodeError: ValueError
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
    t_off, t_items, a_off, a_items, v_items, keys, f_off, f_refs = sections

    _offsets(t_off, len(t_items))
    tuples: list = []
    for lo, hi in zip(t_off, t_off[1:]):
        if hi - lo < 3:
            raise CacheFormatError("bad tuple")
        base, prefix, suffix = t_items[lo:lo + 3]
        if hi - lo > 4:
            middle = itemgetter(*t_items[lo + 3:hi])(strings)
        else:
            middle = (strings[t_items[lo + 3]],) if hi - lo == 4 else ()
        if base:
            if base > len(tuples):
                raise CacheFormatError("a tuple refers to a later one")
            b = tuples[base - 1]
            if prefix + suffix > len(b):
                raise CacheFormatError("bad tuple edit")
            middle = b[:prefix] + middle + b[len(b) - suffix:]
        elif prefix or suffix:
            raise CacheFormatError("bad tuple edit")
        tuples.append(middle)

    _offsets(a_off, len(a_items))
    if any(x % 2 for x in a_off):
        raise CacheFormatError("bad attributes")
    both = (strings, tuples)
    attributes = []
    for lo, hi in zip(a_off, a_off[1:]):
        attributes.append(tuple((strings[a_items[j]], both[a_items[j + 1] & 1][a_items[j + 1] >> 1])
                                for j in range(lo, hi, 2)))

    if len(v_items) % 4:
        raise CacheFormatError("bad values")
    values = [None]  # 0: absent
    values += zip(map((STATUSES[0], STATUSES[1]).__getitem__, v_items[0::4]),
                  map(attributes.__getitem__, v_items[1::4]),
                  map(tuples.__getitem__, v_items[2::4]),
                  map(tuples.__getitem__, v_items[3::4]))

    nf = len(f_off) - 1
    if len(keys) != 3 * nf or len(all_starts) != len(f_refs):
        raise CacheFormatError("bad facts")
    _offsets(f_off, len(all_starts))
    abouts = [None] + strings
    segments = {}
    for i in range(nf):
        lo, hi = f_off[i], f_off[i + 1]
        starts = all_starts[lo:hi].tolist()
        if not starts or any(map(operator.ge, starts, starts[1:])):
            raise CacheFormatError("segment starts do not increase")
        key = (strings[keys[3 * i]], strings[keys[3 * i + 1]], abouts[keys[3 * i + 2]])
        if key in segments:
            raise CacheFormatError("duplicate fact")
        segments[key] = (starts, list(map(values.__getitem__, f_refs[lo:hi])))
    return segments, every


# --- everything else: plain values and kzlaw's data classes -----------------------------------
#
# None, bool, int and str are themselves; containers are lists led by a tag:
#   ["l", x...] list   ["t", x...] tuple   ["s", x...] set   ["f", x...] frozenset
#   ["d", k, v, k, v...] dict   ["o", NAME, field values...] an instance of table()[NAME]
#   ["r", N] the same list, dict, set or object as the N-th one met before
#   ["D", N] the calendar day with ordinal N (datetime.date)

def _classes() -> dict:
    """Short name -> (class, the attributes it is rebuilt from, how). Only these classes can
    come out of a cache file; the table is built from the classes a compiled corpus holds."""
    import attrs

    from .check import Lines
    from .dates import Alternative, UncertainDate
    from .engine import Event, EventTable, Holding
    from .loader import RawCorpus
    from .model import (CorpusInfo, Dates, Effect, Measure, Pattern, Rule, Source, SourceRef,
                        VocabEntry)
    from .names import Names
    from .problems import Problem
    from .rules import Derivation, FactIndex
    from .yamlfile import LMap, LSeq
    table = {}
    for cls in (Alternative, UncertainDate, Event, Holding, RawCorpus, Dates, Effect, Measure,
                Pattern, Rule, Source, SourceRef, VocabEntry, Derivation, Problem, CorpusInfo):
        table[cls.__name__] = (cls, tuple(a.name for a in attrs.fields(cls)), "slots")
    table["Lines"] = (Lines, tuple(Lines.__slots__), "slots")
    # plain classes: exactly the attributes a new (empty) one has
    for cls, empty in ((EventTable, ()), (FactIndex, ()), (Names, ({}, {}))):
        table[cls.__name__] = (cls, frozenset(vars(cls(*empty))), "dict")
    table["LMap"] = (LMap, ("line", "lines"), "dict-base")
    table["LSeq"] = (LSeq, ("line", "lines"), "list-base")
    return table


_TABLE: dict = {}


def table() -> dict:
    if not _TABLE:
        _TABLE.update(_classes())
    return _TABLE


def encode_value(value):
    """The JSON-ready form of ``value``; ``TypeError`` for anything outside the format."""
    by_class = {spec[0]: (name, spec[1], spec[2]) for name, spec in table().items()}
    enc = _encoder(by_class)
    return enc(value)


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
    return enc


def decode_value(doc):
    """The value ``encode_value`` gave ``doc``; ``CacheFormatError`` for anything else."""
    classes = table()
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
        if tag == "t":
            return tuple(map(dec, v[1:]))
        if tag == "f":
            return frozenset(map(dec, v[1:]))
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
            out = list(map(dec, v[1:]))
        elif tag == "d":
            if len(v) % 2 != 1:
                raise CacheFormatError("odd dict")
            out = {}
            it = iter(v[1:])
            for k in it:
                out[dec(k)] = dec(next(it))  # TypeError for an unhashable key
        elif tag == "s":
            out = set(map(dec, v[1:]))
        elif tag == "o" and len(v) >= 2 and type(v[1]) is str:
            out = obj(v)
        else:
            raise CacheFormatError("unknown tag")
        made[slot] = out
        return out

    def obj(v):
        spec = classes.get(v[1])
        if spec is None:
            raise CacheFormatError(f"{v[1]!r} is not a kzlaw data class")
        cls, fields, how = spec
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


__all__ = ["MAGIC", "CacheFormatError", "frame", "dumps", "loads", "bind", "manifest_digest",
           "encode_compiled", "decode_compiled", "encode_value", "decode_value"]
