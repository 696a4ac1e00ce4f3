"""A cache file is data, never code: the issue-11 repro, a fuzzer over the format's bytes, a
cache swapped between two corpora, and the cache folder's and file's permissions."""

import json
import os
import pickle
import stat
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzlaw
from kzlaw import cache, cachefile
from builder import measure, write_corpus

KEY = ("prohibition", "a")
# The issue's repro: pickle protocol 4 resolving the dotted name 'os.system' under 'kzlaw.cache'.
EVIL = b"\x80\x04\x8c\x0bkzlaw.cache\x94\x8c\x09os.system\x94\x93\x8c\x0btouch PWNED\x85R."


@pytest.fixture
def env(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("KZLAW_CACHE_DIR", str(folder))
    monkeypatch.delenv("KZLAW_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.05)
    monkeypatch.chdir(tmp_path)  # where `touch PWNED` would create its file
    root = write_corpus(tmp_path / "corpus", [
        measure("m", "2000-01-01", [{"id": "e", "prohibits": "a", "liability": "criminal"}]),
        measure("n", "2001-01-01", [{"id": "g", "prohibits": "b"}]),
    ])
    time.sleep(0.1)  # older than the racy window
    return root, folder


from test_cache import cached, is_hit  # noqa: E402  (one definition of a cache hit)


def answers(corpus) -> list:
    return [(f.key, f.status, f.by) for day in ("2000-06-01", "2001-06-01")
            for f in corpus.at(day)]


def frames(*parts: bytes) -> bytes:
    return b"".join(len(p).to_bytes(8, "big") + p for p in parts)


@pytest.mark.parametrize("magic", [b"kzlaw-cache-3\n", b"kzlaw-cache-4\n", b"kzlaw-cache-5\n",
                                   cachefile.MAGIC])
def test_the_issue_repro_runs_no_code_and_answers_right(env, tmp_path, magic):
    root, folder = env
    truth = answers(kzlaw.load(root))
    cached(root)
    header = pickle.dumps({"root": os.path.realpath(root), "code": cache.code_fingerprint(),
                           "manifest": cache.manifest(root)}, protocol=4)
    with open(cache.cache_path(root), "wb") as f:
        f.write(magic + frames(header, EVIL, EVIL))
    c = cached(root)
    assert not (tmp_path / "PWNED").exists()
    assert answers(c) == truth
    c.measures  # the lazily read part too
    assert not (tmp_path / "PWNED").exists()


def test_a_planted_file_with_valid_digests_runs_no_code(env, tmp_path):
    """Even a file whose digests verify (someone who could write the cache folder) can only
    hold data: a pickle in the rest frame is not valid JSON, so the files are read instead."""
    root, folder = env
    truth = kzlaw.load(root).explain(*KEY, at="2000-06-01")
    cached(root)
    path = cache.cache_path(root)
    data = open(path, "rb").read()
    header, compiled, _rest, facts = _split(data)
    fields = (header["root"], header["code"], header["manifest"])
    header["rest"] = cachefile.bind(fields, EVIL)
    header["facts"] = cachefile.bind(fields, EVIL)
    _write(path, header, compiled, EVIL, EVIL)
    c = cached(root)
    assert is_hit(c)
    assert c.explain(*KEY, at="2000-06-01") == truth
    assert not (tmp_path / "PWNED").exists()


def _split(data: bytes):
    assert data.startswith(cachefile.MAGIC)
    at, out = len(cachefile.MAGIC), []
    for _ in range(4):
        n = int.from_bytes(data[at:at + 8], "big")
        out.append(data[at + 8:at + 8 + n])
        at += 8 + n
    assert at == len(data)
    return json.loads(out[0]), out[1], out[2], out[3]


def _write(path, header: dict, compiled: bytes, rest: bytes, facts: bytes):
    with open(path, "wb") as f:
        f.write(cachefile.MAGIC + frames(cachefile.dumps(header), compiled, rest, facts))


def test_a_cache_swapped_between_two_corpora_is_not_used(env, tmp_path):
    root, folder = env
    other = write_corpus(tmp_path / "other", [
        measure("m", "1990-01-01", [{"id": "e", "prohibits": "x"}])])
    time.sleep(0.1)
    truth = answers(kzlaw.load(root))
    cached(other)
    cached(root)
    theirs = open(cache.cache_path(other), "rb").read()
    mine = open(cache.cache_path(root), "rb").read()
    # swapped as it is: it names the other corpus
    open(cache.cache_path(root), "wb").write(theirs)
    c = cached(root)
    assert not is_hit(c) and answers(c) == truth
    # swapped with the header rewritten to claim this corpus: the frames' digests do not verify
    my_header = _split(mine)[0]
    their_header, compiled, rest, facts = _split(theirs)
    for field in ("root", "code", "manifest"):
        their_header[field] = my_header[field]
    _write(cache.cache_path(root), their_header, compiled, rest, facts)
    c = cached(root)
    assert not is_hit(c) and answers(c) == truth
    assert c.at("2000-06-01").status("prohibition", "x") == "absent"
    assert is_hit(cached(root)) and answers(cached(root)) == truth


def test_the_file_is_private_and_the_folder_too(env):
    root, folder = env
    cached(root)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache.cache_path(root)).st_mode) == 0o600


