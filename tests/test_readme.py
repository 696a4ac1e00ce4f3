"""The README shows real output: each ```console block's command, run on the bundled corpus in a
100-column terminal, prints exactly the lines shown (up to a final "..." where the block is cut
short). After a deliberate change of output, ``KZLAW_UPDATE_README=1 python -m pytest
tests/test_readme.py`` rewrites the blocks (keeping each block's length) for review."""

import os
import re
import shlex
import subprocess
import sys

import pytest

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
COLUMNS = "100"
BLOCK = re.compile(r"```console\n(.*?)```", flags=re.S)


def console_blocks():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    for block in BLOCK.findall(text):
        lines = block.rstrip("\n").split("\n")
        assert lines[0].startswith("$ kzlaw ")
        yield shlex.split(lines[0][2:])[1:], lines[1:]


BLOCKS = list(console_blocks())


def run(argv):
    return subprocess.run([sys.executable, "-m", "kzlaw", *argv], capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, KZLAW_NO_CACHE="1", COLUMNS=COLUMNS))


def _update():
    with open(README, encoding="utf-8") as f:
        text = f.read()

    def redo(m):
        lines = m.group(1).rstrip("\n").split("\n")
        argv = shlex.split(lines[0][2:])[1:]
        got = run(argv).stdout.rstrip("\n").split("\n")
        if lines[-1] == "...":
            got = got[: len(lines) - 2] + ["..."]
        return "```console\n" + "\n".join([lines[0]] + got) + "\n```"
    with open(README, "w", encoding="utf-8") as f:
        f.write(BLOCK.sub(redo, text))


if os.environ.get("KZLAW_UPDATE_README"):
    _update()
    BLOCKS = list(console_blocks())


def revisions(argv) -> list[str]:
    """The git revisions a command reads (``--as-of REV``, ``record-diff REV_A [REV_B]``)."""
    out = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--as-of"]
    if "record-diff" in argv:
        words = argv[argv.index("record-diff") + 1:]
        out += [w for w in words[:2] if not w.startswith("-")]
    return out


def missing_revisions(argv) -> list[str]:
    root = os.path.dirname(README)
    return [rev for rev in revisions(argv)
            if subprocess.run(["git", "-C", root, "cat-file", "-e", rev + "^{commit}"],
                              capture_output=True).returncode != 0]


@pytest.mark.parametrize("argv,expected", BLOCKS, ids=[" ".join(a) for a, _ in BLOCKS])
def test_readme_output_is_real(argv, expected):
    missing = missing_revisions(argv)
    if missing:  # a shallow clone, or a copy without .git: the README's history is not here
        pytest.skip(f"revisions not in this checkout: {', '.join(missing)}")
    result = run(argv)
    assert result.returncode == 0, result.stderr
    got = result.stdout.rstrip("\n").split("\n")
    if expected and expected[-1] == "...":
        expected = expected[:-1]
        got = got[: len(expected)]
    assert got == expected
    assert all(len(line) <= int(COLUMNS) for line in got)
