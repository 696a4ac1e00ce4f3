"""Never answer from a corpus read in part: unreadable folders and files are `PATH: message`
errors (checked as an unprivileged user, since root reads through chmod 000), links inside the
corpus are followed (loops refused), and files that look like corpus files but would not be
read each say why."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest
import yaml

import kzlaw
from kzlaw import cache
from builder import measure, write_corpus
from kzlaw.cli import main

NOBODY = 65534
SETPRIV = shutil.which("setpriv")


def _write(root):
    """Measure m in measures/2011/, n in measures/2000/, rule r."""
    root = write_corpus(root, [measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}])])
    os.makedirs(os.path.join(root, "measures", "2011"))
    shutil.move(os.path.join(root, "measures", "2000", "m.yaml"),
                os.path.join(root, "measures", "2011", "m.yaml"))
    with open(os.path.join(root, "measures", "2000", "n.yaml"), "w") as f:
        yaml.safe_dump(measure("n", "2001-01-01", [{"id": "g", "prohibits": "b"}]), f)
    with open(os.path.join(root, "rules", "r.yaml"), "w") as f:
        yaml.safe_dump({"id": "r", "when": [{"prohibition": "a"}], "then": {"prohibition": "x"},
                        "sources": [{"ref": "s1", "quote": "q"}]}, f)
    return root


@pytest.fixture
def public_corpus():
    """A corpus an unprivileged user can read (tmp_path is root's own)."""
    top = tempfile.mkdtemp(prefix="kzlaw-walk-", dir="/tmp")
    os.chmod(top, 0o755)
    root = _write(os.path.join(top, "corpus"))
    for d, dirs, files in os.walk(top):
        for x in dirs:
            os.chmod(os.path.join(d, x), 0o755)
        for x in files:
            os.chmod(os.path.join(d, x), 0o644)
    yield root
    for d, dirs, _files in os.walk(top):
        for x in dirs:
            os.chmod(os.path.join(d, x), 0o755)
    shutil.rmtree(top)


def as_nobody(*args):
    cmd = [sys.executable, "-m", "kzlaw", "--no-cache", *args]
    if os.geteuid() == 0:
        cmd = [SETPRIV, "--reuid", str(NOBODY), "--regid", str(NOBODY), "--clear-groups"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd="/",
                          env=dict(os.environ, HOME="/nonexistent"))


needs_unprivileged = pytest.mark.skipif(os.geteuid() == 0 and SETPRIV is None,
                                        reason="root reads through chmod 000 and setpriv is "
                                               "missing")


@needs_unprivileged
def test_the_public_corpus_is_read_whole_by_nobody(public_corpus):
    result = as_nobody("--data", public_corpus, "check")
    assert result.returncode == 0, result.stderr
    assert "ok: 2 measures, 1 rules" in " ".join(result.stdout.split())


@needs_unprivileged
@pytest.mark.parametrize("what, message", [
    ("measures/2011", "measures/2011: cannot read folder: Permission denied"),
    ("rules", "rules: cannot read folder: Permission denied"),
    ("measures/2000/n.yaml", "measures/2000/n.yaml: cannot read: Permission denied"),
])
def test_an_unreadable_entry_is_an_error_not_a_smaller_corpus(public_corpus, what, message):
    os.chmod(os.path.join(public_corpus, what), 0o000)
    for command in (["check"], ["in-force", "2012-01-01"]):
        result = as_nobody("--data", public_corpus, *command)
        assert result.returncode == 1, (command, result.stdout)
        assert message in result.stderr.splitlines(), result.stderr
        assert result.stdout == ""


def test_a_year_folder_linked_inside_the_corpus_is_read(tmp_path):
    real = _write(tmp_path / "real")
    linked = _write(tmp_path / "linked")
    os.makedirs(os.path.join(linked, "archive"))
    shutil.move(os.path.join(linked, "measures", "2011"), os.path.join(linked, "archive", "2011"))
    os.symlink(os.path.join("..", "archive", "2011"), os.path.join(linked, "measures", "2011"))
    a, b = kzlaw.load(real), kzlaw.load(linked)
    assert sorted(b.measures) == sorted(a.measures) == ["m", "n"]
    assert [f.key for f in b.at("2012-01-01")] == [f.key for f in a.at("2012-01-01")]


def test_a_link_loop_is_refused(tmp_path, capsys):
    root = _write(tmp_path / "c")
    os.symlink("..", os.path.join(root, "measures", "2000", "up"))
    assert main(["--no-cache", "--data", root, "check"]) == 1
    err = capsys.readouterr().err
    assert "measures/2000/up: symbolic link loops back to a folder that contains it" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("name, message", [
    ("x.YAML", "corpus files end in .yaml (lower case), not .YAML: rename it"),
    ("x.Yaml", "corpus files end in .yaml (lower case), not .Yaml: rename it"),
    ("x.yml", "corpus files end in .yaml, not .yml"),
    ("x.YML", "corpus files end in .yaml, not .yml"),
    ("x.yaml~", "not read: an editor's backup or temporary file"),
    ("x.yaml.bak", "not read: an editor's backup or temporary file"),
    (".x.yaml.swp", "not read: an editor's backup or temporary file"),
    ("#x.yaml#", "not read: an editor's backup or temporary file"),
    ("x.yaml.txt", "not read: corpus files end in .yaml"),
])
def test_a_file_that_looks_like_a_measure_but_is_not_read_says_why(tmp_path, capsys, name,
                                                                    message):
    root = _write(tmp_path / "c")
    with open(os.path.join(root, "measures", "2000", name), "w") as f:
        f.write("id: x\n")
    assert main(["--no-cache", "--data", root, "check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"measures/2000/{name}: {message}"), err
    assert err.count("\n") == 1


def test_other_files_are_still_ignored(tmp_path, capsys):
    root = _write(tmp_path / "c")
    for name in ("README.md", ".gitkeep", "notes.txt"):
        open(os.path.join(root, "measures", name), "w").close()
    assert main(["--no-cache", "--data", root, "check"]) == 0


def test_the_cache_sees_an_edit_inside_a_linked_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KZLAW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.05)
    root = _write(tmp_path / "c")
    os.makedirs(os.path.join(root, "archive"))
    shutil.move(os.path.join(root, "measures", "2011"), os.path.join(root, "archive", "2011"))
    os.symlink(os.path.join("..", "archive", "2011"), os.path.join(root, "measures", "2011"))
    time.sleep(0.1)
    assert kzlaw.load(root, cache=True).at("2000-06-01").status("prohibition", "a") == "in-force"
    path = os.path.join(root, "archive", "2011", "m.yaml")
    text = open(path).read()
    open(path, "w").write(text.replace("2000-01-01", "2000-07-01"))
    time.sleep(0.1)
    assert kzlaw.load(root, cache=True).at("2000-06-01").status("prohibition", "a") == "absent"
