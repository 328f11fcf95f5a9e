"""Each bad BPMN fixture breaks one rule; its `<!-- expect: -->` comments are the exact problems."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.definitions.loading import check_paths

from .bpmn_helpers import FIXTURES, UNITS

BAD = sorted((FIXTURES / "bpmn" / "bad").glob("*.bpmn"))
_EXPECT = re.compile(r"^<!-- expect: (.*) -->$")


def expected_problems(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [f"{path}:{match.group(1)}" for line in lines if (match := _EXPECT.match(line))]


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_bad_bpmn_fixture_reports_exactly_its_problems(fixture: Path) -> None:
    report = check_paths([fixture], UNITS)
    assert [str(p) for p in report.problems] == expected_problems(fixture)


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_every_bad_bpmn_fixture_expects_something(fixture: Path) -> None:
    assert expected_problems(fixture), f"{fixture.name} has no `<!-- expect: -->` line"