def test_a_folder_others_can_write_is_not_used(env):
    root, folder = env
    truth = answers(kzlaw.load(root))
    folder.mkdir()
    os.chmod(folder, 0o777)
    c = cached(root)
    assert answers(c) == truth
    assert os.listdir(folder) == []  # nothing written ...
    os.chmod(folder, 0o700)
    cached(root)
    assert is_hit(cached(root))
    os.chmod(folder, 0o770)
    assert not is_hit(cached(root))  # ... and nothing read


def test_a_file_another_user_owns_or_can_write_or_a_link_is_not_used(env, tmp_path):
    root, folder = env
    truth = answers(kzlaw.load(root))
    cached(root)
    path = cache.cache_path(root)
    assert is_hit(cached(root))
    os.chmod(path, 0o622)
    assert not is_hit(cached(root))
    os.chmod(path, 0o600)
    assert is_hit(cached(root))
    if os.geteuid() == 0:
        os.chown(path, 54321, 54321)
        c = cached(root)
        assert not is_hit(c) and answers(c) == truth
    cached(root)
    os.rename(path, tmp_path / "elsewhere")
    os.symlink(tmp_path / "elsewhere", path)
    assert not is_hit(cached(root))


def test_a_relative_cache_dir_inside_the_corpus_is_not_used(env, monkeypatch):
    root, _ = env
    before = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
    monkeypatch.chdir(root)
    for value in (".kzlaw-cache", "measures/cache", "."):
        monkeypatch.setenv("KZLAW_CACHE_DIR", value)
        assert os.path.isabs(cache.cache_dir())
        cached(root)
        assert not is_hit(cached(root))
    after = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
    assert before == after


def test_a_relative_cache_dir_outside_the_corpus_is_resolved(env, tmp_path, monkeypatch):
    root, _ = env
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KZLAW_CACHE_DIR", "rel-cache")
    cached(root)
    monkeypatch.chdir(root)  # another current folder: the same cache file
    monkeypatch.setenv("KZLAW_CACHE_DIR", os.path.join("..", "rel-cache"))
    assert is_hit(cached(root))
    assert len(os.listdir(tmp_path / "rel-cache")) == 1


@pytest.mark.parametrize("value", ["abc", "nan", "-1", "inf", "1e9"])
def test_a_bad_racy_seconds_is_one_clear_line(env, value):
    root, _ = env
    result = subprocess.run([sys.executable, "-m", "kzlaw", "--data", root, "in-force",
                             "2001-06-01"], capture_output=True, text=True,
                            env=dict(os.environ, KZLAW_CACHE_RACY_SECONDS=value))
    assert result.returncode == 1, result.stderr
    assert result.stderr == (f"KZLAW_CACHE_RACY_SECONDS: {value!r} is not a number of seconds "
                             f"from 0 to 86400\n")
    assert result.stdout == ""


@pytest.mark.parametrize("value", ["0", "2.5", " 3 "])
def test_a_good_racy_seconds_is_taken(env, monkeypatch, value):
    monkeypatch.setattr(cache, "RACY_SECONDS", None)
    monkeypatch.setenv("KZLAW_CACHE_RACY_SECONDS", value)
    assert cache.racy_seconds() == float(value)


@pytest.mark.parametrize("signal_", [KeyboardInterrupt, SystemExit])
def test_an_interrupted_cache_write_leaves_no_temporary_file(env, monkeypatch, signal_):
    root, folder = env

    def interrupted(*_args):
        raise signal_()

    monkeypatch.setattr(cache.os, "replace", interrupted)
    with pytest.raises(signal_):
        cached(root)
    assert os.listdir(folder) == []


