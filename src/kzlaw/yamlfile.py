"""Reading one YAML file safely, keeping the line of every key and item.

kzlaw builds plain Python values from libyaml's event stream (the C parser where available)
instead of using a constructor, so that it can refuse, deliberately and with a line number:
duplicate keys, anchors and aliases (no alias bombs), explicit tags (nothing is ever
constructed from ``!!python/...``), documents nested deeper than ``MAX_DEPTH`` or holding
more than ``MAX_NODES`` values, several documents, byte-order marks, invalid UTF-8, control
characters (raw or escaped like ``"\\e[2J"``: they could rewrite the user's terminal) and files
over ``MAX_BYTES``.

Plain scalars are strings (YAML 1.1's implicit booleans, numbers and timestamps are not
applied: ``yes``, ``0416`` and ``1999-07-13`` stay as written), except ``null``, ``~`` and an
empty value, which are ``None``.
"""

from __future__ import annotations

import os
import re

# PyYAML, imported the first time a file goes the general way (see _general_reader): a corpus
# of plainly written files is read without it.
yaml = None
_Loader = None  # libyaml's C parser where available (several times faster)

MAX_BYTES = 1 << 20
MAX_DEPTH = 40
MAX_NODES = 50_000  # values in one file; the largest bundled file has about a thousand

# Equal short texts of the files read are one object (keys, ids, kinds, dates and quotes
# repeat in every file). They are kept in this dict, which ``forget_texts`` empties once a
# corpus is loaded, rather than by ``sys.intern``: the interpreter's table of interned text
# never shrinks, and would keep a slot for every id and title read as long as the process
# lives (4 MB for 50,000 measures).
_TEXTS: dict = {}
_share = _TEXTS.setdefault
_TEXTS_MAX = 2_000_000  # files read outside a load (a line looked up again) never clear it


def forget_texts() -> None:
    """Let go of the texts read (what was built from them keeps its own)."""
    _TEXTS.clear()
_NULLS = {"", "~", "null", "Null", "NULL"}
_STR_TAGS = {None, "!", "tag:yaml.org,2002:str"}
_MAP_TAGS = {None, "tag:yaml.org,2002:map"}
_SEQ_TAGS = {None, "tag:yaml.org,2002:seq"}
_NOKEY = object()  # an LMap waiting for its next key
_SEQ = object()  # marks an LSeq on the stack
# C0 controls other than tab and line feed, DEL and C1 controls: never wanted in a corpus value,
# and printed to a terminal they could rewrite what the user sees. Likewise the bidirectional
# embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069): they reorder the text
# after them on a screen, so what a reader sees and cites is not the text the corpus holds.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"{line}: {message}")


class LMap(dict):
    """A mapping that remembers the line of each key (``lines``) and its own ``line``."""

    __slots__ = ("line", "lines")


class LSeq(list):
    """A list that remembers the line of each item (``lines``) and its own ``line``."""

    __slots__ = ("line", "lines")


def read_text(path: str) -> str:
    """The file's text, refusing what is not a small UTF-8 text file."""
    with open(path, "rb", buffering=0) as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_BYTES:
            raise YamlProblem(0, f"file is {size} bytes, over the {MAX_BYTES}-byte limit")
        data = f.read(size + 1)  # (a buffer of the file's size, not of the limit)
        if len(data) > size:  # it grew since we looked
            data += f.read(MAX_BYTES + 1 - len(data))
    if len(data) > MAX_BYTES:
        raise YamlProblem(0, f"file is over the {MAX_BYTES}-byte limit")
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem(1, "file starts with a byte-order mark: save it as UTF-8 without BOM")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise YamlProblem(line, f"not valid UTF-8 (byte {e.start}: {data[e.start]:#04x})") from None


def parse(text: str):
    """Parse one YAML document into LMap / LSeq / str / None, or raise YamlProblem."""
    if "\x00" in text:
        raise YamlProblem(text.count("\n", 0, text.index("\x00")) + 1, "file contains a NUL byte")
    if len(_TEXTS) > _TEXTS_MAX:
        _TEXTS.clear()
    fast = _fast(text)
    if fast is not _DECLINE:
        return fast
    return parse_general(text)


