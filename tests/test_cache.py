"""The compiled cache is correct under edits, deletes, additions, corrupt and foreign cache
files and concurrent runs; it never lives in the corpus. (Planted files, permissions and the
file format's fuzzing: tests/test_cache_safety.py.)"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kzlaw
from kzlaw import cache
from builder import measure, write_corpus

KEY = ("prohibition", "a")


@pytest.fixture
def env(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("KZLAW_CACHE_DIR", str(folder))
    monkeypatch.delenv("KZLAW_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.05)
    root = write_corpus(tmp_path / "corpus", [
        measure("m", "2000-01-01", [{"id": "e", "prohibits": "a", "liability": "criminal"}]),
        measure("n", "2001-01-01", [{"id": "g", "prohibits": "b"}]),
    ])
    time.sleep(0.1)  # older than the racy window
    return root, folder


# Every test runs twice: with the manifest taken here, and taken by a child process while the
# cache file is read (``parallel``, as the command line loads).
PARALLEL = [False]


@pytest.fixture(autouse=True, params=["serial", "parallel"])
def _manifest_taken(request):
    PARALLEL[0] = request.param == "parallel"
    yield
    PARALLEL[0] = False


def cached(root):
    return kzlaw.load(root, cache=True, parallel=PARALLEL[0])


def is_hit(corpus) -> bool:
    return "_rest" in corpus.__dict__ or "raw" not in corpus.__dict__


def test_second_load_is_a_hit_with_the_same_answers(env):
    root, folder = env
    first = cached(root)
    assert not is_hit(first)
    assert len(os.listdir(folder)) == 1
    second = cached(root)
    assert is_hit(second)
    assert second.at("2000-06-01").get(*KEY) == first.at("2000-06-01").get(*KEY)
    # the lazily loaded parts work too
    assert second.explain("prohibition", "a", at="2000-06-01")["status"] == "in-force"
    assert second.measures["m"].title == "Measure m"


def test_fresh_files_are_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("KZLAW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "RACY_SECONDS", 30)
    root = write_corpus(tmp_path / "corpus", [measure("m", "2000", [{"id": "e", "prohibits": "a"}])])
    cached(root)
    assert not (tmp_path / "cache").exists() or not os.listdir(tmp_path / "cache")


def test_an_edit_of_the_same_size_right_after_caching_is_seen(env):
    root, _ = env
    cached(root)
    path = os.path.join(root, "measures", "2000", "m.yaml")
    text = open(path).read()
    assert "criminal" in text
    with open(path, "w") as f:
        f.write(text.replace("2000-01-01", "2000-01-02"))  # same size, same second
    c = cached(root)
    assert not is_hit(c)
    assert c.at("2000-01-01").status(*KEY) == "absent"
    assert c.at("2000-01-02").status(*KEY) == "in-force"


def test_deleted_and_added_files_are_seen(env):
    root, _ = env
    cached(root)
    os.unlink(os.path.join(root, "measures", "2000", "n.yaml"))
    c = cached(root)
    assert c.at("2002-01-01").status("prohibition", "b") == "absent"
    write_corpus(root, [measure("n", "2003-01-01", [{"id": "g", "prohibits": "b"}])])
    c = cached(root)
    assert c.at("2003-01-01").status("prohibition", "b") == "in-force"


def test_a_broken_edit_is_refused_not_answered_from_the_cache(env):
    root, _ = env
    cached(root)
    path = os.path.join(root, "measures", "2000", "m.yaml")
    with open(path, "a") as f:
        f.write("bogus: field\n")
    with pytest.raises(kzlaw.KzlawError):
        cached(root)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty"])
def test_corrupt_cache_files_fall_back_to_a_fresh_load(env, damage):
    root, folder = env
    cached(root)
    [name] = os.listdir(folder)
    path = os.path.join(folder, name)
    data = open(path, "rb").read()
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "garbage":
        data = os.urandom(len(data))
    elif damage == "flip":
        data = data[:200] + bytes([data[200] ^ 0xFF]) + data[201:]
    else:
        data = b""
    open(path, "wb").write(data)
    c = cached(root)
    assert c.at("2000-06-01").status(*KEY) == "in-force"
    assert not is_hit(c)
    assert is_hit(cached(root))  # and the cache was rewritten


def test_a_foreign_cache_is_ignored(env, tmp_path):
    root, folder = env
    other = write_corpus(tmp_path / "other", [measure("m", "1990-01-01", [{"id": "e", "prohibits": "x"}])])
    time.sleep(0.1)
    cached(other)
    cached(root)
    files = {n: open(os.path.join(folder, n), "rb").read() for n in os.listdir(folder)}
    assert len(files) == 2
    mine = cache.cache_path(root)
    theirs = cache.cache_path(other)
    open(mine, "wb").write(files[os.path.basename(theirs)])
    c = cached(root)
    assert c.at("2000-06-01").status(*KEY) == "in-force"
    assert c.at("2000-06-01").status("prohibition", "x") == "absent"


def test_no_cache_writes_nothing_and_the_corpus_is_untouched(env):
    root, folder = env
    before = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
    kzlaw.load(root, cache=False)
    assert not folder.exists()
    result = subprocess.run([sys.executable, "-m", "kzlaw", "--data", root, "--no-cache",
                             "in-force", "2001-06-01"], capture_output=True, text=True,
                            env=dict(os.environ, KZLAW_CACHE_RACY_SECONDS="0.05"))
    assert result.returncode == 0
    assert not folder.exists()
    cached(root)
    after = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
    assert before == after


def test_concurrent_runs_agree_and_leave_a_valid_cache(env):
    root, folder = env
    cmd = [sys.executable, "-m", "kzlaw", "--data", root, "in-force", "2001-06-01",
           "--format", "json"]
    environ = dict(os.environ, KZLAW_CACHE_RACY_SECONDS="0.05")
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=environ) for _ in range(6)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    assert len({o[0] for o in outs}) == 1
    assert [n for n in os.listdir(folder) if n.startswith(".kzlaw-cache-")] == []
    assert is_hit(cached(root))


def test_a_damaged_lazy_part_falls_back_to_the_files(env):
    root, folder = env
    cached(root)
    path = cache.cache_path(root)
    data = bytearray(open(path, "rb").read())
    data[-50:] = b"\x00" * 50  # the end of the part read only by explain/show/history
    open(path, "wb").write(bytes(data))
    c = cached(root)
    assert is_hit(c)
    assert c.explain("prohibition", "a", at="2000-06-01")["status"] == "in-force"
    assert c.measures["m"].title == "Measure m"


def test_a_cache_written_by_other_code_is_not_used(env, monkeypatch):
    root, _ = env
    cached(root)
    assert is_hit(cached(root))
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another kzlaw")
    assert not is_hit(cached(root))


# --- the change signal: every file's own signature (cache.manifest) ----------------------------

def _edit_in_place_keeping_times(path, old, new):
    """Rewrite ``path`` in place (same inode, same size), then set its modification time back:
    only its change time tells, and its folder's times do not change at all."""
    st = os.stat(path)
    text = open(path).read()
    assert len(old) == len(new) and old in text
    with open(path, "r+") as f:
        f.write(text.replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_ino == st.st_ino and os.stat(path).st_mtime_ns == st.st_mtime_ns


def test_an_edit_in_place_that_keeps_the_folder_and_file_times_is_seen(env):
    root, _ = env
    cached(root)
    assert is_hit(cached(root))
    folder = os.path.join(root, "measures", "2000")
    before = os.stat(folder)
    _edit_in_place_keeping_times(os.path.join(folder, "m.yaml"), "2000-01-01", "2000-01-02")
    after = os.stat(folder)
    assert (after.st_mtime_ns, after.st_ctime_ns) == (before.st_mtime_ns, before.st_ctime_ns)
    c = cached(root)
    assert not is_hit(c)
    assert c.at("2000-01-01").status(*KEY) == "absent"
    assert c.at("2000-01-02").status(*KEY) == "in-force"


def test_a_rename_is_seen(env):
    root, _ = env
    cached(root)
    folder = os.path.join(root, "measures", "2000")
    os.rename(os.path.join(folder, "n.yaml"), os.path.join(folder, "n.txt"))  # not a measure
    c = cached(root)
    assert not is_hit(c)
    assert c.at("2002-01-01").status("prohibition", "b") == "absent"
    os.rename(os.path.join(folder, "n.txt"), os.path.join(folder, "n.yaml"))
    assert cached(root).at("2002-01-01").status("prohibition", "b") == "in-force"


def test_an_edit_behind_a_linked_folder_is_seen(env):
    root, _ = env
    elsewhere = Path(root) / "shared"  # outside measures/, which only the link names
    elsewhere.mkdir()
    os.rename(os.path.join(root, "measures", "2000", "n.yaml"), elsewhere / "n.yaml")
    os.symlink(elsewhere, os.path.join(root, "measures", "2001"))
    time.sleep(0.1)
    assert cached(root).at("2002-01-01").status("prohibition", "b") == "in-force"
    assert is_hit(cached(root))
    _edit_in_place_keeping_times(str(elsewhere / "n.yaml"), "prohibits: b", "prohibits: x")
    c = cached(root)
    assert not is_hit(c)
    assert c.at("2002-01-01").status("prohibition", "b") == "absent"
    assert c.at("2002-01-01").status("prohibition", "x") == "in-force"


def test_the_manifest_changes_with_every_kind_of_change_and_only_then(env):
    root, _ = env
    folder = os.path.join(root, "measures", "2000")
    path = os.path.join(folder, "m.yaml")
    seen = [cache.manifest(root)]
    assert cache.manifest(root) == seen[0]  # unchanged files: the same manifest

    def changed():
        m = cache.manifest(root)
        assert m not in seen
        seen.append(m)
        assert cache.manifest(root) == m

    _edit_in_place_keeping_times(path, "2000-01-01", "2000-01-03")
    changed()
    os.chmod(path, 0o600)  # the change time only
    changed()
    os.rename(path, os.path.join(folder, "m2.yaml"))
    changed()
    os.rename(os.path.join(folder, "m2.yaml"), path)
    changed()  # back to the old name: a new change time
    os.mkdir(os.path.join(root, "measures", "2001"))  # an empty folder
    changed()
    open(os.path.join(root, "rules", "r.yaml"), "w").close()
    changed()
    os.unlink(os.path.join(root, "rules", "r.yaml"))
    assert cache.manifest(root) == seen[-2]  # the same files as before it: the same manifest
    os.symlink(path, os.path.join(root, "measures", "2001", "m.yaml"))
    changed()
    assert seen[-1].entries == seen[0].entries + 2  # the folder 2001 and the link in it


def test_the_newest_time_decides_the_racy_rule(env):
    root, _ = env
    m = cache.manifest(root)
    newest = max(max(os.stat(os.path.join(d, f)).st_mtime_ns, os.stat(os.path.join(d, f)).st_ctime_ns)
                 for sub in ("measures", "rules")
                 for d, dirs, files in os.walk(os.path.join(root, sub)) for f in files + dirs)
    assert m.newest_ns == newest
    assert cache._racy(m, newest + int(cache.racy_seconds() * 1e9))
    assert not cache._racy(m, newest + int(cache.racy_seconds() * 1e9) + 1)


# --- the manifest taken by a child process (cache.manifest_started) ----------------------------

needs_fork = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin",
                                reason="the manifest is taken in a child only where fork is")


