"""Knowledge time: the record as it was committed at any git revision of the repository that
holds the corpus, and what changed in the record between two revisions.

A revision is read from git's objects with plumbing commands (``rev-parse``, ``ls-tree``,
``cat-file --batch``), never through the work tree or the index, so nothing in the repository
is written. Its ``measures/`` and ``rules/`` are written once into a private folder of the
user's cache keyed by the commit id (a commit's content never changes) and loaded there by the
normal loader: every command answers at a revision exactly as it answers from files.

Problems of a corpus read at a revision name it the way git does, ``REV:PATH``, with the
repository's path of the file (``git show REV:PATH`` shows it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from typing import Optional

import attrs

from . import cache as _cache
from .corpus import Corpus, load, load_cached, resolve_path, validate
from .problems import KzlawError, Problem

GIT_TIMEOUT = 120  # seconds for one git command (a large tree read in one cat-file run)
FILE_LIMIT = 1 << 20  # yamlfile.MAX_BYTES: larger files are refused unread (kept here so that
# reading a revision does not import the YAML reader)
# Git's environment that would point it at another repository, index or object store than
# the one holding the corpus folder.
_GIT_REDIRECTS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                  "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
                  "GIT_PREFIX")


@attrs.frozen
class Revision:
    """A revision of the repository holding a corpus folder."""

    given: str  # as the user wrote it: HEAD~3, a tag, a commit id
    commit: str  # the full commit id it names
    top: str  # the repository's work tree
    prefix: str  # the corpus folder inside the repository: "" or "path/to/corpus/"

    def path(self, rel: str) -> str:
        """The repository's path of a corpus file (``measures/...``), as in ``git show``."""
        return self.prefix + rel

    def where(self, rel: str) -> str:
        """``REV:PATH``: git's name of the file at this revision."""
        return f"{self.given}:{self.path(rel)}"


# --- git ------------------------------------------------------------------------------------

def _git(args: list[str], cwd: str, stdin: Optional[bytes] = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_REDIRECTS}
    # Read what the commit holds: no replacement objects, no locks, no prompts, no pager.
    env.update(GIT_NO_REPLACE_OBJECTS="1", GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0",
               LC_ALL="C")
    try:
        return subprocess.run(["git", "--no-pager", "--literal-pathspecs", *args], cwd=cwd,
                              input=stdin, capture_output=True, timeout=GIT_TIMEOUT, env=env)
    except FileNotFoundError:
        raise KzlawError([Problem("--as-of", 0, "git is not installed: reading the record "
                                  "at a revision needs git")]) from None
    except subprocess.TimeoutExpired:
        raise KzlawError([Problem("--as-of", 0, f"git took more than {GIT_TIMEOUT} seconds "
                                  f"to answer: git {args[0]}")]) from None


def _git_text(args: list[str], cwd: str) -> Optional[str]:
    r = _git(args, cwd)
    return r.stdout.decode("utf-8", "surrogateescape") if r.returncode == 0 else None


def repository(path: Optional[str]) -> tuple[str, str, str]:
    """``(corpus folder, repository top, corpus prefix inside it)``; refuses a corpus folder
    that is not inside a git work tree."""
    root = resolve_path(path)
    out = _git_text(["rev-parse", "--show-toplevel", "--show-prefix"], root)
    lines = out.split("\n") if out is not None else []
    if len(lines) < 2 or not lines[0]:
        raise KzlawError([Problem(root, 0, "not inside a git repository: --as-of and "
                                  "record-diff read the record from git's history")])
    return root, lines[0], lines[1]


def resolve(path: Optional[str], rev: str) -> Revision:
    """The revision ``rev`` of the repository holding the corpus folder ``path``; refuses an
    unknown revision (one line, with a hint for a shallow clone)."""
    root, top, prefix = repository(path)
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n\r"):
        raise KzlawError([Problem("--as-of", 0, f"{rev!r} is not a revision (a commit id, "
                                  "a tag, a branch or HEAD~N)")])
    out = _git_text(["rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"],
                    root)
    if not out or not out.strip():
        shallow = (_git_text(["rev-parse", "--is-shallow-repository"], root) or "").strip()
        hint = ("; this clone is shallow (git fetch --unshallow brings the history)"
                if shallow == "true" else "; `git log` lists the commits")
        raise KzlawError([Problem("--as-of", 0, f"unknown revision {rev!r} in the "
                                  f"repository {top}{hint}")])
    return Revision(rev, out.strip(), top, prefix)