def parse_general(text: str):
    """``parse`` without the fast path: libyaml's event stream, for any YAML (NUL-free)."""
    _general_reader()
    try:
        loader = _Loader(text)
    except (UnicodeError, ValueError) as e:  # e.g. a lone surrogate in a str given directly
        raise YamlProblem(0, f"not valid text: {e}") from None
    fix = _line_map(text)
    try:
        return _build(loader, fix)
    except yaml.reader.ReaderError as e:  # a control character, with a position, not a line
        line = text.count("\n", 0, max(e.position, 0)) + 1 if isinstance(e.position, int) else 0
        char = e.character if isinstance(e.character, str) else chr(e.character)
        raise YamlProblem(line, f"character {ord(char):#06x} is not allowed in a YAML file "
                          f"({e.reason})") from None
    except yaml.MarkedYAMLError as e:
        # libyaml's own limits (its nesting depth since PyYAML 6.0.4) and its look-ahead can stop
        # it before kzlaw's checks see the first problem; the pure-Python parser has neither,
        # so kzlaw's message never depends on the parser's version.
        own = _own_problem(text)
        if own is not None:
            raise own from None
        mark = e.problem_mark or e.context_mark
        line = (mark.line + 1 if fix is None else fix[min(mark.line, len(fix) - 1)]) \
            if mark is not None else 0
        what = " ".join(str(e.problem or e.context or "syntax error").split())
        lines = text.split("\n")
        here = lines[line - 1] if 0 < line <= len(lines) else ""
        if "?" in here and ("{" in here or "[" in here):
            what += " (inside {...} or [...], quote a ?variable: '?org')"
        raise YamlProblem(line, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as e:
        raise YamlProblem(0, "YAML error: " + " ".join(str(e).split())) from None
    finally:
        loader.dispose()


_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _line_map(text: str):
    """None when YAML and editors count the same lines; else, for each line as YAML counts
    them (it also breaks lines at CR, NEL U+0085, LS U+2028 and PS U+2029), the line an
    editor shows: the number of line feeds before it, plus one."""
    if not any(c in text for c in "\r\x85\u2028\u2029"):
        return None
    out, phys = [1], 1
    for m in _BREAKS.finditer(text):
        if "\n" in m.group():
            phys += 1
        out.append(phys)
    return out


def _own_problem(text: str):
    """The first problem kzlaw's own checks find in ``text``, read with the pure-Python
    parser (which streams events with no depth limit of its own), or None."""
    _general_reader()
    loader = yaml.SafeLoader(text)
    try:
        _build(loader, _line_map(text))
    except YamlProblem as problem:
        return problem
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    finally:
        loader.dispose()
    return None


_SCALAR = _MAP_START = _SEQ_START = _ENDS = _SKIP = None  # PyYAML's event classes


def _general_reader() -> None:
    """Import PyYAML and its event classes, once."""
    global yaml, _Loader, _SCALAR, _MAP_START, _SEQ_START, _ENDS, _SKIP
    if yaml is not None:
        return
    import yaml as pyyaml
    if _Loader is None:  # (a test may have put a stand-in parser here)
        _Loader = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
    _SCALAR = pyyaml.ScalarEvent
    _MAP_START = pyyaml.MappingStartEvent
    _SEQ_START = pyyaml.SequenceStartEvent
    _ENDS = (pyyaml.MappingEndEvent, pyyaml.SequenceEndEvent)
    _SKIP = (pyyaml.StreamStartEvent, pyyaml.DocumentEndEvent)
    yaml = pyyaml


def _build(loader, fix=None):
    """Build the document from the event stream with an explicit stack (no recursion, so
    deep nesting cannot overflow anything). The scalar branch comes first: most events are
    scalars, and this loop is the loader's hot path."""
    stack: list = []  # containers being filled
    keys: list = []  # for each container on the stack: the pending key (_NOKEY, or _SEQ)
    root = _NOKEY
    docs = 0
    nodes = 0  # ``fix``: see _line_map
    get_event = loader.get_event
    control = _CONTROL.search
    while True:
        ev = get_event()
        cls = ev.__class__
        if cls is _SCALAR:
            line = ev.start_mark.line + 1 if fix is None else fix[ev.start_mark.line]
            nodes += 1
            if ev.anchor:
                raise YamlProblem(line, f"anchors (&{ev.anchor}) are not allowed in corpus files")
            if ev.tag not in _STR_TAGS:
                raise YamlProblem(line, f"explicit tag {ev.tag!r} is not allowed "
                                  "(write plain text)")
            text = ev.value
            if control(text):
                bad = control(text).group()
                raise YamlProblem(line, f"control character {ord(bad):#06x} in text "
                                  "is not allowed")
            if len(text) <= 80:  # keys, ids, kinds and dates repeat in every file: share them
                text = _share(text, text)
            value = None if ev.implicit[0] and text in _NULLS else text
            if not stack:
                root = value
                continue
            top = stack[-1]
            key = keys[-1]
            if key is _SEQ:
                top.append(value)
                top.lines.append(line)
            elif key is _NOKEY:
                if value is None:
                    raise YamlProblem(line, "a mapping key must be plain text")
                if value in top:
                    raise YamlProblem(line, f"duplicate key {value!r} "
                                      f"(first at line {top.lines[value]})")
                keys[-1] = value
                top.lines[value] = line
            else:
                top[key] = value
                keys[-1] = _NOKEY
            continue
        if cls is _MAP_START or cls is _SEQ_START:
            line = ev.start_mark.line + 1 if fix is None else fix[ev.start_mark.line]
            nodes += 1
            if nodes > MAX_NODES:
                raise YamlProblem(line, f"more than {MAX_NODES} values in one file: split it")
            is_map = cls is _MAP_START
            if ev.anchor:
                raise YamlProblem(line, f"anchors (&{ev.anchor}) are not allowed in corpus files")
            if ev.tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
                raise YamlProblem(line, f"explicit tag {ev.tag!r} is not allowed")
            if len(stack) >= MAX_DEPTH:
                raise YamlProblem(line, f"nested deeper than {MAX_DEPTH} levels")
            if stack and keys[-1] is _NOKEY:
                raise YamlProblem(line, "a mapping key must be plain text, not a "
                                  + ("mapping" if is_map else "list"))
            c = LMap() if is_map else LSeq()
            c.line = line
            c.lines = {} if is_map else []
            stack.append(c)
            keys.append(_NOKEY if is_map else _SEQ)
            continue
        if cls in _ENDS:
            done = stack.pop()
            keys.pop()
            if not stack:
                root = done
                continue
            top = stack[-1]
            key = keys[-1]
            if key is _SEQ:
                top.append(done)
                top.lines.append(done.line)
            elif key is _NOKEY:  # unreachable: refused at the container's start
                raise YamlProblem(done.line, "a mapping key must be plain text")
            else:
                top[key] = done
                keys[-1] = _NOKEY
            continue
        if ev is None or cls is yaml.StreamEndEvent:
            break
        if cls in _SKIP:
            continue
        line = ev.start_mark.line + 1
        if cls is yaml.DocumentStartEvent:
            docs += 1
            if docs > 1:
                raise YamlProblem(line, "more than one YAML document in the file")
            continue
        if cls is yaml.AliasEvent:
            raise YamlProblem(line, f"aliases (*{ev.anchor}) are not allowed in corpus files")
    if nodes > MAX_NODES:
        raise YamlProblem(0, f"more than {MAX_NODES} values in one file: split it")
    if docs == 0 or root is _NOKEY:
        return None
    return root


def locate(raw, path) -> tuple:
    """The value at ``path`` (keys and indexes) in parsed YAML, and the best line for it: the
    line of the deepest step that exists."""
    node, line = raw, getattr(raw, "line", 0)
    for step in path:
        if isinstance(node, LMap) and step in node:
            line = node.lines.get(step, line)
            node = node[step]
        elif isinstance(node, LSeq) and isinstance(step, int) and step < len(node):
            line = node.lines[step]
            node = node[step]
        else:
            break
    return node, line


def load_file(path: str):
    """Read and parse ``path``; raise YamlProblem with the line where the problem is."""
    return parse(read_text(path))


# --- the fast path ---------------------------------------------------------------------------
# Most corpus files use a small part of YAML: block mappings and lists, one value per line,
# plain or quoted text on one line, short flow collections like {adopted: 2001-04-09} or
# [{ref: s1, quote: synthetic}], block texts (>-, >, |-, |) whose lines share one indentation,
# and whole-line comments. ``_fast`` reads exactly that part, line by line, and gives the same
# LMap/LSeq values and lines as the event-stream reader; on anything else (a comment after a
# value, text running over several plain lines, a paragraph break in a block text, escapes,
# tabs, other line breaks, an anchor, a tag, a problem of any kind) it declines, returning
# _DECLINE, and ``parse`` reads the file the general way, which also gives every message.
# tests/test_fast_paths.py checks the two agree on the bundled corpus, generated corpora,
# generated documents and mutated files.

_DECLINE = object()
# Printable text the general reader takes as it is: tabs, CR, controls, the other line breaks
# (NEL, LS, PS), bidirectional controls (_CONTROL), byte-order marks, surrogates and characters
# past U+FFFD go the general way.
_FAST_TEXT = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202f-\u2065\u206a-\ud7ff\ue000-\ufefe"
                        "\uff00-\ufffd]")
