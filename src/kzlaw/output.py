"""Writing files atomically: a temporary file in the same folder, flushed, then renamed over the
target, so a reader (or a crash) sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

from .problems import KzlawError, Problem


def check_writable(path: str) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    if not path:
        raise KzlawError([Problem("--output", 0, "needs a file name")])
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.isdir(path):
        raise KzlawError([Problem(path, 0, "output path is a folder, not a file")])
    if not os.path.isdir(folder):
        raise KzlawError([Problem(path, 0, f"output folder {folder} does not exist")])
    if not os.access(folder, os.W_OK):
        raise KzlawError([Problem(path, 0, f"output folder {folder} is not writable")])


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    On any failure the temporary file is removed and ``path`` is left as it was; an ``OSError``
    (read-only file system, disk full, permission denied, ...) becomes a ``KzlawError`` with
    one clear line."""
    try:
        _write_atomic(path, text)
    except OSError as e:
        folder = os.path.dirname(os.path.abspath(path))
        raise KzlawError([Problem(path, 0, f"cannot write a file in {folder}: "
                                  f"{e.strerror or e}")]) from None


def _write_atomic(path: str, text: str) -> None:
    check_writable(path)
    folder = os.path.dirname(os.path.abspath(path))
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
    sees the old export or the new one, never a mixture."""
    target = os.path.abspath(path)
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


def _remove(path: str) -> None:
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.unlink(path)
        except OSError:
            pass