# --- the fuzzer ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    root = write_corpus(tmp / "corpus", [
        measure("m", "2000-01-01", [{"id": "e", "prohibits": "a", "liability": "criminal"}]),
        measure("n", "[2001-01..2001-03]", [{"id": "g", "prohibits": "b"},
                                            {"id": "h", "designates": "o", "as": "terrorist"}]),
        measure("r", "2003", [{"id": "x", "repeals": "n#g"}]),
    ])
    time.sleep(0.1)
    folder = str(tmp / "cache")
    saved = os.environ.get("KZLAW_CACHE_DIR")
    os.environ["KZLAW_CACHE_DIR"] = folder
    racy, cache.RACY_SECONDS = cache.RACY_SECONDS, 0.05
    try:
        fresh = kzlaw.load(root)
        kzlaw.load(root, cache=True)
        data = open(cache.cache_path(root), "rb").read()
    finally:
        cache.RACY_SECONDS = racy
        if saved is None:
            del os.environ["KZLAW_CACHE_DIR"]
        else:
            os.environ["KZLAW_CACHE_DIR"] = saved
    return root, folder, data, answers(fresh), fresh.explain(*KEY, at="2000-06-01")


def _load_with(valid, data: bytes, monkeypatch):
    root, folder, _data, _truth, _explain = valid
    monkeypatch.setenv("KZLAW_CACHE_DIR", folder)
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.05)
    with open(cache.cache_path(root), "wb") as f:
        f.write(data)
    os.chmod(cache.cache_path(root), 0o600)
    return kzlaw.load(root, cache=True)


edits = st.lists(st.tuples(st.sampled_from(["flip", "insert", "delete", "truncate"]),
                           st.floats(0, 1, exclude_max=True), st.integers(1, 255)),
                 min_size=1, max_size=4)


def _apply(data: bytes, ops) -> bytes:
    for op, where, byte in ops:
        i = int(where * len(data)) if data else 0
        if op == "flip" and data:
            data = data[:i] + bytes([data[i] ^ byte]) + data[i + 1:]
        elif op == "insert":
            data = data[:i] + bytes([byte]) + data[i:]
        elif op == "delete":
            data = data[:i] + data[i + 1:]
        else:
            data = data[:i]
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=edits)
def test_fuzz_damaged_files_are_ignored(valid, monkeypatch, ops):
    """Any damage to the file: the answers stay the true ones (the digests catch it)."""
    data = _apply(valid[2], ops)
    c = _load_with(valid, data, monkeypatch)
    assert answers(c) == valid[3]
    assert c.explain(*KEY, at="2000-06-01") == valid[4]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=edits, frame=st.sampled_from([1, 2, 3]))
def test_fuzz_damaged_frames_with_valid_digests_decode_or_are_refused(valid, monkeypatch,
                                                                       ops, frame):
    """The decoders themselves, past the digests (as a forger would): damage to the compiled
    timeline, the rest of the corpus or the facts' parts either decodes to plain data or is
    refused; nothing else escapes (no crash, no code)."""
    header, compiled, rest, facts = _split(valid[2])
    parts = [compiled, rest, facts]
    parts[frame - 1] = _apply(parts[frame - 1], ops)
    try:
        index, docs = cachefile.read_fact_parts(parts[2])
        for name, where in index.items():
            for key, span in where.items():
                assert type(key) is tuple and len(key) == 3
                cachefile.decode_fact_part(docs, span, name)
    except cachefile.CacheFormatError:
        pass
    try:
        timeline, extra = cachefile._frames(parts[0], 1)
        segments, _every = cachefile.decode_compiled(timeline)
        _info, names, why = cachefile.decode_extra(extra)
        assert all(type(k) is tuple and len(k) == 3 for k in segments)
        assert all(type(k) is tuple and len(k) == 3 and type(r) is dict for k, r in why.items())
        for entries in names.entries.values():
            assert all(type(e) is tuple and len(e) == 3 for e in entries.values())
    except cachefile.CacheFormatError:
        pass
    try:  # the lazy reader checks as much: what it takes it can read in full
        lazy, _every = cachefile.decode_compiled(cachefile._frames(parts[0], 1)[0], lazy=True)
        for day in (-2**31, 730000, 2**31 - 1):
            lazy.values_on(day)
        assert all(type(k) is tuple and len(k) == 3 and len(lazy[k][0]) == len(lazy[k][1])
                   for k in lazy)
    except cachefile.CacheFormatError:
        lazy = None
    try:  # and it takes what the eager one takes, no more: the same timeline
        eager, _every = cachefile.decode_compiled(cachefile._frames(parts[0], 1)[0])
    except cachefile.CacheFormatError:
        eager = None
    assert (lazy is None) == (eager is None)
    if lazy is not None:
        assert dict(lazy.items()) == eager
    try:
        cachefile.decode_value(cachefile.loads(parts[1]))
    except cachefile.CacheFormatError:
        pass


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(
        ["t", "l", "d", "s", "f", "o", "r", "Measure", "Effect", "FactIndex", "LMap", "x",
         "__class__", "os.system", "builtins.getattr"]),
    lambda inner: st.lists(inner, max_size=6), max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(doc=json_values)