def available(path: Optional[str], rev: str) -> bool:
    """Whether ``rev`` names a commit present in the repository holding ``path``."""
    try:
        resolve(path, rev)
    except KzlawError:
        return False
    return True


@attrs.frozen
class Entry:
    """One file of a revision's tree under the corpus folder."""

    rel: str  # corpus-relative path: measures/2005/x.yaml
    mode: str
    oid: str
    size: int


def tree(rev: Revision) -> list[Entry]:
    """Every file under the corpus's measures/ and rules/ at the revision."""
    r = _git(["ls-tree", "-r", "-l", "-z", "--full-tree", rev.commit, "--",
              rev.prefix + "measures", rev.prefix + "rules"], rev.top)
    if r.returncode != 0:
        raise KzlawError([Problem(rev.where(""), 0, "git cannot list this revision's files: "
                                  + " ".join(r.stderr.decode("utf-8", "replace").split()))])
    out = []
    for item in r.stdout.split(b"\0"):
        if not item:
            continue
        meta, _tab, name = item.partition(b"\t")
        mode, kind, oid, size = meta.decode("ascii").split()
        path = name.decode("utf-8", "surrogateescape")
        if kind != "blob" or not path.startswith(rev.prefix):
            continue  # a submodule
        out.append(Entry(path[len(rev.prefix):], mode, oid, int(size)))
    return out


def _safe(rel: str) -> bool:
    parts = rel.split("/")
    return all(p not in ("", ".", "..", ".git") and "\\" not in p for p in parts)


def _blobs(rev: Revision, oids: list[str]) -> dict[str, bytes]:
    """The content of each blob, read in one ``git cat-file --batch`` run."""
    if not oids:
        return {}
    r = _git(["cat-file", "--batch"], rev.top, ("\n".join(oids) + "\n").encode("ascii"))
    if r.returncode != 0:
        raise KzlawError([Problem(rev.where(""), 0, "git cannot read this revision's files: "
                                  + " ".join(r.stderr.decode("utf-8", "replace").split()))])
    data, at, out = r.stdout, 0, {}
    while at < len(data):
        nl = data.index(b"\n", at)
        header = data[at:nl].decode("ascii").split()
        at = nl + 1
        if len(header) != 3:  # "<oid> missing": an incomplete (shallow or partial) clone
            raise KzlawError([Problem(rev.where(""), 0, f"git object {header[0]} is missing "
                                      "from this clone")])
        size = int(header[2])
        out[header[0]] = data[at:at + size]
        at += size + 1
    return out


# --- the revision's files -------------------------------------------------------------------

def revisions_dir() -> str:
    return os.path.join(_cache.cache_dir(), "revisions")


