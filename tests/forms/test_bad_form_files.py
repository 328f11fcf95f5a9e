"""Each bad e-form fixture breaks one rule; its `# expect:` lines are the exact problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import cli
from engine.definitions.problems import DefinitionError
from forms import load_form

BAD = sorted((Path(__file__).parent / "fixtures" / "bad").glob("*.yaml"))


def expected_problems(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        f"{path}:{line.removeprefix('# expect: ')}"
        for line in lines
        if line.startswith("# expect: ")
    ]


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_bad_form_reports_exactly_its_problems(fixture: Path) -> None:
    with pytest.raises(DefinitionError) as raised:
        load_form(fixture)
    assert [str(p) for p in raised.value.problems] == expected_problems(fixture)


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_every_bad_form_fixture_expects_something(fixture: Path) -> None:
    assert expected_problems(fixture)


def test_motcua_check_reports_a_bad_form_in_a_schemas_folder(tmp_path: Path) -> None:
    schemas = tmp_path / "forms" / "schemas"
    schemas.mkdir(parents=True)
    broken = schemas / "to_khai.yaml"
    broken.write_text('title: "Tờ khai"\nfields:\n  - {name: a, label: "A", type: chioce}\n')
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "forms")])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{broken}:3:33: field `a` → type: `chioce` is not allowed; use one of text, textarea, "
        "integer, number, date, datetime, boolean, choice, citizen_id, phone, email, tax_code "
        "(did you mean `choice`?)"
    )


def test_a_hostile_form_file_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [*a]\n")
    with pytest.raises(DefinitionError) as raised:
        load_form(bomb)
    assert [str(p) for p in raised.value.problems] == [
        f"{bomb}:1:4: recursive YAML alias: an anchor refers to itself"
    ]


def test_a_form_that_is_a_list_is_refused(tmp_path: Path) -> None:
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(DefinitionError) as raised:
        load_form(listing)
    assert [str(p) for p in raised.value.problems] == [
        f"{listing}:1:1: an e-form schema must be a mapping of keys to values, not a list"
    ]
