"""The compiled cache: a corpus compiled once is stored in the user's cache folder, so a second
run on unchanged files skips parsing, checking and compiling.

**Key.** One cache file per corpus folder (its real path) and kzlaw version. Inside, a
manifest of every file under ``measures/`` and ``rules/``: path, size, modification and change
times in nanoseconds, inode. A run uses the cache only if the folder's manifest is identical.

**Why stat is enough (the "racy" rule, as in git).** Any write to a file sets its change time
to the current time, and the change time cannot be set back. The cache is only written when
every file's times are older than ``RACY_SECONDS`` before the moment the manifest was taken;
so a file edited later (even with the same size and within the same clock tick) always has a
different change time than the one stored. A corpus whose files were just written is simply not
cached until they are older.

**Safety.** A cache file that is corrupt, truncated, from another kzlaw or Python version, or
for another folder is ignored (and replaced). It is unpickled with an allow-list of kzlaw's own
classes and plain builtins, so even a planted cache file cannot run code. ``--no-cache`` (or
``KZLAW_NO_CACHE=1``) bypasses it; ``KZLAW_CACHE_DIR`` moves it. The cache never lives inside
the corpus.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import sys
import tempfile
import time

from . import __version__

MAGIC = b"kzlaw-cache-4\n"
RACY_SECONDS = float(os.environ.get("KZLAW_CACHE_RACY_SECONDS", "1.0"))


def cache_dir() -> str:
    explicit = os.environ.get("KZLAW_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kzlaw")


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
    tag = f"{__version__}|{sys.version_info[:2]}|{real}".encode()
    return os.path.join(cache_dir(), hashlib.sha256(tag).hexdigest()[:24] + ".pickle")


def manifest(root: str) -> tuple:
    """Every file and folder under measures/ and rules/, with its stat signature."""
    out = []
    for sub in ("measures", "rules"):
        stack = [(os.path.join(root, sub), sub)]
        while stack:
            folder, rel = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                out.append((rel, -1, 0, 0, 0))
                continue
            for e in entries:
                name = rel + "/" + e.name
                try:
                    st = e.stat(follow_symlinks=False)
                    if e.is_symlink():
                        target = os.stat(e.path)
                        st_ctime = max(st.st_ctime_ns, target.st_ctime_ns)
                        st = target
                    else:
                        st_ctime = st.st_ctime_ns
                        if e.is_dir(follow_symlinks=False):
                            stack.append((e.path, name))
                except OSError:
                    out.append((name, -1, 0, 0, 0))
                    continue
                out.append((name, st.st_size, st.st_mtime_ns, st_ctime, st.st_ino))
    out.sort()
    return tuple(out)


def _racy(entries: tuple, stamp_ns: int) -> bool:
    limit = stamp_ns - int(RACY_SECONDS * 1e9)
    return any(mt >= limit or ct >= limit for _p, _s, mt, ct, _i in entries)


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "builtins" and name in ("set", "frozenset", "dict", "list", "tuple",
                                             "object", "getattr", "int", "str", "bytes"):
            return super().find_class(module, name)
        if module.startswith("kzlaw.") or module in ("collections", "copyreg", "datetime"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a kzlaw cache")


def load(root: str, current: tuple):
    """The cached Corpus for ``root`` if it was stored for exactly the files of the manifest
    ``current``, else None. The compiled timeline is unpickled at once; the rest of the corpus
    (measures, holdings, derivations: what explain, show and history need) only when first
    used, so a point query pays for the timeline alone."""
    path = cache_path(root)
    try:
        with open(path, "rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                return None
            total = os.fstat(f.fileno()).st_size
            parts, offsets = [], []
            at = len(MAGIC)
            for i in range(3):
                size = int.from_bytes(f.read(8), "big")
                at += 8
                if size <= 0 or at + size > total:
                    return None
                offsets.append((at, size))
                if i < 2:  # the rest of the corpus is read only if it is needed
                    parts.append(f.read(size))
                    if len(parts[-1]) != size:
                        return None
                else:
                    f.seek(size, os.SEEK_CUR)
                at += size
            if at != total:
                return None
    except OSError:
        return None
    try:
        header = _unpickle(parts[0])
        if header.get("root") != os.path.realpath(root) or \
                header.get("code") != code_fingerprint():
            return None
        if header.get("manifest") != current:
            return None
        compiled = _unpickle(parts[1])
        info = header.get("info")
    except Exception:  # noqa: BLE001 - any damage means: not usable, load afresh
        return None
    from .corpus import Corpus
    from .model import CorpusInfo
    from .timeline import Compiled
    if not isinstance(compiled, Compiled) or not isinstance(info, CorpusInfo):
        return None
    rest_at, rest_size = offsets[2]

    def rest():
        """The rest of the corpus; if that part of the cache is damaged (or was replaced
        meanwhile), the corpus is loaded afresh from its files instead."""
        try:
            with open(path, "rb") as f:
                f.seek(rest_at)
                data = f.read(rest_size)
            state = _unpickle(data) if len(data) == rest_size else None
        except Exception:  # noqa: BLE001
            state = None
        if not isinstance(state, dict) or "holdings_by_fact" not in state:
            return Corpus(_fresh(root)).state_for_cache() | {"compiled": compiled, "info": info}
        return state

    return Corpus.from_cache(compiled, info, rest)


def _fresh(root: str):
    from .corpus import validate
    from .loader import load_raw
    from .problems import KzlawError
    raw = load_raw(root)
    problems = validate(raw)
    if problems:
        raise KzlawError(problems)
    return raw


def _unpickle(data: bytes):
    # The cyclic garbage collector would walk the growing heap again and again while hundreds
    # of thousands of tuples are created; nothing unpickled here is garbage.
    # Afterwards the objects are moved out of the collector's sight (gc.freeze): they live as
    # long as the corpus, and later collections would otherwise walk all of them again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _SafeUnpickler(io.BytesIO(data)).load()
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def store(root: str, corpus, before: tuple, stamp_ns: int) -> bool:
    """Write the cache if the files did not change while loading and none is racy."""
    if _racy(before, stamp_ns) or manifest(root) != before:
        return False
    try:
        parts = [
            pickle.dumps({"root": os.path.realpath(root), "code": code_fingerprint(),
                          "manifest": before, "info": corpus.info}, protocol=pickle.HIGHEST_PROTOCOL),
            pickle.dumps(corpus.compiled, protocol=pickle.HIGHEST_PROTOCOL),
            pickle.dumps(corpus.state_for_cache(), protocol=pickle.HIGHEST_PROTOCOL),
        ]
    except Exception:  # noqa: BLE001 - an unpicklable corpus is just not cached
        return False
    folder = cache_dir()
    tmp = None
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".kzlaw-cache-", dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + b"".join(len(p).to_bytes(8, "big") + p for p in parts))
        os.replace(tmp, cache_path(root))
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False
    return True


def now_ns() -> int:
    return time.time_ns()


def disabled() -> bool:
    return os.environ.get("KZLAW_NO_CACHE", "") not in ("", "0")


__all__ = ["load", "store", "manifest", "cache_path", "cache_dir", "now_ns", "disabled"]