def test_fuzz_decode_value_returns_data_or_refuses(doc):
    try:
        cachefile.decode_value(doc)
    except cachefile.CacheFormatError:
        pass


def test_the_format_names_no_callable():
    """Only kzlaw's data classes can be built, and none of them is callable."""
    for name, (cls, _fields, _how) in cachefile.table().items():
        assert cls.__module__.startswith("kzlaw."), name
        assert "__call__" not in vars(cls), name
    with pytest.raises(cachefile.CacheFormatError):
        cachefile.decode_value(["o", "system"])
    with pytest.raises(cachefile.CacheFormatError):
        cachefile.decode_value(["o", "kzlaw.cache.os.system", "touch PWNED"])


def test_round_trip_keeps_every_answer_and_the_sharing(tmp_path):
    c = kzlaw.load()
    segments, every = cachefile.decode_compiled(cachefile.encode_compiled(c.compiled))
    assert segments == c.compiled.segments and every == c.compiled.snapshot_every
    info, names, why = cachefile.decode_extra(cachefile.encode_extra(c.info, c.compiled.names,
                                                                      c.compiled.why))
    assert info == c.info and why == c.compiled.why
    assert list(why) == list(c.compiled.why)
    assert vars(names) == vars(c.compiled.names) and type(names) is type(c.compiled.names)
    assert names.label("hizb-ut-tahrir") == c.compiled.names.label("hizb-ut-tahrir")
    state = cachefile.decode_value(cachefile.loads(cachefile.dumps(
        cachefile.encode_value(c.state_for_cache()))))
    assert state["measures"] == c.measures and state["holdings"] == c.holdings
    assert state["measures"] is state["raw"].measures
    assert state["facts"].sets == c.facts.sets and state["derivations"] == c.derivations


# --- the compiled timeline's tables, against the timeline they were written from ---------------

_words = st.text("abcxyz-#:é", min_size=1, max_size=6)
_refs = st.lists(_words, min_size=0, max_size=3 * cachefile.LONG_TUPLE, unique=True).map(
    lambda xs: tuple(sorted(xs)))


@st.composite
def _timelines(draw):
    """Facts with up to a dozen segments; `by` and sources lists long enough to be written
    as edits of the previous segment's (LONG_TUPLE), growing or shrinking from it."""
    from kzlaw.timeline import FactValue
    segments = {}
    for _ in range(draw(st.integers(0, 6))):
        key = (draw(st.sampled_from(["prohibition", "designation", "penalty"])), draw(_words),
               draw(st.none() | _words))
        starts = sorted(draw(st.sets(st.integers(-2**31, 2**31 - 1), min_size=1, max_size=12)))
        by = draw(_refs)
        segs = []
        for s in starts:
            if draw(st.integers(0, 4)) == 0:
                segs.append((s, None))
                continue
            step = draw(st.sampled_from(["same", "grow", "new"]))
            if step == "grow":
                by = tuple(sorted(set(by) | {draw(_words)}))
            elif step == "new":
                by = draw(_refs)
            attrs = draw(st.lists(st.tuples(_words, _words | st.tuples(_words, _words)),
                                  max_size=2, unique_by=lambda a: a[0]))
            segs.append((s, FactValue(draw(st.sampled_from(["in-force", "uncertain"])),
                                      tuple(sorted(attrs)), by, by[::-1])))
        segments[key] = segs
    return segments


@settings(max_examples=150, deadline=None)
@given(segments=_timelines(), every=st.integers(0, 1000))
def test_the_compiled_tables_read_back_the_timeline_they_were_written_from(segments, every):
    from kzlaw.timeline import Compiled
    c = Compiled(segments, every)
    back, back_every = cachefile.decode_compiled(cachefile.encode_compiled(c))
    assert back == c.segments and back_every == every
    assert list(back) == list(c.segments)  # the facts' order, too
    for starts, values in back.values():
        assert type(starts) is list and type(values) is list
        assert all(v is None or type(v) is tuple for v in values)


def test_a_list_that_grows_one_reference_at_a_time_is_stored_in_linear_size():
    """A fact held by 300 effects, one more on each stretch: the `by` lists hold 45,000
    references in memory, and the file a few per stretch."""
    from kzlaw.timeline import Compiled, FactValue
    refs = [f"m{i:03d}#e" for i in range(300)]
    segs = [(i, FactValue("in-force", (), tuple(refs[:i + 1]), ("s1",))) for i in range(300)]
    segs.insert(150, (149.5, None))  # an absent stretch in between: the edit spans it
    segs = [(int(2 * s), v) for s, v in segs]
    c = Compiled({("prohibition", "a", None): segs})
    data = cachefile.encode_compiled(c)
    assert len(data) < 20_000
    back, _ = cachefile.decode_compiled(data)
    assert back == c.segments