def folder(rev: Revision) -> str:
    """Where the revision's corpus files are kept: keyed by the commit and the corpus's place
    in the repository."""
    where = hashlib.sha256(rev.prefix.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return os.path.join(revisions_dir(), f"{rev.commit}-{where}")


def materialize(rev: Revision) -> str:
    """The folder holding the revision's ``measures/`` and ``rules/``, written once through a
    temporary folder and a rename, readable by the user only. Refuses a revision whose tree
    holds a path that is not safe to write (``..``, ``.git``)."""
    final = folder(rev)
    if os.path.isdir(final):
        return final
    entries = tree(rev)
    unsafe = [Problem(rev.where(e.rel), 0, "path is not safe to write; not read")
              for e in entries if not _safe(e.rel)]
    if unsafe:
        raise KzlawError(unsafe)
    wanted = [e.oid for e in entries
              if e.mode == "120000" or (e.rel.endswith(".yaml") and e.size <= FILE_LIMIT)]
    base = revisions_dir()
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".tmp-", dir=base)  # mode 0700
    except OSError as e:
        raise KzlawError([Problem(base, 0, "cannot write the revision cache: "
                                  f"{e.strerror or e}")]) from None
    try:
        blobs = _blobs(rev, sorted(set(wanted)))
        for sub in ("measures", "rules"):
            os.mkdir(os.path.join(tmp, sub), 0o700)
        # Files first, links last: while files are written no link exists in the folder, so
        # a crafted tree (a link and a folder of the same name) cannot write through one.
        links = [e for e in entries if e.mode == "120000"]
        for e in entries:
            if e.mode == "120000" or not e.rel.endswith((".yaml", ".yml")):
                continue
            target = os.path.join(tmp, *e.rel.split("/"))
            os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "wb") as f:
                if e.oid in blobs:
                    f.write(blobs[e.oid])
                else:
                    f.truncate(e.size)
        inside = os.path.realpath(tmp) + os.sep
        for e in links:  # the loader refuses those that point outside the corpus
            target = os.path.join(tmp, *e.rel.split("/"))
            os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
            if not os.path.realpath(os.path.dirname(target)).startswith(inside):
                raise KzlawError([Problem(rev.where(e.rel), 0,
                                          "path is not safe to write; not read")])
            os.symlink(os.fsdecode(blobs[e.oid]), target)
        if not any(e.rel.startswith("measures/") for e in entries):
            os.rmdir(os.path.join(tmp, "measures"))  # the loader says: not a kzlaw corpus
        try:
            os.rename(tmp, final)
        except OSError:
            if not os.path.isdir(final):
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process wrote it meanwhile
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise KzlawError([Problem(base, 0, "cannot write the revision cache: "
                                  f"{e.strerror or e}")]) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def relocate(rev: Revision, root: str, problems: list[Problem]) -> list[Problem]:
    """Problems found in the revision's folder, named as git names the revision's files."""
    out = []
    for p in problems:
        path = p.path
        if path == root or path == "":
            path = rev.given + ":" + (rev.prefix.rstrip("/") or ".")
        elif os.path.isabs(path) and path.startswith(root + os.sep):
            path = rev.where(os.path.relpath(path, root).replace(os.sep, "/"))
        elif path.startswith(("measures/", "rules/")):
            path = rev.where(path)
        out.append(attrs.evolve(p, path=path))
    return out


def load_at(path: Optional[str], rev: str, cache: bool = False) -> Corpus:
    """The corpus at ``path`` as committed at revision ``rev`` of the repository holding it.
    Raises ``KzlawError`` outside a git repository, for an unknown revision, and for a corpus
    that was invalid at that revision (every problem named ``REV:PATH:LINE``). With
    ``cache=True`` the compiled corpus is kept in the user's cache keyed by the commit id."""
    revision = resolve(path, rev)
    root = materialize(revision)
    key = ("commit", revision.commit)
    use_cache = cache and not _cache.disabled()
    corpus = load_cached(root, key) if use_cache else None
    if corpus is None:
        raw = _load_raw(revision, root)
        problems = validate(raw)
        if problems:
            raise KzlawError(relocate(revision, root, problems))
        corpus = Corpus(raw, keep_holdings=use_cache)  # (the cache stores them)
        if use_cache:
            _cache.store(root, corpus, key, 0, fixed=True)
    corpus.commit = revision.commit
    corpus.revision = revision
    return corpus


def raw_at(path: Optional[str], rev: str):
    """``(revision, folder, raw corpus)`` for ``kzlaw check --as-of``: the files as loaded,
    problems not yet raised."""
    revision = resolve(path, rev)
    root = materialize(revision)
    return revision, root, _load_raw(revision, root)


def _load_raw(revision: Revision, root: str):
    """The revision's files as the loader reads them; a corpus without corpus.yaml is named
    after the corpus folder, as in the work tree, not after the cache folder."""
    from .loader import default_info, load_raw
    raw = load_raw(root)
    if raw.info == default_info(root):
        raw.info = default_info(os.path.join(revision.top, revision.prefix))
    return raw


# --- what changed in the record -------------------------------------------------------------

