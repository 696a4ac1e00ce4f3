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


@pytest.mark.parametrize("argv,expected", BLOCKS, ids=[" ".join(a) for a, _ in BLOCKS])
def test_readme_output_is_real(argv, expected):
    result = subprocess.run([sys.executable, "-m", "kzlaw", *argv], capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, KZLAW_NO_CACHE="1"))
    assert result.returncode == 0, result.stderr
    got = result.stdout.rstrip("\n").split("\n")
    if expected and expected[-1] == "...":
        expected = expected[:-1]
        got = got[: len(expected)]
    assert got == expected
