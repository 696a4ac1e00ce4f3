"""Writing ``--output`` files without destroying what kzlaw does not own.

A regular file is written atomically: a temporary file in the same folder, flushed, then
renamed over the target, so a reader (or a crash) sees the old file or the new one, never half
of one. A symbolic link is written through (its target is replaced, the link stays). A
character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is written directly,
never replaced. Refused, before any work: a folder, a block device or socket, a read-only file,
a file owned by another user, and any path inside the corpus's ``measures/`` or ``rules/``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from typing import Optional

from .problems import KzlawError, Problem


def _refuse(path: str, message: str) -> KzlawError:
    return KzlawError([Problem(path, 0, message)])


def _inside(path: str, folder: str) -> bool:
    folder = os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_writable(path: str, corpus_root: Optional[str] = None) -> None:
    """Refuse an output path that cannot or must not be written, before any work is done."""
    if not path:
        raise _refuse("--output", "needs a file name")
    try:
        st = os.stat(path)  # follows symbolic links: what would be written
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise _refuse(path, f"cannot write: {e.strerror or e}") from None
    target = os.path.realpath(path)
    if corpus_root is not None:
        for part in ("measures", "rules"):
            if _inside(target, os.path.join(corpus_root, part)):
                raise _refuse(path, f"output path is inside the corpus's {part}/ folder: "
                                    "choose a file outside measures/ and rules/")
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise _refuse(path, "output path is a folder, not a file")
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            return  # written directly
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(path, "output path is not a regular file, a character device or a "
                                "FIFO")
        if st.st_uid != os.geteuid():
            raise _refuse(path, "output file belongs to another user: kzlaw will not replace "
                                "it")
        if not st.st_mode & stat.S_IWUSR:
            raise _refuse(path, "output file is read-only: kzlaw will not replace it")
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise _refuse(path, f"output folder {os.path.dirname(os.path.abspath(path))} does not "
                            "exist")
    if not os.access(folder, os.W_OK):
        raise _refuse(path, f"output folder {folder} is not writable")


def write_atomic(path: str, text: str, corpus_root: Optional[str] = None) -> None:
    """Write ``text`` to ``path``: atomically for a regular file (through a link to its
    target), directly for a character device or FIFO.

    On any failure the temporary file is removed and ``path`` is left as it was; an ``OSError``
    (read-only file system, disk full, permission denied, ...) becomes a ``KzlawError`` with
    one clear line."""
    try:
        check_writable(path, corpus_root)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            st = None
        if st is not None and (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
            _write_direct(path, text)
        else:
            _write_atomic(os.path.realpath(path), text)
    except OSError as e:
        folder = os.path.dirname(os.path.realpath(path))
        raise _refuse(path, f"cannot write a file in {folder}: {e.strerror or e}") from None


def _write_direct(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))  # never O_CREAT or O_TRUNC
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def _write_atomic(path: str, text: str) -> None:
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".kzlaw-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if os.path.exists(path):
            try:
                os.chmod(tmp, os.stat(path).st_mode & 0o777)
            except OSError:
                pass
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@contextlib.contextmanager
def atomic_target(path: str, folder: bool = False):
    """Yield a temporary path (a file, or with ``folder=True`` an empty folder) beside
    ``path``; when the block succeeds it is renamed over ``path``, and on any failure it is
    removed and ``path`` is left as it was. A folder that already exists is swapped out by two
    renames (POSIX has no atomic replace of a non-empty folder) and then removed: a reader
    sees the old export or the new one, never a mixture. As for ``write_atomic``, a link is
    written through (what it points to is replaced, the link stays) and a character device or
    FIFO is never replaced: the finished file is copied into it."""
    if not folder and _is_stream(path):
        with _streamed(path) as tmp:
            yield tmp
        return
    target = os.path.realpath(path)
    parent = os.path.dirname(target)
    try:
        if folder:
            tmp = tempfile.mkdtemp(prefix=".kzlaw-", suffix=".tmp", dir=parent)
        else:
            fd, tmp = tempfile.mkstemp(prefix=".kzlaw-", suffix=".tmp", dir=parent)
            os.close(fd)  # an empty file: the writer opens it (SQLite takes it as empty)
    except OSError as e:
        raise KzlawError([Problem(path, 0, f"cannot write a file in {parent}: "
                                  f"{e.strerror or e}")]) from None
    try:
        yield tmp
        if folder:
            os.chmod(tmp, 0o755)
            if os.path.isdir(target):
                old = tempfile.mkdtemp(prefix=".kzlaw-old-", suffix=".tmp", dir=parent)
                os.rename(target, os.path.join(old, "x"))
                os.rename(tmp, target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(tmp, target)
        else:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.chmod(tmp, (os.stat(target).st_mode & 0o777) if os.path.exists(target)
                     else 0o644)
            os.replace(tmp, target)
    except OSError as e:
        _remove(tmp)
        raise KzlawError([Problem(path, 0, f"cannot write a file in {parent}: "
                                  f"{e.strerror or e}")]) from None
    except BaseException:
        _remove(tmp)
        raise


def _is_stream(path: str) -> bool:
    """Whether ``path`` (through links) is a character device or a FIFO."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


@contextlib.contextmanager
def _streamed(path: str):
    """A temporary file in a private folder of the system's temporary place (never beside a
    device: that folder is /dev); when the block succeeds its bytes are written into
    ``path``, which is opened for writing only, never created, truncated or replaced."""
    try:
        folder = tempfile.mkdtemp(prefix=".kzlaw-")
        tmp = os.path.join(folder, "output")
        open(tmp, "wb").close()
    except OSError as e:
        raise KzlawError([Problem(path, 0, f"cannot write a temporary file in "
                                  f"{tempfile.gettempdir()}: {e.strerror or e}")]) from None
    try:
        yield tmp
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "wb") as out, open(tmp, "rb") as f:
            shutil.copyfileobj(f, out)
    except OSError as e:
        raise KzlawError([Problem(path, 0, f"cannot write: {e.strerror or e}")]) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remove(path: str) -> None:
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.unlink(path)
        except OSError:
            pass
