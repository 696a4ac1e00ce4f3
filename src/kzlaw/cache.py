"""The compiled cache: a corpus compiled once is stored in the user's cache folder, so a second
run on unchanged files skips parsing, checking and compiling.

**Key.** One cache file per corpus folder (its real path) and kzlaw version. Inside, the
digest of a manifest of every file and folder under ``measures/`` and ``rules/``: path, size,
modification and change times in nanoseconds, inode. A run uses the cache only if the folder's
manifest is identical. Every file is looked at (one ``stat`` each, relative to its open
folder): an edit in place changes only the file's own times, never its folder's, so folder
times alone would miss it.
A corpus read at a git revision (``record.py``) is keyed by its commit id instead: what a commit
holds never changes.

**Why stat is enough (the "racy" rule, as in git).** Any write to a file sets its change time
to the current time, and the change time cannot be set back. The cache is only written when
every file's times are older than ``RACY_SECONDS`` before the moment the manifest was taken;
so a file edited later (even with the same size and within the same clock tick) always has a
different change time than the one stored. A corpus whose files were just written is simply not
cached until they are older.

**Safety.** A cache file is data, not code: versioned, length-framed JSON (``cachefile.py``)
that can hold only plain values and kzlaw's own data classes, so a planted file cannot run
code. A file is used only if it names this corpus's real path, kzlaw's code and the digest of
the current manifest, and its parts' digests (bound to those) verify; one that is corrupt,
truncated, from another kzlaw, Python or corpus is ignored (and replaced). The cache folder is
created private (0700) and files are created 0600; a folder or file that another user owns or
could write, and a folder inside the corpus, are not used at all (the corpus is then loaded
from its files, silently). ``--no-cache`` (or ``KZLAW_NO_CACHE=1``) bypasses it;
``KZLAW_CACHE_DIR`` moves it (a relative one is taken from the current folder).
"""

from __future__ import annotations

import gc
import hashlib
import math
import os
import stat
import sys
import time
from array import array
from collections.abc import Callable, Mapping
from itertools import chain, repeat
from operator import attrgetter
from typing import NamedTuple, Optional

from . import __version__
from . import cachefile as fmt
from .problems import KzlawError, Problem

MAGIC = fmt.MAGIC
RACY_SECONDS = None  # seconds; None: $KZLAW_CACHE_RACY_SECONDS, default 1
MAX_RACY_SECONDS = 86400


def racy_seconds() -> float:
    """How old every corpus file must be before the corpus is cached. A value of
    ``KZLAW_CACHE_RACY_SECONDS`` that is not a number of seconds from 0 to 86400 is refused
    (exit 1) rather than guessed at."""
    if RACY_SECONDS is not None:
        return RACY_SECONDS
    text = os.environ.get("KZLAW_CACHE_RACY_SECONDS")
    if text is None or not text.strip():
        return 1.0
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= MAX_RACY_SECONDS:  # also refuses nan
        raise KzlawError([Problem("KZLAW_CACHE_RACY_SECONDS", 0,
                                  f"{text!r} is not a number of seconds from 0 to "
                                  f"{MAX_RACY_SECONDS}")])
    return value