@needs_fork
def test_a_manifest_taken_by_a_child_is_the_one_taken_here(env):
    root, _ = env
    elsewhere = Path(root) / "shared"
    elsewhere.mkdir()
    (elsewhere / "x.yaml").write_text("")
    os.symlink(elsewhere, os.path.join(root, "measures", "2001"))
    os.symlink("nowhere", os.path.join(root, "rules", "dangling.yaml"))
    pending = cache.manifest_started(root)
    assert isinstance(pending, cache.Pending)  # a child takes it
    got = pending.result()
    assert got == cache.manifest(root)
    assert pending.result() is got  # once
    _edit_in_place_keeping_times(os.path.join(root, "measures", "2000", "m.yaml"),
                                 "2000-01-01", "2000-01-05")
    assert cache.manifest_started(root).result() == cache.manifest(root) != got


@needs_fork
@pytest.mark.parametrize("failure", ["child fails", "child writes nonsense"])
def test_a_child_that_fails_leaves_the_manifest_to_this_process(env, monkeypatch, failure):
    root, _ = env
    truth = cache.manifest(root)
    parent = os.getpid()
    real = cache.manifest

    def in_child_only(root_):
        if os.getpid() == parent:
            return real(root_)
        if failure == "child fails":
            raise OSError("no")
        return cache.Manifest("0" * 64, 1, 2)._replace(digest="z" * 64)  # not hex

    monkeypatch.setattr(cache, "manifest", in_child_only)
    pending = cache.manifest_started(root)
    assert isinstance(pending, cache.Pending)
    assert pending.result() == truth


@needs_fork
def test_a_cache_is_used_only_for_the_manifest_the_child_gives(env, monkeypatch):
    """The child's answer decides: a child that reports other files (as an edit would) makes
    the cache a miss, even though the cache file and the header agree with each other."""
    root, _ = env
    kzlaw.load(root, cache=True)
    assert is_hit(kzlaw.load(root, cache=True, parallel=True))
    parent = os.getpid()
    real = cache.manifest

    def other_files_in_child(root_):
        m = real(root_)
        return m if os.getpid() == parent else m._replace(digest="ab" * 32)

    monkeypatch.setattr(cache, "manifest", other_files_in_child)
    assert not is_hit(kzlaw.load(root, cache=True, parallel=True))


def test_with_other_threads_running_the_manifest_is_taken_here(env, monkeypatch):
    root, _ = env
    monkeypatch.setattr(cache, "_threads", lambda: 2)
    got = cache.manifest_started(root)
    assert isinstance(got, cache.Manifest) and got == cache.manifest(root)
    assert cache.finished(got) is got