_FAST_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_-]*):(?: +(.*))?$")
# the first character of a plain value (block context; ': ' and a final ':' are checked)
_PLAIN_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_(")
_FLOW_PLAIN = re.compile(r"[A-Za-z0-9_(][^,\[\]{}#:'\"]*")
_FLOW_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_-]*): +")
_SQUOTED = re.compile(r"'((?:[^']|'')*)'")
_DQUOTED = re.compile(r'"([^"\\]*)"')
_SEP = re.compile(r" *(,?) *")
_ITEMS = re.compile(r"} *, *{")


def _fast_plain(text: str):
    """A plain value written after ``key: `` or ``- `` in block context, or _DECLINE."""
    if text in _NULLS:
        return None
    if (text[0] not in _PLAIN_FIRST and not (text[0] > "\x7f" and text[0].isalpha())) \
            or ": " in text or text[-1] == ":":
        return _DECLINE
    return _share(text, text) if len(text) <= 80 else text


def _fast_flow(text: str, pos: int, line: int, budget: list, depth: int = 0):
    """The flow node at ``text[pos]``, and the position after it; (_DECLINE, 0) if it is not
    of the simple kind (which nests at most three deep)."""
    if pos >= len(text) or depth > 3:
        return _DECLINE, 0
    c = text[pos]
    budget[0] -= 1
    if c == "{":
        out = LMap()
        out.line, out.lines = line, {}
        pos += 1
        while text.startswith(" ", pos):
            pos += 1
        if text.startswith("}", pos):
            return out, pos + 1
        while True:
            m = _FLOW_KEY.match(text, pos)
            if m is None:
                return _DECLINE, 0
            key = m.group(1)
            if key in _NULLS or key in out:
                return _DECLINE, 0
            key = _share(key, key)
            budget[0] -= 1
            value, pos = _fast_flow(text, m.end(), line, budget, depth + 1)
            if value is _DECLINE:
                return _DECLINE, 0
            out[key] = value
            out.lines[key] = line
            m = _SEP.match(text, pos)
            if not m.group(1):
                return (out, m.end() + 1) if text.startswith("}", m.end()) else (_DECLINE, 0)
            pos = m.end()
    if c == "[":
        out = LSeq()
        out.line, out.lines = line, []
        pos += 1
        while text.startswith(" ", pos):
            pos += 1
        if text.startswith("]", pos):
            return out, pos + 1
        while True:
            value, pos = _fast_flow(text, pos, line, budget, depth + 1)
            if value is _DECLINE:
                return _DECLINE, 0
            out.append(value)
            out.lines.append(line)
            m = _SEP.match(text, pos)
            if not m.group(1):
                return (out, m.end() + 1) if text.startswith("]", m.end()) else (_DECLINE, 0)
            pos = m.end()
    if c == "'" or c == '"':
        m = (_SQUOTED if c == "'" else _DQUOTED).match(text, pos)
        if m is None:
            return _DECLINE, 0
        value = m.group(1).replace("''", "'") if c == "'" else m.group(1)
        return (_share(value, value) if len(value) <= 80 else value), m.end()
    m = _FLOW_PLAIN.match(text, pos)
    if m is None:
        return _DECLINE, 0
    value = m.group().rstrip(" ")
    end = pos + len(value)
    if value in _NULLS:
        return None, end
    return (_share(value, value) if len(value) <= 80 else value), end