def _blob_id(data: bytes, length: int) -> str:
    """Git's object id of a file's content (SHA-1, or SHA-256 in a SHA-256 repository)."""
    h = hashlib.sha256() if length == 64 else hashlib.sha1()
    h.update(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def _worktree_files(root: str, length: int) -> dict[str, str]:
    """corpus-relative path -> blob id of every .yaml file under measures/ and rules/."""
    out = {}
    for sub in ("measures", "rules"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, sub)):
            dirnames.sort()
            for name in filenames:
                if name.endswith(".yaml"):
                    full = os.path.join(dirpath, name)
                    rel = os.path.relpath(full, root).replace(os.sep, "/")
                    try:
                        with open(full, "rb") as f:
                            out[rel] = _blob_id(f.read(), length)
                    except OSError:
                        out[rel] = ""
    return out


def _describe_file(rel: str) -> tuple[str, str]:
    """(what the file holds, its id): a measure, a rule, the vocabulary, the sources."""
    stem = rel.rsplit("/", 1)[-1][: -len(".yaml")]
    if rel.startswith("rules/"):
        return "rule", stem
    if rel.count("/") == 1:
        return {"vocabulary": "vocabulary", "sources": "sources"}.get(stem, "corpus"), stem
    if rel.startswith(("measures/vocabulary/", "measures/sources/")):
        return rel.split("/")[1], stem
    return "measure", stem


def file_changes(rev_a: Revision, files_a: dict[str, str], rev_b: Optional[Revision],
                 files_b: dict[str, str]) -> list[dict]:
    """The corpus files that differ: added, removed, modified, or renamed (the same measure
    or rule id in another file, or the same content under another name)."""
    prefix = rev_a.prefix
    removed = sorted(set(files_a) - set(files_b))
    added = sorted(set(files_b) - set(files_a))
    out = []
    for rel in sorted(set(files_a) & set(files_b)):
        if files_a[rel] != files_b[rel]:
            what, ident = _describe_file(rel)
            out.append({"change": "modified", "path": prefix + rel, "old_path": None,
                        "what": what, "id": ident})
    by_key = {}
    for rel in removed:
        by_key.setdefault(("id",) + _describe_file(rel), rel)
        by_key.setdefault(("content", files_a[rel]), rel)
    gone = set(removed)
    for rel in added:
        what, ident = _describe_file(rel)
        old = by_key.get(("id", what, ident))
        if old is None or old not in gone:
            old = by_key.get(("content", files_b[rel]))
        if old is not None and old in gone:
            gone.discard(old)
            out.append({"change": "renamed", "path": prefix + rel, "old_path": prefix + old,
                        "what": what, "id": ident,
                        "modified": files_a[old] != files_b[rel]})
        else:
            out.append({"change": "added", "path": prefix + rel, "old_path": None,
                        "what": what, "id": ident})
    for rel in sorted(gone):
        what, ident = _describe_file(rel)
        out.append({"change": "removed", "path": prefix + rel, "old_path": None,
                    "what": what, "id": ident})
    order = {"added": 0, "removed": 1, "renamed": 2, "modified": 3}
    out.sort(key=lambda f: (order[f["change"]], f["path"]))
    return out


def _yaml_files(entries: list[Entry]) -> dict[str, str]:
    return {e.rel: e.oid for e in entries if e.rel.endswith(".yaml") and e.mode != "120000"}


def commits_between(rev_a: Revision, rev_b: Optional[Revision]) -> list[dict]:
    """The commits that touched the corpus's measures/ or rules/ between the two revisions
    (the work tree: its HEAD), oldest first. ``side`` is ``to`` for a commit in B and not in A
    (the usual case), ``from`` for one in A and not in B."""
    head = rev_b.commit if rev_b is not None else "HEAD"
    fields = "%m%x1f%H%x1f%aI%x1f%an%x1f%s%x1f%b%x1e"
    r = _git(["-c", "log.showSignature=false", "log", "--left-right", "--no-color",
              "--encoding=UTF-8", f"--format={fields}", f"{rev_a.commit}...{head}", "--",
              rev_a.prefix + "measures", rev_a.prefix + "rules"], rev_a.top)
    if r.returncode != 0:
        return []
    out = []
    for item in r.stdout.decode("utf-8", "replace").split("\x1e"):
        item = item.strip("\n")
        if not item:
            continue
        mark, commit, when, author, subject, body = item.split("\x1f", 5)
        out.append({"commit": commit, "date": when, "author": author, "subject": subject,
                    "message": (subject + "\n\n" + body.strip()).strip(),
                    "side": "from" if mark == "<" else "to"})
    out.reverse()
    return out


