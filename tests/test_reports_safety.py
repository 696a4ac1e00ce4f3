"""`kzlaw reports` deletes only what it wrote: a manifest of its files, refusals for folders
holding other files or linked out of the corpus, --force that still deletes nothing of
anyone else's, and a set that an interruption leaves old or new, never mixed."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

import kzlaw
from kzlaw import reports
from kzlaw.cli import main
from kzlaw.reports import MANIFEST, generate

HERE = os.path.dirname(__file__)
SMALL = os.path.join(HERE, "data", "small")
REPO = os.path.dirname(HERE)


@pytest.fixture
def corpus(tmp_path):
    return shutil.copytree(SMALL, tmp_path / "corpus")


def snapshot(folder) -> dict:
    out = {}
    for d, _dirs, fs in os.walk(folder):
        for f in fs:
            path = os.path.join(d, f)
            out[os.path.relpath(path, folder)] = open(path, "rb").read()
    return out


def run(*args):
    return main(["--no-cache", *map(str, args)])


def test_the_manifest_lists_exactly_the_generated_files(corpus):
    assert run("--data", corpus, "reports") == 0
    names = set(generate(kzlaw.load(str(corpus))))
    assert set(os.listdir(corpus / "reports")) == names | {MANIFEST}
    listed = [line for line in (corpus / "reports" / MANIFEST).read_text().splitlines()
              if not line.startswith("#")]
    assert listed == sorted(names)


def test_a_users_file_in_reports_is_refused_then_kept_with_force(corpus, capsys):
    assert run("--data", corpus, "reports") == 0
    mine = corpus / "reports" / "my-analysis.md"
    mine.write_text("my notes")
    before = snapshot(corpus / "reports")
    capsys.readouterr()
    assert run("--data", corpus, "reports") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "my-analysis.md" in err and "--force" in err
    assert snapshot(corpus / "reports") == before
    assert run("--data", corpus, "reports", "--force") == 0
    assert mine.read_text() == "my notes"


def test_a_stale_generated_file_is_removed_but_nothing_else(corpus):
    assert run("--data", corpus, "reports") == 0
    folder = corpus / "reports"
    # an organization no longer designated: its history was generated, listed, and is stale
    (folder / "history-gone.md").write_text("old")
    with open(folder / MANIFEST, "a") as f:
        f.write("history-gone.md\n")
    (folder / "mine.md").write_text("keep")
    assert run("--data", corpus, "reports", "--force") == 0
    assert not (folder / "history-gone.md").exists()
    assert (folder / "mine.md").read_text() == "keep"
    assert "history-gone.md" not in (folder / MANIFEST).read_text()


def test_a_manifest_line_naming_a_path_deletes_nothing(corpus, tmp_path):
    assert run("--data", corpus, "reports") == 0
    victim = tmp_path / "victim.md"
    victim.write_text("precious")
    with open(corpus / "reports" / MANIFEST, "a") as f:
        f.write(f"../../victim.md\n{victim}\n")
    assert run("--data", corpus, "reports") == 0
    assert victim.read_text() == "precious"


@pytest.mark.parametrize("where", ["docs", "."])
def test_reports_into_a_checkout_folder_deletes_nothing(tmp_path, where, capsys):
    checkout = tmp_path / "checkout"
    for part in ("measures", "rules", "docs"):
        shutil.copytree(os.path.join(REPO, part), checkout / part)
    shutil.copy(os.path.join(REPO, "README.md"), checkout / "README.md")
    before = snapshot(checkout)
    target = checkout / where
    capsys.readouterr()
    assert run("--data", checkout, "reports", "--dir", target) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert snapshot(checkout) == before
    assert run("--data", checkout, "reports", "--dir", target, "--force") == 0
    after = snapshot(checkout)
    assert all(after[name] == data for name, data in before.items())


@pytest.mark.parametrize("where", ["measures", "rules", "measures/reports"])
def test_reports_are_never_written_into_the_corpus_files_even_with_force(corpus, where,
                                                                         capsys):
    before = snapshot(corpus)
    part = where.split("/")[0]
    for force in ((), ("--force",)):
        capsys.readouterr()
        assert run("--data", corpus, "reports", "--dir", corpus / where, *force) == 1
        assert capsys.readouterr().err == (
            f"{corpus / where}: reports folder is inside the corpus's {part}/ folder: choose "
            "one outside measures/ and rules/\n")
        assert snapshot(corpus) == before


def test_a_reports_link_out_of_the_corpus_is_refused(corpus, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "thesis.md").write_text("years of work")
    (elsewhere / "index.html").write_text("a site")
    os.symlink(elsewhere, corpus / "reports")
    capsys.readouterr()
    assert run("--data", corpus, "reports") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "symbolic link out of the corpus" in err
    assert sorted(os.listdir(elsewhere)) == ["index.html", "thesis.md"]
    assert run("--data", corpus, "reports", "--force") == 0
    assert (elsewhere / "thesis.md").read_text() == "years of work"
    assert (elsewhere / "index.html").read_text() == "a site"


def test_a_reports_link_inside_the_corpus_is_followed(corpus):
    (corpus / "out").mkdir()
    os.symlink("out", corpus / "reports")
    assert run("--data", corpus, "reports") == 0
    assert "index.md" in os.listdir(corpus / "out")


def test_a_folder_from_before_manifests_is_adopted(corpus):
    assert run("--data", corpus, "reports") == 0
    os.unlink(corpus / "reports" / MANIFEST)
    assert run("--data", corpus, "reports", "--check") == 1  # the manifest is missing
    assert run("--data", corpus, "reports") == 0
    assert (corpus / "reports" / MANIFEST).exists()
    assert run("--data", corpus, "reports", "--check") == 0


def test_check_is_deterministic_and_reports_foreign_files(corpus, capsys):
    assert run("--data", corpus, "reports") == 0
    (corpus / "reports" / "extra.md").write_text("x")
    outs = []
    for _ in range(2):
        capsys.readouterr()
        assert run("--data", corpus, "reports", "--check") == 1
        outs.append(capsys.readouterr().err)
    assert outs[0] == outs[1] and "extra.md: not generated by kzlaw reports" in outs[0]


def test_the_checked_in_reports_carry_the_manifest():
    listed = reports._listed(os.path.join(REPO, "reports"))
    assert listed == set(generate(kzlaw.load(REPO)))


# --- interruptions ----------------------------------------------------------------------------

def _two_sets(corpus):
    """The reports folder for the corpus as it is (old) and after an edit (new)."""
    assert run("--data", corpus, "reports") == 0
    old = snapshot(corpus / "reports")
    path = corpus / "measures" / "1999" / "law-1999.yaml"
    text = path.read_text()
    assert "adopted: 1999-07-13" in text
    path.write_text(text.replace("adopted: 1999-07-13", "adopted: 1999-03-13"))
    fresh = corpus.parent / "fresh"
    shutil.copytree(corpus, fresh)
    shutil.rmtree(fresh / "reports")
    assert run("--data", fresh, "reports") == 0
    new = snapshot(fresh / "reports")
    assert sum(old.get(n) != data for n, data in new.items()) >= 3
    return old, new


def test_ctrl_c_while_writing_leaves_the_old_set_and_no_temporary_file(corpus, monkeypatch):
    old, _new = _two_sets(corpus)
    import tempfile
    calls = []
    mkstemp = tempfile.mkstemp

    def interrupted(*a, **k):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return mkstemp(*a, **k)

    monkeypatch.setattr(tempfile, "mkstemp", interrupted)
    assert run("--data", corpus, "reports") == 130
    assert snapshot(corpus / "reports") == old


def test_ctrl_c_while_renaming_is_held_until_the_new_set_is_in_place(corpus, monkeypatch):
    _old, new = _two_sets(corpus)
    replace = os.replace
    sent = []

    def replace_and_interrupt(a, b):
        if not sent:
            sent.append(1)
            os.kill(os.getpid(), signal.SIGINT)
        return replace(a, b)

    monkeypatch.setattr(reports.os, "replace", replace_and_interrupt)
    # Ctrl-C as a terminal's kzlaw has it: a suite started in the background by a shell
    # inherits SIGINT ignored (and kzlaw, rightly, then ignores it too)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = run("--data", corpus, "reports")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert sent, "no report was replaced: the edited corpus gave the old reports"
    assert code == 130
    assert snapshot(corpus / "reports") == new


def test_a_real_interrupt_at_any_moment_leaves_old_or_new(corpus):
    old, new = _two_sets(corpus)
    env = dict(os.environ, KZLAW_NO_CACHE="1")
    for delay in (0.3, 0.6, 0.9, 1.2, 1.6, 2.2):
        # back to the old set, then interrupt a run that writes the new one
        shutil.rmtree(corpus / "reports")
        os.makedirs(corpus / "reports")
        for name, data in old.items():
            (corpus / "reports" / name).write_bytes(data)
        proc = subprocess.Popen([sys.executable, "-m", "kzlaw", "--data", str(corpus),
                                 "reports"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
        state = snapshot(corpus / "reports")
        assert state in (old, new), delay


def test_an_unlisted_file_identical_to_a_report_is_adopted(corpus):
    assert run("--data", corpus, "reports") == 0
    folder = corpus / "reports"
    lines = (folder / MANIFEST).read_text().splitlines()
    (folder / MANIFEST).write_text("\n".join(l for l in lines if l != "index.md") + "\n")
    assert run("--data", corpus, "reports") == 0  # identical to what kzlaw writes: kzlaw's
    assert "index.md" in (folder / MANIFEST).read_text().splitlines()
    (folder / MANIFEST).write_text("\n".join(l for l in lines if l != "index.md") + "\n")
    (folder / "index.md").write_text("an index of my own")
    assert run("--data", corpus, "reports") == 1  # not identical: someone else's
    assert (folder / "index.md").read_text() == "an index of my own"