_FLAT_PAIR = re.compile(r" *([A-Za-z0-9_][A-Za-z0-9_-]*): +([A-Za-z0-9_(][^:]*?) *")

def _flat_map(inner: str, line: int):
    """``{k: v, k: v}`` with plain values and nothing nested: its LMap, or None."""
    out = LMap()
    out.line, out.lines = line, {}
    if not inner.strip(" "):
        return out
    lines = out.lines
    for piece in inner.split(","):
        m = _FLAT_PAIR.fullmatch(piece)
        if m is None:
            return None
        key, value = m.groups()
        if key in out or key in _NULLS:  # (the callers saw no brackets or quotes)
            return None
        key = _share(key, key)
        out[key] = None if value in _NULLS else (_share(value, value) if len(value) <= 80 else value)
        lines[key] = line
    return out


def _fast_value(text: str, line: int, budget: list):
    """A flow collection or a quoted text filling the rest of the line, or _DECLINE."""
    if text[0] == "{" and text[-1] == "}" and "{" not in text[1:-1] and "}" not in text[1:-1] \
            and "[" not in text and "]" not in text and "'" not in text and '"' not in text:
        out = _flat_map(text[1:-1], line)
        if out is not None:
            budget[0] -= 2 * len(out) + 1
            return out
    elif text[:2] == "[{" and text[-2:] == "}]" and "[" not in text[1:-1] \
            and "]" not in text[1:-1] and "'" not in text and '"' not in text:
        seq = LSeq()
        seq.line, seq.lines = line, []
        for part in _ITEMS.split(text[2:-2]):
            if "{" in part or "}" in part:
                break
            out = _flat_map(part, line)
            if out is None:
                break
            budget[0] -= 2 * len(out) + 1
            seq.append(out)
            seq.lines.append(line)
        else:
            budget[0] -= 1
            return seq
    value, end = _fast_flow(text, 0, line, budget)
    if value is _DECLINE or end != len(text):
        return _DECLINE
    return value


