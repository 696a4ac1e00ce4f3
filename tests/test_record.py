"""Knowledge time: answers from the record as committed at a git revision, and what changed in
the record between two revisions, on temporary repositories built here (git init, commits,
tags). Reading a revision never writes to the repository."""

import csv
import hashlib
import io
import json
import os
import subprocess
import sys

import pytest

import kzlaw
from kzlaw import record
from builder import dump, measure, write_corpus

A = ("prohibition", "a")
B = ("prohibition", "b")
O = ("designation", "o")


def git(cwd, *args) -> str:
    # GIT_OPTIONAL_LOCKS=0: `git status` would otherwise refresh (write) the index itself
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                       env=dict(os.environ, GIT_OPTIONAL_LOCKS="0"))
    return r.stdout


def kzlaw_cli(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "kzlaw", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd, env=env or dict(os.environ))


@pytest.fixture
def history(tmp_path, monkeypatch):
    """A repository whose corpus lives in ``corpus/``, with tags v1 (first record), v2 (a
    correction: measure m dated to the day; measure n's file moved; measure gone's file
    deleted), broken (an invalid corpus) and v3 (fixed again; HEAD)."""
    monkeypatch.setenv("KZLAW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KZLAW_NO_CACHE", raising=False)
    for k, v in {"GIT_AUTHOR_NAME": "Curator", "GIT_AUTHOR_EMAIL": "c@example.org",
                 "GIT_COMMITTER_NAME": "Curator", "GIT_COMMITTER_EMAIL": "c@example.org",
                 "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                 "GIT_CEILING_DIRECTORIES": str(tmp_path)}.items():
        monkeypatch.setenv(k, v)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    root = write_corpus(repo / "corpus", [
        measure("m", "2000", [{"id": "e", "prohibits": "a", "liability": "criminal"}]),
        measure("n", "2001-01-01", [{"id": "d", "designates": "o", "as": "extremist"}]),
        measure("gone", "2003", [{"id": "g", "prohibits": "b"}]),
    ])
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "First record")
    git(repo, "tag", "v1")
    # The correction: m was adopted on 1 June 2000; n's file moves; gone was a misreport.
    dump(os.path.join(root, "measures", "2000", "m.yaml"),
         measure("m", "2000-06-01", [{"id": "e", "prohibits": "a", "liability": "criminal"}]))
    os.makedirs(os.path.join(root, "measures", "2001"))
    git(repo, "mv", "corpus/measures/2000/n.yaml", "corpus/measures/2001/n.yaml")
    git(repo, "rm", "-q", "corpus/measures/2000/gone.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Date m to the day\n\nThe act itself is dated 1 June 2000.")
    git(repo, "tag", "v2")
    dump(os.path.join(root, "measures", "2000", "bad.yaml"),
         measure("bad", "2005", [{"id": "e", "prohibits": "zz"}]))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add a measure with a typo")
    git(repo, "tag", "broken")
    os.unlink(os.path.join(root, "measures", "2000", "bad.yaml"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Drop the broken measure")
    git(repo, "tag", "v3")
    return str(repo), root


def commit_of(repo, rev):
    return git(repo, "rev-parse", rev + "^{commit}").strip()


# --- answers at a revision ------------------------------------------------------------------

def test_answers_at_two_revisions_are_those_each_record_gave(history):
    repo, root = history
    v1, v2 = record.load_at(root, "v1"), record.load_at(root, "v2")
    # v1 dated m only "2000": uncertain all year; v2 dates it 2000-06-01.
    assert v1.at("1999-12-31").status(*A) == "absent" == v2.at("1999-12-31").status(*A)
    assert v1.at("2000-01-01").status(*A) == "uncertain"
    assert v2.at("2000-01-01").status(*A) == "absent"
    assert v1.at("2000-05-31").status(*A) == "uncertain"
    assert v2.at("2000-05-31").status(*A) == "absent"
    assert v1.at("2000-06-01").status(*A) == "uncertain"
    assert v2.at("2000-06-01").status(*A) == "in-force"
    assert v1.at("2000-12-31").status(*A) == "in-force" == v2.at("2000-12-31").status(*A)
    assert v1.commit == commit_of(repo, "v1") and v2.commit == commit_of(repo, "v2")
    assert v1.revision.given == "v1"


def test_a_deleted_measure_file_answers_only_at_revisions_that_hold_it(history):
    _repo, root = history
    v1, v2 = record.load_at(root, "v1"), record.load_at(root, "v2")
    assert "gone" in v1.measures and "gone" not in v2.measures
    assert v1.at("2003-12-31").status(*B) == "in-force"
    assert v2.at("2003-12-31").status(*B) == "absent"


def test_a_renamed_measure_file_is_read_from_its_path_at_each_revision(history):
    _repo, root = history
    v1, v2 = record.load_at(root, "v1"), record.load_at(root, "v2")
    assert v1.raw.measure_files["n"][0] == "measures/2000/n.yaml"
    assert v2.raw.measure_files["n"][0] == "measures/2001/n.yaml"
    for c in (v1, v2):
        assert c.at("2000-12-31").status(*O) == "absent"
        assert c.at("2001-01-01").status(*O) == "in-force"


def test_the_work_tree_is_not_what_a_revision_answers(history):
    _repo, root = history
    dump(os.path.join(root, "measures", "2000", "m.yaml"),
         measure("m", "1990-01-01", [{"id": "e", "prohibits": "a"}]))  # uncommitted
    assert kzlaw.load(root).at("1995-01-01").status(*A) == "in-force"
    assert record.load_at(root, "HEAD").at("1995-01-01").status(*A) == "absent"


def test_revision_spellings_name_the_same_commit(history):
    repo, root = history
    full = commit_of(repo, "v2")
    for rev in ("v2", "v3~2", "broken^", "HEAD~2", full, full[:10]):
        c = record.load_at(root, rev)
        assert c.commit == full
        assert c.at("2000-06-01").status(*A) == "in-force"


def test_every_command_answers_at_a_revision(history):
    _repo, root = history
    for argv in (["in-force", "2000-06-01"], ["diff", "2000-01-01", "2001-06-01"],
                 ["timeline"], ["history", "o"], ["show", "m"],
                 ["explain", "prohibition", "a", "--at", "2000-06-01"], ["check"]):
        for fmt in ("table", "json", "csv", "markdown"):
            r = kzlaw_cli("--data", root, "--as-of", "v1", *argv, "--format", fmt)
            assert r.returncode == 0, (argv, fmt, r.stderr)
            assert r.stdout.strip()
    r = kzlaw_cli("--data", root, "--as-of", "v1", "in-force", "2000-06-01", "--format", "json")
    doc = json.loads(r.stdout)
    facts = {(f["kind"], f["target"]): f["status"] for f in doc["facts"]}
    assert facts[A] == "uncertain"
    # the answer cites the commit it came from, and is named after the corpus folder
    assert doc["corpus"]["commit"] == commit_of(_repo, "v1")
    assert doc["corpus"]["title"] == "corpus"
    cite = f"Answered from the record at v1, commit {commit_of(_repo, 'v1')}."
    for argv in (["in-force", "2000-06-01"], ["check"], ["history", "o"]):
        r = kzlaw_cli("--data", root, "--as-of", "v1", *argv)
        assert r.stdout.rstrip("\n").endswith("\n" + cite)
        r = kzlaw_cli("--data", root, "--as-of", "v1", *argv, "--format", "markdown")
        assert r.stdout.rstrip("\n").endswith(f"\n_{cite}_")
    r = kzlaw_cli("--data", root, "in-force", "2000-06-01")
    assert "Answered from the record" not in r.stdout
    r = kzlaw_cli("--data", root, "in-force", "2000-06-01", "--as-of", "v2", "--format", "json")
    facts = {(f["kind"], f["target"]): f["status"] for f in json.loads(r.stdout)["facts"]}
    assert facts[A] == "in-force"


def test_reports_at_a_revision_need_their_own_folder(history, tmp_path):
    _repo, root = history
    r = kzlaw_cli("--data", root, "--as-of", "v1", "reports")
    assert r.returncode == 2 and "--dir" in r.stderr
    out = tmp_path / "old-reports"
    r = kzlaw_cli("--data", root, "--as-of", "v1", "reports", "--dir", str(out))
    assert r.returncode == 0, r.stderr
    cite = f"Answered from the record at v1, commit {commit_of(_repo, 'v1')}."
    for name in [n for n in os.listdir(out) if n.endswith((".md", ".html"))]:  # each names it
        assert cite in (out / name).read_text(), name
    assert not os.path.exists(os.path.join(root, "reports"))
    r = kzlaw_cli("--data", root, "--as-of", "v1", "reports", "--check", "--dir", str(out))
    assert r.returncode == 0, r.stderr


# --- refusals -------------------------------------------------------------------------------

def test_an_invalid_corpus_at_a_revision_is_refused_naming_the_revision(history):
    _repo, root = history
    with pytest.raises(kzlaw.KzlawError) as e:
        record.load_at(root, "broken")
    [problem] = e.value.problems
    assert problem.path == "broken:corpus/measures/2000/bad.yaml"
    assert problem.line > 0 and "unknown act 'zz'" in problem.message
    for argv in (["in-force", "2000-01-01"], ["check"]):
        r = kzlaw_cli("--data", root, "--as-of", "broken", *argv)
        assert r.returncode == 1
        assert "Traceback" not in r.stderr
        [line] = r.stderr.strip().split("\n")
        assert line.startswith(f"broken:corpus/measures/2000/bad.yaml:{problem.line}: ")
    # the revisions around it are fine
    assert record.load_at(root, "broken~1").at("2000-06-01").status(*A) == "in-force"
    assert record.load_at(root, "v3").at("2000-06-01").status(*A) == "in-force"


def test_a_revision_without_the_corpus_is_refused(history):
    repo, root = history
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input="no corpus\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    tree = subprocess.run(["git", "mktree"], cwd=repo, input=f"100644 blob {blob}\tREADME\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    other = git(repo, "commit-tree", tree, "-m", "unrelated").strip()
    with pytest.raises(kzlaw.KzlawError) as e:
        record.load_at(root, other)
    [problem] = e.value.problems
    assert problem.path == f"{other}:corpus" and "not a kzlaw corpus" in problem.message


def test_an_unknown_revision_is_one_line_and_exit_1(history):
    _repo, root = history
    for rev in ("v9", "HEAD~99", "0" * 40, "--help", ""):
        r = kzlaw_cli("--data", root, f"--as-of={rev}", "in-force", "2000-01-01")
        assert r.returncode == 1, rev
        [line] = r.stderr.strip().split("\n")
        assert line.startswith("--as-of: ") and "Traceback" not in r.stderr


def test_outside_a_git_repository_is_one_line_and_exit_1(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = write_corpus(tmp_path / "plain", [measure("m", "2000", [{"id": "e", "prohibits": "a"}])])
    for argv in (["--as-of", "HEAD", "in-force", "2000-01-01"], ["record-diff", "HEAD~1", "HEAD"]):
        r = kzlaw_cli("--data", root, *argv)
        assert r.returncode == 1
        [line] = r.stderr.strip().split("\n")
        assert line == f"{root}: not inside a git repository: --as-of and record-diff read " \
                       "the record from git's history"


# --- the cache ------------------------------------------------------------------------------

def test_a_revision_is_written_once_keyed_by_its_commit_and_private(history, tmp_path):
    repo, root = history
    record.load_at(root, "v1", cache=True)
    folders = os.listdir(tmp_path / "cache" / "revisions")
    assert len(folders) == 1 and folders[0].startswith(commit_of(repo, "v1") + "-")
    base = tmp_path / "cache" / "revisions" / folders[0]
    for dirpath, dirnames, filenames in os.walk(base):
        assert os.stat(dirpath).st_mode & 0o777 == 0o700
        for name in filenames:
            assert os.stat(os.path.join(dirpath, name)).st_mode & 0o777 == 0o600
    git(repo, "tag", "alias-of-v1", "v1")
    again = record.load_at(root, "alias-of-v1", cache=True)
    assert os.listdir(tmp_path / "cache" / "revisions") == folders  # same commit, same folder
    assert "_rest" in again.__dict__  # the compiled corpus came from the cache
    assert again.commit == commit_of(repo, "v1") and again.revision.given == "alias-of-v1"
    assert again.at("2000-06-01").status(*A) == "uncertain"
    assert again.measures["gone"].title == "Measure gone"  # the lazy rest loads too
    record.load_at(root, "v2", cache=True)
    assert len(os.listdir(tmp_path / "cache" / "revisions")) == 2


def test_the_compiled_cache_of_a_revision_ignores_later_edits_of_the_files(history):
    _repo, root = history
    record.load_at(root, "v2", cache=True)
    dump(os.path.join(root, "measures", "2000", "m.yaml"),
         measure("m", "1990-01-01", [{"id": "e", "prohibits": "a"}]))
    c = record.load_at(root, "v2", cache=True)
    assert "_rest" in c.__dict__
    assert c.at("1995-01-01").status(*A) == "absent"
    assert kzlaw.load(root, cache=True).at("1995-01-01").status(*A) == "in-force"


# --- nothing written to the repository ------------------------------------------------------

def _repository_state(repo):
    index = os.path.join(repo, ".git", "index")
    with open(index, "rb") as f:
        index_hash = hashlib.sha256(f.read()).hexdigest()
    files = {}
    for dirpath, _dirnames, filenames in os.walk(repo):
        for name in filenames:
            full = os.path.join(dirpath, name)
            st = os.stat(full)
            files[os.path.relpath(full, repo)] = (st.st_size, st.st_mtime_ns)
    return (git(repo, "status", "--porcelain", "--untracked-files=all"), index_hash,
            os.stat(index).st_mtime_ns, git(repo, "for-each-ref"), git(repo, "rev-parse", "HEAD"),
            files)


def test_reading_revisions_writes_nothing_in_the_repository(history):
    repo, root = history
    # a dirty work tree: an edit, an untracked file
    dump(os.path.join(root, "measures", "2000", "m.yaml"),
         measure("m", "1990-01-01", [{"id": "e", "prohibits": "a"}]))
    dump(os.path.join(root, "measures", "2000", "new.yaml"),
         measure("new", "1991", [{"id": "e", "prohibits": "b"}]))
    before = _repository_state(repo)
    for argv in (["--as-of", "v1", "in-force", "2000-06-01"], ["--as-of", "broken", "check"],
                 ["--as-of", "v2", "explain", "prohibition", "a", "--at", "2000-06-01"],
                 ["record-diff", "v1", "v2"], ["record-diff", "v1"],
                 ["record-diff", "v1", "v3", "--at", "2000-06-01", "--format", "json"]):
        kzlaw_cli("--data", root, *argv)
    record.load_at(root, "v1", cache=True)
    assert _repository_state(repo) == before


# --- record-diff ----------------------------------------------------------------------------

def _changes(data, key):
    """The fact's changes, in the order of their days."""
    out = [(c["before"], c["after"], c.get("days")) for c in data["changes"]
           if (c["kind"], c["target"]) == key]
    return sorted(out, key=lambda c: c[2][0]["from"] or "" if c[2] else "")


def test_record_diff_on_any_day_gives_the_days_each_answer_changed(history):
    repo, root = history
    data = record.record_diff(root, "v1", "v2")
    assert _changes(data, A) == [
        ("uncertain", "absent", [{"from": "2000-01-01", "until": "2000-05-31"}]),
        ("uncertain", "in-force", [{"from": "2000-06-01", "until": "2000-12-30"}]),
    ]
    assert _changes(data, B) == [
        ("uncertain", "absent", [{"from": "2003-01-01", "until": "2003-12-30"}]),
        ("in-force", "absent", [{"from": "2003-12-31", "until": None}]),
    ]
    assert _changes(data, O) == []  # the moved file says the same
    groups = {c["group"] for c in data["changes"] if (c["kind"], c["target"]) == A}
    assert groups == {"no-longer-in-force", "became-certain"}
    assert data["from"]["revision"] == "v1"
    # every record is cited by the commit it was answered from
    assert data["from"]["commit"] == commit_of(repo, "v1") == data["from"]["corpus"]["commit"]
    assert data["to"]["commit"] == commit_of(repo, "v2") == data["corpus"]["commit"]
    assert data["question"] == {"command": "record-diff", "from": "v1", "to": "v2", "at": None}
    files = {(f["change"], f["path"], f["old_path"]) for f in data["files"]}
    assert files == {("modified", "corpus/measures/2000/m.yaml", None),
                     ("removed", "corpus/measures/2000/gone.yaml", None),
                     ("renamed", "corpus/measures/2001/n.yaml", "corpus/measures/2000/n.yaml")}
    [commit] = data["commits"]
    assert commit["commit"] == commit_of(repo, "v2") and commit["subject"] == "Date m to the day"
    assert "dated 1 June 2000" in commit["message"] and commit["side"] == "to"


@pytest.mark.parametrize("day,expected", [
    ("1999-12-31", []),
    ("2000-01-01", [("uncertain", "absent", None)]),
    ("2000-05-31", [("uncertain", "absent", None)]),
    ("2000-06-01", [("uncertain", "in-force", None)]),
    ("2000-12-30", [("uncertain", "in-force", None)]),
    ("2000-12-31", []),
])
def test_record_diff_on_one_day_on_both_sides_of_the_correction(history, day, expected):
    _repo, root = history
    from kzlaw.dates import parse_day
    data = record.record_diff(root, "v1", "v2", at=parse_day(day))
    assert data["at"] == day
    assert _changes(data, A) == expected


def test_record_diff_backwards_inverts_and_marks_the_commits(history):
    _repo, root = history
    data = record.record_diff(root, "v2", "v1")
    assert _changes(data, A) == [
        ("absent", "uncertain", [{"from": "2000-01-01", "until": "2000-05-31"}]),
        ("in-force", "uncertain", [{"from": "2000-06-01", "until": "2000-12-30"}]),
    ]
    assert [c["side"] for c in data["commits"]] == ["from"]
    assert {f["change"] for f in data["files"]} == {"added", "modified", "renamed"}


def test_record_diff_between_equal_records_is_empty_but_lists_the_commits(history):
    _repo, root = history
    data = record.record_diff(root, "v2", "v3")
    assert data["changes"] == [] and data["files"] == []
    assert [c["subject"] for c in data["commits"]] == ["Add a measure with a typo",
                                                        "Drop the broken measure"]


def test_record_diff_against_the_work_tree(history):
    _repo, root = history
    dump(os.path.join(root, "measures", "2000", "m.yaml"),
         measure("m", "1999-06-01", [{"id": "e", "prohibits": "a", "liability": "criminal"}]))
    data = record.record_diff(root, "v3")
    assert data["to"]["revision"] is None
    assert data["to"]["commit"] == commit_of(_repo, "HEAD") + "-dirty"
    assert _changes(data, A) == [("absent", "in-force",
                                  [{"from": "1999-06-01", "until": "2000-05-31"}])]
    assert [(f["change"], f["path"]) for f in data["files"]] == [
        ("modified", "corpus/measures/2000/m.yaml")]


def test_record_diff_of_one_kind(history):
    _repo, root = history
    data = record.record_diff(root, "v1", "v2", kind="prohibition")
    assert data["question"]["kind"] == "prohibition"
    assert {c["kind"] for c in data["changes"]} == {"prohibition"}
    assert record.record_diff(root, "v1", "v2", kind="designation")["changes"] == []
    r = kzlaw_cli("--data", root, "record-diff", "v1", "v2", "--kind", "organization")
    assert r.returncode == 1
    assert r.stderr.strip() == ("question: unknown fact kind 'organization' (did you mean "
                                "'designation'?); kinds are prohibition, obligation, "
                                "designation, institution, power, penalty")


def test_record_diff_refuses_an_invalid_side_naming_it(history):
    _repo, root = history
    r = kzlaw_cli("--data", root, "record-diff", "v1", "broken")
    assert r.returncode == 1
    assert r.stderr.startswith("broken:corpus/measures/2000/bad.yaml:")


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv", "html"])
def test_record_diff_in_every_format(history, fmt):
    repo, root = history
    r = kzlaw_cli("--data", root, "record-diff", "v1", "v2", "--format", fmt,
                  env=dict(os.environ, COLUMNS="200"))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    short = commit_of(repo, "v2")[:12]
    if fmt == "json":
        data = json.loads(out)
        assert data == record.record_diff(root, "v1", "v2")
        return
    assert short in out
    assert "corpus/measures/2001/n.yaml" in out and "corpus/measures/2000/gone.yaml" in out
    assert "2000-06-01..2000-12-30" in out
    if fmt != "csv":
        assert "Date m to the day" in out
        for title in ("Became certain", "No longer in force"):
            assert title in out
    else:
        rows = list(csv.DictReader(io.StringIO(out)))
        assert {(r["section"], r["group"]) for r in rows} >= {
            ("change", "became-certain"), ("change", "no-longer-in-force"),
            ("file", "renamed"), ("file", "removed"), ("commit", "to")}
    if fmt == "html":
        # the chart of each record, on one axis: the fact's bar is hatched (uncertain) in v1
        assert out.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
        assert "The record at v1" in out and "The record at v2" in out
        assert "<script" not in out


# --- the corrections report -----------------------------------------------------------------

def test_the_corrections_report_is_checked_on_a_full_clone_and_skipped_on_a_shallow_one(
        history, tmp_path):
    repo, root = history
    v1 = commit_of(repo, "v1")
    with open(os.path.join(root, "measures", "corpus.yaml"), "w") as f:
        f.write(f"title: Test corpus\ncorrections_since: {v1}\n")
    r = kzlaw_cli("--data", root, "reports")
    assert r.returncode == 0, r.stderr
    text = open(os.path.join(root, "reports", "corrections.md")).read()
    assert f"at revision {v1} " in text
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in text.splitlines()
            if line.startswith("| Prohibition: Act A ")]
    assert [r[1:5] for r in rows] == [["uncertain", "in force", "", "2000-06-01..2000-12-30"],
                                      ["uncertain", "not in force", "", "2000-01-01..2000-05-31"]]
    assert "corpus/measures/2000/gone.yaml" in text
    assert "(corrections.md)" in open(os.path.join(root, "reports", "index.md")).read()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Reports, with corrections since v1")
    full, shallow = str(tmp_path / "full"), str(tmp_path / "shallow")
    git(tmp_path, "clone", "-q", repo, full)
    git(tmp_path, "clone", "-q", "--depth", "1", "file://" + repo, shallow)
    for clone in (full, shallow):
        r = kzlaw_cli("--data", os.path.join(clone, "corpus"), "reports", "--check")
        assert r.returncode == 0, (clone, r.stderr)
    r = kzlaw_cli("--data", os.path.join(shallow, "corpus"), "reports", "--check")
    assert r.stdout.startswith(f"note: corrections.md: revision {v1!r} (corrections_since in "
                               "measures/corpus.yaml) cannot be read here")
    r = kzlaw_cli("--data", os.path.join(shallow, "corpus"), "--as-of", v1, "in-force",
                  "2000-06-01")
    assert r.returncode == 1 and r.stderr.strip().endswith(
        "; this clone is shallow (git fetch --unshallow brings the history)")
    # a stale corrections report fails the check where it can be made, and only there
    for clone in (full, shallow):
        with open(os.path.join(clone, "corpus", "reports", "corrections.md"), "a") as f:
            f.write("edited by hand\n")
    r = kzlaw_cli("--data", os.path.join(full, "corpus"), "reports", "--check")
    assert r.returncode == 1 and "corrections.md: stale" in r.stderr
    r = kzlaw_cli("--data", os.path.join(shallow, "corpus"), "reports", "--check")
    assert r.returncode == 0
    # writing reports in the shallow clone leaves the report it cannot make alone
    r = kzlaw_cli("--data", os.path.join(shallow, "corpus"), "reports")
    assert r.returncode == 0
    assert open(os.path.join(shallow, "corpus", "reports", "corrections.md")).read().endswith(
        "edited by hand\n")


def test_the_corrections_report_follows_the_record_it_reports(history):
    _repo, root = history
    with open(os.path.join(root, "measures", "corpus.yaml"), "w") as f:
        f.write("corrections_since: v1\n")
    corpus = kzlaw.load(root)
    data, note = record.corrections(corpus)
    assert note is None and data["since"] == "v1"
    assert _changes(data, A) == _changes(record.record_diff(root, "v1", "v2"), A)
    # dated back to 1999 in the work tree: the report sees the edit
    dump(os.path.join(root, "measures", "2000", "m.yaml"),
         measure("m", "1999-01-01", [{"id": "e", "prohibits": "a", "liability": "criminal"}]))
    data, _ = record.corrections(kzlaw.load(root))
    assert _changes(data, A)[0] == ("absent", "in-force",
                                    [{"from": "1999-01-01", "until": "1999-12-31"}])
    # no corrections_since: no report
    os.unlink(os.path.join(root, "measures", "corpus.yaml"))
    assert record.corrections(kzlaw.load(root)) == (None, None)


def _mktree(repo, lines: list[str]) -> str:
    return subprocess.run(["git", "mktree"], cwd=repo, input="".join(l + "\n" for l in lines),
                          capture_output=True, text=True, check=True).stdout.strip()


def test_a_crafted_tree_that_climbs_out_is_refused_and_nothing_is_written(history, tmp_path):
    repo, root = history
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input="id: x\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    climbing = _mktree(repo, [f"100644 blob {blob}\tx.yaml"])
    measures = git(repo, "ls-tree", "v1:corpus/measures").splitlines()
    measures = _mktree(repo, measures + [f"040000 tree {climbing}\t.."])
    corpus = [line if not line.endswith("\tmeasures") else f"040000 tree {measures}\tmeasures"
              for line in git(repo, "ls-tree", "v1:corpus").splitlines()]
    top = _mktree(repo, [f"040000 tree {_mktree(repo, corpus)}\tcorpus"])
    evil = git(repo, "commit-tree", top, "-m", "crafted").strip()
    with pytest.raises(kzlaw.KzlawError) as e:
        record.load_at(root, evil)
    [problem] = e.value.problems
    assert problem.path == f"{evil}:corpus/measures/../x.yaml"
    assert problem.message == "path is not safe to write; not read"
    written = [os.path.join(d, n) for d, _s, names in os.walk(tmp_path / "cache") for n in names]
    assert not any(p.endswith("x.yaml") for p in written)
    assert not (tmp_path / "cache" / "x.yaml").exists()


def test_concurrent_first_reads_of_a_revision_agree(history, tmp_path):
    repo, root = history
    procs = [subprocess.Popen([sys.executable, "-m", "kzlaw", "--data", root, "--as-of", "v1",
                               "in-force", "2000-06-01", "--format", "json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _o, err in outs]
    assert len({out for out, _err in outs}) == 1
    assert os.listdir(tmp_path / "cache" / "revisions") == [
        f for f in os.listdir(tmp_path / "cache" / "revisions") if not f.startswith(".tmp")]
    assert len(os.listdir(tmp_path / "cache" / "revisions")) == 1


def test_links_in_a_revision_are_read_as_the_loader_reads_them(history, tmp_path):
    repo, root = history
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: outside\n")
    os.symlink(str(outside), os.path.join(root, "measures", "2000", "outside.yaml"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a link out of the corpus")
    with pytest.raises(kzlaw.KzlawError) as e:
        record.load_at(root, "HEAD")
    [problem] = e.value.problems
    assert problem.path == "HEAD:corpus/measures/2000/outside.yaml"
    assert problem.message == "symbolic link points outside the corpus"
    os.unlink(os.path.join(root, "measures", "2000", "outside.yaml"))
    os.symlink("m.yaml", os.path.join(root, "measures", "2000", "alias.yaml"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a link inside the corpus")
    with pytest.raises(kzlaw.KzlawError) as e:  # the same measure twice, as in the work tree
        record.load_at(root, "HEAD")
    assert [p.message for p in e.value.problems] == \
        [p.message for p in pytest.raises(kzlaw.KzlawError, kzlaw.load, root).value.problems]
