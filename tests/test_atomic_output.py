"""Issue 7 item 3: ``--output`` (and ``kzlaw reports``) write through a temporary file and a
rename, so an interrupted write leaves the old file as it was and no temporary file behind."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import kzlaw.output
from builder import measure, write_corpus
from kzlaw.cli import main
from kzlaw.output import write_atomic
from kzlaw.problems import KzlawError

OLD = "the old answer, which must survive\n"


@pytest.fixture
def target(tmp_path):
    path = tmp_path / "out" / "answer.txt"
    path.parent.mkdir()
    path.write_text(OLD)
    os.chmod(path, 0o640)
    return path


def leftovers(folder) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n != "answer.txt")


def test_write_atomic_replaces_the_file_and_keeps_its_mode(target):
    write_atomic(str(target), "new\n")
    assert target.read_text() == "new\n"
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert leftovers(target.parent) == []


def test_write_atomic_creates_a_new_file_readable_by_all(tmp_path):
    path = tmp_path / "new.txt"
    write_atomic(str(path), "x")
    assert path.read_text() == "x"
    assert os.stat(path).st_mode & 0o777 == 0o644


def test_failing_rename_leaves_the_old_file_and_no_temporary_file(target, monkeypatch):
    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(kzlaw.output.os, "replace", broken_replace)
    with pytest.raises(KzlawError, match="No space left on device"):
        write_atomic(str(target), "new\n" * 1000)
    assert target.read_text() == OLD
    assert leftovers(target.parent) == []


def test_failing_write_midway_leaves_the_old_file_and_no_temporary_file(target, monkeypatch):
    def broken_fsync(fd):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(kzlaw.output.os, "fsync", broken_fsync)
    with pytest.raises(KzlawError, match="Input/output error"):
        write_atomic(str(target), "new\n")
    assert target.read_text() == OLD
    assert leftovers(target.parent) == []


def test_interrupt_during_the_write_leaves_the_old_file(target, monkeypatch):
    def interrupted(fd):
        raise KeyboardInterrupt
    monkeypatch.setattr(kzlaw.output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(str(target), "new\n")
    assert target.read_text() == OLD
    assert leftovers(target.parent) == []


def test_cli_output_goes_through_write_atomic(tmp_path, target, monkeypatch, capsys):
    root = write_corpus(tmp_path / "c", [measure("m", effects=[{"id": "e", "prohibits": "a"}])])
    calls = []
    real = kzlaw.output.write_atomic
    monkeypatch.setattr(kzlaw.output, "write_atomic",
                        lambda path, text, *rest: (calls.append(path), real(path, text, *rest)))
    assert main(["--data", root, "--output", str(target), "in-force", "2012-01-01",
                 "--format", "json"]) == 0
    assert calls == [str(target)]
    assert '"target": "a"' in target.read_text()
    assert capsys.readouterr().out == ""


def test_cli_interrupted_rename_keeps_the_old_file_and_says_why(tmp_path, target, monkeypatch,
                                                                  capsys):
    root = write_corpus(tmp_path / "c", [measure("m", effects=[{"id": "e", "prohibits": "a"}])])

    def broken_replace(src, dst):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(kzlaw.output.os, "replace", broken_replace)
    code = main(["--data", root, "--output", str(target), "in-force", "2012-01-01"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.strip() == f"{target}: cannot write a file in {target.parent}: Permission denied"
    assert target.read_text() == OLD
    assert leftovers(target.parent) == []


CHILD = textwrap.dedent("""
    import os, sys, time
    import kzlaw.output
    real_fsync = os.fsync
    def slow_fsync(fd):
        sys.stderr.write("writing\\n"); sys.stderr.flush()
        time.sleep(60)
        real_fsync(fd)
    kzlaw.output.os.fsync = slow_fsync
    from kzlaw.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def _start_slow_writer(root, target):
    proc = subprocess.Popen([sys.executable, "-c", CHILD, "--data", root, "--output",
                             str(target), "in-force", "2012-01-01"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = proc.stderr.readline()
    assert line == b"writing\n", line + proc.stderr.read()
    # the temporary file exists now, next to the target, holding the whole new answer
    tmp = [n for n in os.listdir(target.parent) if n.startswith(".kzlaw-")]
    assert len(tmp) == 1
    return proc


def test_terminated_writer_leaves_the_old_file_and_no_temporary_file(tmp_path, target):
    root = write_corpus(tmp_path / "c", [measure("m", effects=[{"id": "e", "prohibits": "a"}])])
    proc = _start_slow_writer(root, target)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 143
    assert b"Traceback" not in err
    assert err.strip().endswith(b"kzlaw: terminated")
    assert target.read_text() == OLD
    assert leftovers(target.parent) == []


def test_killed_writer_leaves_the_old_file_intact(tmp_path, target):
    """SIGKILL cannot be caught: the temporary file (a hidden ``.kzlaw-*.tmp``) may stay, but
    the target is never half-written."""
    root = write_corpus(tmp_path / "c", [measure("m", effects=[{"id": "e", "prohibits": "a"}])])
    proc = _start_slow_writer(root, target)
    proc.kill()
    proc.wait(timeout=20)
    assert target.read_text() == OLD
    assert all(n.startswith(".kzlaw-") and n.endswith(".tmp") for n in leftovers(target.parent))


def test_interrupt_while_answering_writes_nothing(tmp_path, target, monkeypatch, capsys):
    root = write_corpus(tmp_path / "c", [measure("m", effects=[{"id": "e", "prohibits": "a"}])])
    commands = importlib.import_module("kzlaw.commands")

    def interrupted(args, fmt):
        raise KeyboardInterrupt
    monkeypatch.setattr(commands, "run", interrupted)
    assert main(["--data", root, "--output", str(target), "in-force", "2012-01-01"]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert target.read_text() == OLD
    assert leftovers(target.parent) == []


def test_reports_are_written_through_temporary_files_and_renames(tmp_path, monkeypatch, capsys):
    reports = pytest.importorskip("kzlaw.reports")
    root = write_corpus(tmp_path / "c", [measure("m", effects=[{"id": "e", "prohibits": "a"}])])
    calls = []
    real = reports.os.replace
    monkeypatch.setattr(reports.os, "replace",
                        lambda src, dst: (calls.append((src, dst)), real(src, dst)))
    folder = tmp_path / "reports"
    code = main(["--data", root, "reports", "--dir", str(folder)])
    assert code == 0, capsys.readouterr().err
    written = sorted(n for n in os.listdir(folder))
    assert written and sorted(os.path.basename(d) for _s, d in calls) == written
    assert all(os.path.basename(s).startswith(reports.TMP_PREFIX) for s, _d in calls)
    assert [n for n in written if n.startswith(".")] == [reports.MANIFEST]