def records(path: Optional[str], rev_a: str, rev_b: Optional[str] = None,
            cache: bool = False) -> tuple[Corpus, Corpus]:
    """The corpus at ``path`` as committed at ``rev_a`` and at ``rev_b`` (None: the files in
    the work tree)."""
    a = load_at(path, rev_a, cache=cache)
    b = load(path, cache=cache) if rev_b is None else load_at(path, rev_b, cache=cache)
    return a, b


def record_diff(path: Optional[str], rev_a: str, rev_b: Optional[str] = None,
                at: Optional[int] = None, kind: Optional[str] = None,
                cache: bool = False) -> dict:
    """What the record said differently at two revisions (``rev_b`` None: the files in the
    work tree), on day ``at`` or on any day, for facts of one ``kind`` or all; the corpus files
    that changed; the commits that changed them. Plain data: ``record_report.py`` renders
    it."""
    return record_diff_of(*records(path, rev_a, rev_b, cache), at=at, kind=kind)


def record_diff_of(a: Corpus, b: Corpus, at: Optional[int] = None,
                   kind: Optional[str] = None) -> dict:
    """``record_diff`` of two records already loaded (``a`` at a revision; ``b`` at one or
    from the work tree)."""
    from .dates import day_iso
    from .queries import document, record_changes
    ra, rb = a.revision, b.revision
    files_a = _yaml_files(tree(ra))
    files_b = (_worktree_files(b.root, len(ra.commit)) if rb is None
               else _yaml_files(tree(rb)))
    question = {"command": "record-diff", "from": ra.given,
                "to": rb.given if rb is not None else None,
                "at": day_iso(at) if at is not None else None}
    changes = record_changes(a, b, at)
    if kind is not None:
        kind = question["kind"] = b.names.resolve_kind(kind)
        changes = [c for c in changes if c["kind"] == kind]
    return document(b, question, [at], {
        "from": _side(a, ra),
        "to": _side(b, rb),
        "at": question["at"],
        "changes": changes,
        "files": file_changes(ra, files_a, rb, files_b),
        "commits": commits_between(ra, rb),
    })


def corrections(corpus) -> tuple[Optional[dict], Optional[str]]:
    """What the record ``corpus`` answers differently than it did at the revision named by
    ``corrections_since`` in its corpus.yaml: ``(data, None)``; ``(None, note)`` when that
    revision cannot be read here (not a git checkout, a shallow clone, an unknown revision, a
    corpus invalid there); ``(None, None)`` without ``corrections_since``. The data depends
    only on that revision's content and the current record (no commit list, no folder), so
    it is the same on every clone."""
    since = corpus.info.corrections_since
    if not since:
        return None, None
    later = corpus.revision
    path = os.path.join(later.top, later.prefix) if later is not None else corpus.root
    try:
        earlier = load_at(path, since, cache=True)
        ra = earlier.revision
        files_a = _yaml_files(tree(ra))
        files_b = (_yaml_files(tree(later)) if later is not None
                   else _worktree_files(corpus.root, len(ra.commit)))
    except KzlawError as e:
        return None, (f"corrections.md: revision {since!r} (corrections_since in "
                      f"measures/corpus.yaml) cannot be read here, so the corrections report is "
                      f"neither written nor checked: {e.problems[0].message}")
    from .queries import record_changes
    return {"since": since, "commit": ra.commit, "changes": record_changes(earlier, corpus),
            "files": file_changes(ra, files_a, later, files_b)}, None


def _side(corpus, rev: Optional[Revision]) -> dict:
    """Which record one side is: a revision and its commit, or the work tree's folder (and
    the commit it was checked out from, ``-dirty`` if its corpus files differ)."""
    if rev is None:
        return {"revision": None, "commit": corpus.commit, "folder": corpus.root,
                "corpus": corpus.citation()}
    return {"revision": rev.given, "commit": rev.commit, "corpus": corpus.citation()}


__all__ = ["Revision", "resolve", "load_at", "records", "record_diff", "record_diff_of",
           "corrections", "materialize", "available"]