_FAST_LINE = re.compile(r"^( *)(- +(?=[^ -]))?(?:([A-Za-z0-9_][A-Za-z0-9_-]*):(?: +|$))?(.*)",
                        re.M)
_COMMENT_LINE = re.compile(r"^ *#.*$", re.M)


def _fast(text: str):
    """The document, read the fast way, or _DECLINE (see above)."""
    if _FAST_TEXT.search(text) is not None:
        return _DECLINE
    if "#" in text:
        # a comment line becomes a NUL line (the line count stays): skipped, except inside a
        # block text, where it would be text (there the fast way declines)
        text = _COMMENT_LINE.sub("\x00", text)
        if " #" in text:  # a comment after a value (M#E, with no space, is text)
            return _DECLINE
    # frames: [indent, container, is_map, pending key or None]
    frames: list = []
    root = _DECLINE
    budget = MAX_NODES
    flow = [MAX_NODES]  # what flow collections have left; the two counts add up
    lineno = 0
    top = None
    block = None  # a block text being read: [mapping, key, style, parent indent, lines, blanks]
    raw_lines = None
    for spaces, dash, key, rest in _FAST_LINE.findall(text):
        lineno += 1
        if block is not None:
            if raw_lines is None:
                raw_lines = text.split("\n")
            raw = raw_lines[lineno - 1] if lineno <= len(raw_lines) else ""
            if "\x00" in raw:
                return _DECLINE
            if not raw:
                block[5] += 1
                continue
            if not raw.strip(" "):
                return _DECLINE  # spaces alone may be text (past the indentation)
            if len(spaces) > block[3]:  # a line of the text
                if block[5] or raw[-1] == " ":
                    return _DECLINE  # a paragraph break, trailing spaces: the general way
                if block[4] and len(spaces) != block[6]:
                    return _DECLINE  # a line indented more than the first
                if not block[4]:
                    block.append(len(spaces))
                block[4].append(raw[len(spaces):])
                continue
            if not _end_block(block):
                return _DECLINE
            block = None
        if rest[-1:] == " ":
            rest = rest.rstrip(" ")
        if rest == "\x00" and not dash and not key:
            continue  # a comment line
        if not dash and not key:
            if rest:
                return _DECLINE  # a bare value, a "-" alone, "- - x", "key:value" ...
            continue  # a blank line (or the end of the text)
        indent = len(spaces)
        if top is not None:
            if top[3] is not None:  # the value of ``key:`` starts here, or was empty
                if indent > top[0] or (indent == top[0] and dash):
                    if len(frames) >= MAX_DEPTH - 5:
                        return _DECLINE
                    if dash:
                        c = LSeq()
                        c.lines = []
                    else:
                        c = LMap()
                        c.lines = {}
                    c.line = lineno
                    top[1][top[3]] = c
                    top[3] = None
                    top = [indent, c, not dash, None]
                    frames.append(top)
                else:
                    top[1][top[3]] = None
                    top[3] = None
                budget -= 1
            if top[0] != indent or top[2] == bool(dash):
                while frames[-1][0] > indent or (frames[-1][0] == indent and not frames[-1][2]
                                                 and not dash):
                    frames.pop()
                    if not frames:
                        return _DECLINE  # a second top-level node
                top = frames[-1]
                if top[0] != indent or top[2] == bool(dash):
                    return _DECLINE
        elif dash or indent:
            return _DECLINE  # kzlaw's files are mappings at the top
        else:
            root = LMap()
            root.line, root.lines = lineno, {}
            top = [0, root, True, None]
            frames.append(top)
        budget -= 1
        if dash:
            seq = top[1]
            if not key:
                if not rest:
                    return _DECLINE
                value = _fast_value(rest, lineno, flow) if rest[0] in "{['\"" else \
                    _fast_plain(rest)
                if value is _DECLINE:
                    return _DECLINE
                budget -= 1
                seq.append(value)
                seq.lines.append(lineno)
                continue
            if len(frames) >= MAX_DEPTH - 5:
                return _DECLINE
            c = LMap()
            c.line, c.lines = lineno, {}
            seq.append(c)
            seq.lines.append(lineno)
            top = [indent + len(dash), c, True, None]
            frames.append(top)
        target = top[1]
        if key in target or key in _NULLS:
            return _DECLINE
        key = _share(key, key)
        target.lines[key] = lineno
        budget -= 1
        if not rest:
            top[3] = key
            continue
        first = rest[0]
        if first in "{['\"":
            value = _fast_value(rest, lineno, flow)
            if value is _DECLINE:
                return _DECLINE
        elif rest in _BLOCK_STYLES:  # a block text: its lines follow
            block = [target, key, rest, top[0], [], 0]
            budget -= 1
            continue
        else:
            value = _fast_plain(rest)
            if value is _DECLINE:
                return _DECLINE
        budget -= 1
        target[key] = value
    if block is not None and not _end_block(block, block[5] > 0):
        return _DECLINE
    if budget + flow[0] - MAX_NODES < 0 or root is _DECLINE:
        return _DECLINE
    if top[3] is not None:
        top[1][top[3]] = None
    return root


_BLOCK_STYLES = frozenset((">", ">-", "|", "|-"))


def _end_block(block: list, final_break: bool = True) -> bool:
    """Set the value of a block text read by ``_fast`` (lines at one indentation, no blank
    line between them): folded (``>``) joins them with spaces, literal (``|``) with line
    breaks; ``-`` drops the final line break, which the others keep if the file has one.
    False (decline) for an empty one."""
    target, key, style, _indent, lines, _blanks = block[:6]
    if not lines:
        return False
    value = (" " if style[0] == ">" else "\n").join(lines)
    if not style.endswith("-") and final_break:
        value += "\n"
    target[key] = _share(value, value) if len(value) <= 80 else value
    return True
