"""kzlaw's YAML reader gives its own messages, whichever layer of the parser notices first."""

from __future__ import annotations

import pytest
import yaml

from kzlaw import yamlfile
from kzlaw.yamlfile import MAX_DEPTH, YamlProblem, parse


def flow(depth: int, opener: str = "[") -> str:
    inner = "x" if opener == "[" else "a: x"
    if opener == "[":
        body = "[" * depth + inner + "]" * depth
    else:
        body = "{a: " * (depth - 1) + "{" + inner + "}" + "}" * (depth - 1)
    return "id: m1\nvalue: " + body + "\n"


def block(depth: int) -> str:
    return "id: m1\nvalue:\n" + "".join("  " * i + "k:\n" for i in range(1, depth)) + \
        "  " * depth + "k: x\n"


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1])
def test_nesting_up_to_the_limit_is_read(depth):
    # the top-level mapping is one level, so MAX_DEPTH - 1 lists inside it is the deepest
    value = parse(flow(depth))["value"]
    for _ in range(depth - 1):
        value = value[0]
    assert value == ["x"]


@pytest.mark.parametrize("text", [flow(MAX_DEPTH), flow(MAX_DEPTH, "{"), block(MAX_DEPTH + 1),
                                  flow(20_000), flow(20_000, "{"), block(1_200)],
                         ids=["flow-list-41", "flow-map-41", "block-41", "flow-list-20000",
                              "flow-map-20000", "block-1200"])
def test_too_deep_is_kzlaws_own_message(text):
    with pytest.raises(YamlProblem) as e:
        parse(text)
    assert e.value.message == f"nested deeper than {MAX_DEPTH} levels"
    assert e.value.line >= 2


class _LimitedLoader(yaml.SafeLoader):
    """A parser with a nesting limit of its own far below kzlaw's, as libyaml has had since
    PyYAML 6.0.4 (at 1,000 levels): whatever it says, kzlaw's message must win."""

    def __init__(self, text):
        super().__init__(text)
        self._depth = 0

    def get_event(self):
        event = super().get_event()
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._depth += 1
            if self._depth > 3:
                raise yaml.scanner.ScannerError("while increasing flow level", None,
                                                "exceeded maximum nesting depth",
                                                event.start_mark)
        return event


def test_a_parser_limit_below_kzlaws_gives_kzlaws_message(monkeypatch):
    monkeypatch.setattr(yamlfile, "_Loader", _LimitedLoader)
    with pytest.raises(YamlProblem) as e:
        parse(flow(MAX_DEPTH + 5))
    assert e.value.message == f"nested deeper than {MAX_DEPTH} levels"
    assert e.value.line == 2


def test_a_parser_limit_on_a_valid_file_stays_a_syntax_error(monkeypatch):
    # kzlaw's own checks find nothing, so the parser's complaint is reported, located
    monkeypatch.setattr(yamlfile, "_Loader", _LimitedLoader)
    with pytest.raises(YamlProblem) as e:
        parse(flow(6))
    assert e.value.message.startswith("YAML syntax error:")
    assert e.value.line == 2


def test_a_real_syntax_error_keeps_its_line():
    with pytest.raises(YamlProblem) as e:
        parse("id: m1\ntitle: [unclosed\nnote: x\n")
    assert e.value.message.startswith("YAML syntax error:")
    assert e.value.line >= 2
