"""`--output` never destroys what it does not own: links are written through, devices and
FIFOs written directly (never replaced), read-only and other users' files and any path inside
the corpus's measures/ or rules/ refused. Device cases run in a private mount namespace with a
tmpfs over /dev, never on the real one."""

import os
import shutil
import stat
import subprocess
import sys
import threading

import pytest

from builder import measure, write_corpus
from kzlaw.cli import main

HERE = os.path.dirname(__file__)


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus", [
        measure("m", "2000-01-01", [{"id": "e", "prohibits": "a"}])])


def ask(corpus, output, capsys=None):
    code = main(["--no-cache", "--data", str(corpus), "in-force", "2001-01-01", "--format",
                 "json", "--output", str(output)])
    return code


def test_a_link_is_written_through_and_stays_a_link(corpus, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    os.symlink(target, link)
    assert ask(corpus, link) == 0
    assert os.path.islink(link) and os.readlink(link) == str(target)
    assert '"2001-01-01"' in target.read_text()


def test_a_fifo_is_written_directly_not_replaced(corpus, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo).read()))
    reader.start()
    assert ask(corpus, fifo) == 0
    reader.join(timeout=60)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert '"2001-01-01"' in got[0]


def test_a_read_only_file_is_refused(corpus, tmp_path, capsys):
    path = tmp_path / "keep.json"
    path.write_text("mine")
    os.chmod(path, 0o444)
    assert ask(corpus, path) == 1
    assert capsys.readouterr().err == f"{path}: output file is read-only: kzlaw will not replace it\n"
    assert path.read_text() == "mine"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_another_users_file_is_refused(corpus, tmp_path, capsys):
    path = tmp_path / "theirs.json"
    path.write_text("theirs")
    os.chown(path, 54321, 54321)
    assert ask(corpus, path) == 1
    assert "belongs to another user" in capsys.readouterr().err
    assert path.read_text() == "theirs" and os.stat(path).st_uid == 54321


@pytest.mark.parametrize("where", ["measures/vocabulary.yaml", "measures/2000/new.json",
                                   "rules/x.yaml", "measures"])
def test_a_path_inside_measures_or_rules_is_refused(corpus, where, capsys, monkeypatch):
    before = {os.path.join(d, f): open(os.path.join(d, f), "rb").read()
              for d, _, fs in os.walk(corpus) for f in fs}
    monkeypatch.chdir(corpus)
    code = main(["--no-cache", "--data", ".", "in-force", "2012-01-01", "--output", where])
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and where in err
    after = {os.path.join(d, f): open(os.path.join(d, f), "rb").read()
             for d, _, fs in os.walk(corpus) for f in fs}
    assert after == before


def test_a_link_into_the_corpus_is_refused(corpus, tmp_path, capsys):
    link = tmp_path / "innocent.json"
    os.symlink(os.path.join(corpus, "measures", "vocabulary.yaml"), link)
    assert ask(corpus, link) == 1
    assert "inside the corpus's measures/" in capsys.readouterr().err


def test_a_file_beside_the_corpus_folders_is_fine(corpus):
    out = os.path.join(corpus, "answer.json")
    assert ask(corpus, out) == 0
    assert os.path.isfile(out)


DEVICES = r"""
set -e
mount -t tmpfs none /dev
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/full c 1 7
ln -s /proc/self/fd/1 /dev/stdout
for dev in /dev/null /dev/full /dev/stdout; do
  set +e
  "$PYTHON" -m kzlaw --no-cache --data "$CORPUS" in-force 2001-01-01 --output $dev > "$OUT$(basename $dev)" 2> "$ERR$(basename $dev)"
  echo "$dev $?"
  set -e
done
stat -c '%n %F' /dev/null /dev/full
readlink /dev/stdout
"""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="needs root and unshare for a private /dev")
def test_devices_are_written_not_replaced_in_a_private_dev(corpus, tmp_path):
    env = dict(os.environ, PYTHON=sys.executable, CORPUS=corpus, OUT=str(tmp_path / "out-"),
               ERR=str(tmp_path / "err-"))
    proc = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", DEVICES],
                          capture_output=True, text=True, env=env, timeout=300)
    if proc.returncode != 0 and "mount" in proc.stderr:
        pytest.skip(f"no private mount namespace here: {proc.stderr.strip()}")
    lines = proc.stdout.splitlines()
    assert lines[:3] == ["/dev/null 0", "/dev/full 1", "/dev/stdout 0"], proc.stderr
    assert lines[3:] == ["/dev/null character special file", "/dev/full character special file",
                         "/proc/self/fd/1"]
    assert '"2001-01-01"' not in (tmp_path / "out-null").read_text()
    assert "In force on 2001-01-01" in (tmp_path / "out-stdout").read_text()
    err = (tmp_path / "err-full").read_text()
    assert err.count("\n") == 1 and "No space left on device" in err
