"""The README shows real output: each ```console block's command, run on the bundled corpus,
prints exactly the lines shown (up to a final "..." where the block is cut short)."""

import os
import re
import shlex
import subprocess
import sys

import pytest

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


def console_blocks():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        lines = block.rstrip("\n").split("\n")
        assert lines[0].startswith("$ kzlaw ")
        yield shlex.split(lines[0][2:])[1:], lines[1:]


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
    result = subprocess.run([sys.executable, "-m", "kzlaw", *argv], capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, KZLAW_NO_CACHE="1"))
    assert result.returncode == 0, result.stderr
    got = result.stdout.rstrip("\n").split("\n")
    if expected and expected[-1] == "...":
        expected = expected[:-1]
        got = got[: len(expected)]
    assert got == expected
