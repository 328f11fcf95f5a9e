"""Each bad fixture breaks one rule; its `# expect:` lines are the exact problems reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions.loading import check_paths

FIXTURES = Path(__file__).parent / "fixtures"
UNITS = FIXTURES / "units.yaml"
BAD = sorted((FIXTURES / "bad").glob("*.yaml"))
GOOD = sorted((FIXTURES / "good").glob("*.yaml"))


def expected_problems(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        f"{path}:{line.removeprefix('# expect: ')}"
        for line in lines
        if line.startswith("# expect: ")
    ]


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_bad_fixture_reports_exactly_its_problems(fixture: Path) -> None:
    report = check_paths([fixture], UNITS, forms={"to_khai_khai_sinh"})
    assert [str(p) for p in report.problems] == expected_problems(fixture)


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_every_bad_fixture_expects_something(fixture: Path) -> None:
    assert expected_problems(fixture), f"{fixture.name} has no `# expect:` line"


@pytest.mark.parametrize("fixture", GOOD, ids=[p.stem for p in GOOD])
def test_good_fixture_has_no_problems(fixture: Path) -> None:
    report = check_paths([fixture], UNITS, forms={"to_khai_khai_sinh"})
    assert report.problems == []
    assert len(report.procedures) == 1