def cache_dir() -> str:
    """The cache folder, as an absolute path (a relative ``KZLAW_CACHE_DIR`` is taken from
    the current folder)."""
    explicit = os.environ.get("KZLAW_CACHE_DIR")
    if explicit:
        return os.path.abspath(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.abspath(os.path.join(base, "kzlaw"))


def _inside(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _private(st: os.stat_result) -> bool:
    """Owned by this user (or root) and writable by no one else."""
    return st.st_uid in (os.geteuid(), 0) and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def usable_dir(root: str, create: bool) -> str | None:
    """The cache folder if kzlaw may use it for the corpus at ``root``: not inside the corpus,
    a real folder owned by this user (or root) that no one else can write. With ``create``,
    a missing folder is made (0700)."""
    folder = cache_dir()
    if _inside(folder, root):
        return None
    try:
        if create:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.stat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or not _private(st):
        return None
    return folder


def code_fingerprint() -> str:
    """kzlaw's version and its own source files' signatures: a cache written by other code
    (an upgrade, or an edit in a development checkout) is never used."""
    here = os.path.dirname(os.path.abspath(__file__))
    parts = [__version__, str(sys.version_info[:3])]
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            st = os.stat(os.path.join(here, name))
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def cache_path(root: str) -> str:
    real = os.path.realpath(root)
    tag = f"{__version__}|{sys.version_info[:2]}|{real}".encode("utf-8", "surrogatepass")
    return os.path.join(cache_dir(), hashlib.sha256(tag).hexdigest()[:24] + ".cache")


class Manifest(NamedTuple):
    """What the corpus's files are, as far as the cache needs to know: the SHA-256 of every
    file's and folder's path, size, modification and change times (ns) and inode, and the
    newest of those times (the racy rule)."""

    digest: str
    newest_ns: int
    entries: int


_KIND_FILE, _KIND_DIR, _KIND_LINK = stat.S_IFREG >> 12, stat.S_IFDIR >> 12, stat.S_IFLNK >> 12
_SIGNATURE = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")
_MODE = attrgetter("st_mode")


def manifest(root: str) -> Manifest:
    """Every file and folder under measures/ and rules/, with its stat signature. Links are
    followed (each folder once, so a loop ends), as the loader follows them.

    The signature is taken file by file: an edit in place changes only the file's own times,
    not its folder's, so no folder-level signal can stand in for it. Each folder is opened
    once and its files are looked up relative to it (``fstatat``), and the figures go into
    one table of numbers hashed at the end, so a file costs one system call and a few
    Python steps."""
    texts: list = []  # per folder: its relative path, then its entries' names
    heads = array("q")  # per folder: its number of entries, or -1 unreadable, -2 seen before
    numbers = array("q")  # per entry: size, modification and change times, inode
    seen: set = set()
    lstat = os.stat
    for sub in ("measures", "rules"):
        stack = [(os.path.join(root, sub), sub)]
        while stack:
            folder, rel = stack.pop()
            texts.append(rel)
            try:
                fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            except OSError:
                heads.append(-1)
                continue
            try:
                st = os.fstat(fd)
                if (st.st_dev, st.st_ino) in seen:  # a link back to a folder already listed
                    heads.append(-2)
                    continue
                seen.add((st.st_dev, st.st_ino))
                names = os.listdir(fd)
                heads.append(len(names))
                texts += names
                base = len(numbers)
                try:  # the usual case, without a Python step per file
                    sts = [lstat(name, dir_fd=fd, follow_symlinks=False) for name in names]
                    numbers.extend(chain.from_iterable(map(_SIGNATURE, sts)))
                    kinds = {mode >> 12 for mode in set(map(_MODE, sts))}
                except OSError:  # a file vanished meanwhile: file by file
                    sts, kinds = None, None
                    numbers.extend(repeat(0, 4 * len(names)))
                if kinds == {_KIND_FILE}:
                    continue
                for i, name in enumerate(names):
                    at = base + 4 * i
                    try:
                        st = sts[i] if sts is not None else \
                            lstat(name, dir_fd=fd, follow_symlinks=False)
                        kind = st.st_mode >> 12
                        link_ctime = 0
                        if kind == _KIND_LINK:
                            link_ctime = st.st_ctime_ns
                            st = lstat(name, dir_fd=fd)
                            kind = st.st_mode >> 12
                        numbers[at:at + 4] = array("q", (st.st_size, st.st_mtime_ns,
                                                         max(link_ctime, st.st_ctime_ns),
                                                         st.st_ino))
                        if kind == _KIND_DIR:
                            stack.append((folder + os.sep + name, rel + "/" + name))
                    except OSError:  # vanished meanwhile, or a dangling link
                        numbers[at:at + 4] = array("q", (-1, 0, 0, 0))
            finally:
                os.close(fd)
    h = hashlib.sha256("\0".join(texts).encode("utf-8", "surrogatepass"))
    h.update(heads.tobytes())
    h.update(numbers.tobytes())
    newest = max(max(numbers[1::4], default=0), max(numbers[2::4], default=0))
    return Manifest(h.hexdigest(), newest, len(numbers) // 4)


class Pending:
    """A manifest being taken by a child process (``manifest_started``): ``result()`` waits
    for it and gives it. A child that fails in any way gives nothing, and the manifest is
    then taken here, so ``result()`` is always ``manifest(root)`` of that moment."""

    def __init__(self, root: str, pid: int, fd: int):
        self.root, self._pid, self._fd = root, pid, fd
        self._result: Optional[Manifest] = None

    def result(self) -> Manifest:
        if self._result is None:
            chunks = []
            try:
                while True:
                    chunk = os.read(self._fd, 4096)
                    if not chunk:
                        break
                    chunks.append(chunk)
            finally:
                os.close(self._fd)
                _pid, status = os.waitpid(self._pid, 0)
            self._result = _parse_manifest(b"".join(chunks)) if status == 0 else None
            if self._result is None:
                self._result = manifest(self.root)
        return self._result


def _parse_manifest(data: bytes) -> Optional[Manifest]:
    """The manifest a child wrote (``digest newest entries``), or None if it is not one."""
    try:
        digest, newest, entries = data.decode("ascii").split(" ")
        got = Manifest(digest, int(newest), int(entries))
    except ValueError:
        return None
    ok = len(digest) == 64 and set(digest) <= set("0123456789abcdef") and got.entries >= 0
    return got if ok else None


def manifest_started(root: str) -> "Manifest | Pending":
    """``manifest(root)``, taken by a child process while this one goes on (reading the
    cache file): the stat calls are the kernel's work, which a second core does meanwhile,
    as git's ``core.preloadIndex`` spreads its ``lstat``s over threads (here a process: a
    thread would wait for the interpreter lock after every call). The files' signatures are
    exactly those ``manifest`` takes, hashed the same way; a cache file is used only once
    they are known to be its own (``load``). Where a second process cannot be made safely
    (no ``fork``, macOS, other threads running) or fails, the manifest is taken here."""
    if not hasattr(os, "fork") or sys.platform == "darwin" or _threads() > 1:
        return manifest(root)
    import signal
    blocked = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)  # none reaches the child's Python
    try:
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return manifest(root)
        if pid == 0:  # the child: the manifest into the pipe, then out, whatever happens
            code = 1
            try:
                os.close(r)
                m = manifest(root)
                os.write(w, f"{m.digest} {m.newest_ns} {m.entries}".encode("ascii"))
                code = 0
            finally:
                os._exit(code)
        os.close(w)
        return Pending(root, pid, r)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _threads() -> int:
    import threading
    return threading.active_count()


def finished(current):
    """The manifest itself of what ``manifest_started`` gave (a revision's key as it is)."""
    return current.result() if isinstance(current, Pending) else current


def _racy(entries: Manifest, stamp_ns: int) -> bool:
    return entries.newest_ns >= stamp_ns - int(racy_seconds() * 1e9)


def _key_digest(key) -> str:
    """The digest a cache file is stored under: the manifest's, or a revision key's."""
    return key.digest if isinstance(key, Manifest) else fmt.manifest_digest(key)


def _header_fields(root: str, code: str, manifest_digest: str) -> tuple:
    return (os.path.realpath(root), code, manifest_digest)


def _read_exact(f, size: int) -> bytes:
    data = f.read(size)
    if len(data) != size:
        raise fmt.CacheFormatError("truncated")
    return data


def _open_private(path: str):
    """The cache file opened for reading, if it is a regular file of this user's that no one
    else can write (never through a symbolic link); else None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or not _private(st):
        os.close(fd)
        return None
    return os.fdopen(fd, "rb")


class Cached(NamedTuple):
    """What the cache gives back of a corpus (``corpus.Corpus.from_cache`` makes the corpus):
    its compiled timeline and corpus.yaml information, decoded; ``rest()``, the rest of its
    parts (read when first called); and ``fact_parts``, its per-fact parts (FACT_PARTS),
    each fact's list read when first asked for."""

    compiled: object
    info: object
    rest: Callable[[], dict]
    fact_parts: dict


def load(root: str, current: tuple, fresh: Callable[[], dict]) -> Optional[Cached]:
    """What the cache holds of the corpus at ``root`` if it was stored for exactly the files
    of the manifest ``current``, else None (a ``Pending`` manifest is waited for once the
    timeline is read, and compared then: nothing read is handed back before). The compiled timeline is decoded at once; each
    fact's holdings and derivations (what a diff and an explanation read) when a question
    first asks about the fact; the rest of the corpus (measures, events, sources: what show,
    history and the reports need) only when first used, so a question pays for what it
    reads. ``fresh()`` gives the parts of the corpus built from its files, which ``rest()``
    gives instead if that part of the cache file is damaged or was replaced meanwhile."""
    if usable_dir(root, create=False) is None:
        return None
    path = cache_path(root)
    f = _open_private(path)
    if f is None:
        return None
    try:
        with f:
            total = os.fstat(f.fileno()).st_size
            if f.read(len(MAGIC)) != MAGIC:
                return None
            at = len(MAGIC)
            sizes = []
            for i in range(4):
                size = int.from_bytes(_read_exact(f, 8), "big")
                at += 8
                if size <= 0 or at + size > total:
                    return None
                sizes.append((at, size))
                if i == 0:
                    header = fmt.loads(_read_exact(f, size))
                elif i == 1:
                    compiled_bytes = _read_exact(f, size)  # the timeline, its names, the info
                else:  # the facts' parts and the rest are read only if they are needed
                    f.seek(size, os.SEEK_CUR)
                at += size
            if at != total:
                return None
        if type(header) is not dict or set(header) != {"root", "code", "manifest",
                                                          "compiled", "rest", "facts"}:
            return None
        pending = isinstance(current, Pending)  # its digest is compared once it is known
        if pending and type(header["manifest"]) is not str:
            return None
        fields = _header_fields(root, code_fingerprint(),
                                header["manifest"] if pending else _key_digest(current))
        if (header["root"], header["code"], header["manifest"]) != fields:
            return None
        if fmt.bind(fields, compiled_bytes) != header["compiled"]:
            return None
        timeline, extra = fmt._frames(memoryview(compiled_bytes), 1)
        # each fact's lists are made when first asked for; a state reads the tables
        segments, every = _without_gc(lambda data: fmt.decode_compiled(data, lazy=True),
                                      timeline)
        info, names, why = _without_gc(fmt.decode_extra, extra)
    except (OSError, fmt.CacheFormatError):
        return None
    if pending and current.result().digest != header["manifest"]:
        return None  # the files are not those the cache was written for
    from .model import CorpusInfo
    from .timeline import Compiled
    if not isinstance(info, CorpusInfo):
        return None
    compiled = Compiled.__new__(Compiled)
    compiled.__setstate__({"segments": segments, "snapshot_every": every,
                           "names": names, "why": why})
    state: dict = {}  # the rest, once read

    def rest():
        """The rest of the corpus; if that part of the cache is damaged (or was replaced
        meanwhile), the corpus is loaded afresh from its files instead."""
        if state:
            return state
        got = None
        data = _read_frame(path, sizes[2], fields, header["rest"])
        if data is not None:
            try:
                got = _without_gc(fmt.decode_value, fmt.loads(data))
            except fmt.CacheFormatError:
                got = None
        if not isinstance(got, dict) or not isinstance(got.get("holdings"), list) or \
                not all(type(k) is str for k in got):
            got = fresh() | {"compiled": compiled, "info": info}
        else:  # as Corpus builds them: the holdings of each fact, in the holdings' order
            by_fact: dict = {}
            for h in got["holdings"]:
                by_fact.setdefault(h.fact, []).append(h)
            got["holdings_by_fact"] = by_fact
        state.update(got)
        return state

    facts = _FactParts(path, sizes[3], fields, header["facts"], rest)
    return Cached(compiled, info, rest, {name: _FactPart(name, facts) for name in fmt.FACT_PARTS})


def _read_frame(path: str, where: tuple, fields: tuple, digest: str):
    """The bytes of a frame read later, if they still verify (the file may have been
    replaced or damaged meanwhile), else None."""
    try:
        g = _open_private(path)
        if g is None:
            return None
        with g:
            g.seek(where[0])
            data = _read_exact(g, where[1])
    except (OSError, fmt.CacheFormatError):
        return None
    return data if fmt.bind(fields, data) == digest else None


class _FactParts:
    """The facts frame of a cache file, read and verified on first use; ``failed`` when it
    cannot be (then the parts come from the rest of the corpus)."""

    def __init__(self, path: str, where: tuple, fields: tuple, digest: str, rest):
        self._args = (path, where, fields, digest)
        self.rest = rest
        self.index = None
        self.docs = None
        self.failed = False

    def where(self, name: str):
        if self.index is None and not self.failed:
            data = _read_frame(*self._args)
            try:
                if data is None:
                    raise fmt.CacheFormatError("unreadable")
                self.index, self.docs = fmt.read_fact_parts(data)
            except fmt.CacheFormatError:
                self.failed = True
        return None if self.failed else self.index[name]


class _FactPart(Mapping):
    """fact -> list (its holdings, or its derivations) of a cached corpus, as the dict of a
    corpus built from its files: each fact's list decoded from the cache file the first time
    it is asked for, then kept. If the cache cannot give it, the rest of the corpus does."""

    def __init__(self, name: str, parts: _FactParts):
        self._name = name
        self._parts = parts
        self._lists: dict = {}
        self._eager = None  # the rest's dict, once the cache failed

    def _fallback(self) -> dict:
        if self._eager is None:
            self._eager = self._parts.rest()[self._name]
        return self._eager

    def _entry(self, key):
        """The fact's list, _MISSING for a fact without one."""
        got = self._lists.get(key, _MISSING)
        if got is not _MISSING or self._eager is not None:
            return got if self._eager is None else self._eager.get(key, _MISSING)
        where = self._parts.where(self._name)
        if where is None:
            return self._fallback().get(key, _MISSING)
        span = where.get(key) if type(key) is tuple else None
        if span is None:
            return _MISSING
        try:
            got = fmt.decode_fact_part(self._parts.docs, span, self._name)
        except fmt.CacheFormatError:
            self._parts.failed = True
            return self._fallback().get(key, _MISSING)
        self._lists[key] = got
        return got

    def __getitem__(self, key):
        got = self._entry(key)
        if got is _MISSING:
            raise KeyError(key)
        return got

    def get(self, key, default=None):
        got = self._entry(key)
        return default if got is _MISSING else got

    def __contains__(self, key) -> bool:
        return self._entry(key) is not _MISSING

    def _keys(self):
        if self._eager is None:
            where = self._parts.where(self._name)
            if where is not None:
                return where
        return self._fallback()

    def __iter__(self):
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __repr__(self) -> str:
        return f"<{self._name} of a cached corpus: {len(self)} facts>"


_MISSING = object()


def _without_gc(fn, arg):
    # The cyclic garbage collector would walk the growing heap again and again while hundreds
    # of thousands of tuples are created; nothing decoded here is garbage.
    # Afterwards the objects are moved out of the collector's sight (gc.freeze): they live as
    # long as the corpus, and later collections would otherwise walk all of them again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return fn(arg)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def store(root: str, corpus, before: tuple, stamp_ns: int, fixed: bool = False) -> bool:
    """Write the cache if the files did not change while loading and none is racy. A
    ``fixed`` folder (a revision's files, record.py) never changes: ``before`` is then its
    key (the commit id), not a manifest, and the racy rule does not apply.

    The frames are written to the file as they are encoded, each hashed on the way, and the
    header (its digests) last, over a placeholder of the same length: the encoding of the
    corpus is never all in memory at once."""
    if not fixed and (_racy(before, stamp_ns) or manifest(root) != before):
        return False
    fields = _header_fields(root, code_fingerprint(), _key_digest(before))
    folder = usable_dir(root, create=True)
    if folder is None:
        return False
    c = corpus.compiled
    state = corpus.state_for_cache()
    facts = {name: state[name] for name in fmt.FACT_PARTS}
    del state["holdings_by_fact"]  # rebuilt from the holdings when read

    def compiled_frame(write):
        write(fmt.frame(fmt.encode_compiled(c)))
        write(fmt.encode_extra(corpus.info, c.names, c.why))

    frames = (("compiled", compiled_frame), ("rest", lambda write: fmt.write_value(state, write)),
              ("facts", lambda write: fmt.write_fact_parts(facts, write)))
    digests = {name: "0" * 64 for name, _ in frames}  # a placeholder as long as a digest

    def header() -> bytes:
        return fmt.dumps({"root": fields[0], "code": fields[1], "manifest": fields[2],
                          **digests})

    tmp = None
    try:
        import tempfile  # only a run that writes the cache needs it
        fd, tmp = tempfile.mkstemp(prefix=".kzlaw-cache-", dir=folder)  # 0600
        with os.fdopen(fd, "wb") as f:
            placeholder = header()
            f.write(MAGIC + fmt.frame(placeholder))
            for name, write_frame in frames:
                at = f.tell()
                f.write(bytes(8))  # the frame's length, once known
                h = fmt.binder(fields)
                write_frame(_Tee(h.update, f.write))
                end = f.tell()
                f.seek(at)
                f.write((end - at - 8).to_bytes(8, "big"))
                f.seek(end)
                digests[name] = h.hexdigest()
            final = header()
            if len(final) != len(placeholder):
                return False
            f.seek(len(MAGIC) + 8)
            f.write(final)
        os.replace(tmp, cache_path(root))
        tmp = None
    except (TypeError, ValueError, OverflowError, RecursionError):  # a corpus the format cannot hold
        return False
    except OSError:
        return False
    finally:  # also on Ctrl-C or SIGTERM: no temporary file is left behind
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return True


class _Tee:
    """Bytes to the digest and to the file."""

    __slots__ = ("update", "write")

    def __init__(self, update, write):
        self.update, self.write = update, write

    def __call__(self, data: bytes) -> None:
        self.update(data)
        self.write(data)


def now_ns() -> int:
    return time.time_ns()


def disabled() -> bool:
    return os.environ.get("KZLAW_NO_CACHE", "") not in ("", "0")


__all__ = ["load", "store", "manifest", "cache_path", "cache_dir", "now_ns", "disabled"]
