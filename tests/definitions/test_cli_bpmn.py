"""`motcua bpmn`: export a definition by path or by procedure code; problems, never tracebacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from api.cli import cli
from engine.definitions.bpmn_compile import compile_procedure
from engine.definitions.bpmn_import import import_bpmn
from engine.definitions.executable import content_hash
from engine.definitions.loading import load_yaml_procedure
from engine.definitions.organisation import load_organisation

from .bpmn_helpers import FIXTURES, UNITS

KHAI_SINH = FIXTURES / "good" / "khai_sinh.yaml"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A configuration whose procedures folder holds the birth-registration fixture."""
    folder = tmp_path / "procedures"
    folder.mkdir()
    shutil.copy(KHAI_SINH, folder / "khai_sinh.yaml")
    shutil.copy(UNITS, folder / "units.yaml")
    config = tmp_path / "config.yaml"
    config.write_text(
        "paths:\n  procedures: procedures\n  units: procedures/units.yaml\n  forms: forms\n",
        encoding="utf-8",
    )
    return config


def motcua(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def expected_xml(path: Path = KHAI_SINH) -> str:
    units = load_organisation(UNITS)
    return compile_procedure(load_yaml_procedure(path, units).procedure, units).bpmn_xml


def test_a_yaml_file_is_printed_as_bpmn(site: Path) -> None:
    result = motcua("--config", str(site), "bpmn", str(KHAI_SINH), "--units", str(UNITS))
    assert result.exit_code == 0
    assert result.stdout == expected_xml()


def test_the_output_option_writes_the_file(site: Path, tmp_path: Path) -> None:
    target = tmp_path / "khai_sinh.bpmn"
    result = motcua("--config", str(site), "bpmn", str(KHAI_SINH), "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == expected_xml()
    digest = content_hash(expected_xml())[:12]
    assert result.stdout == (
        f"wrote {target}: 1.001193 Đăng ký khai sinh, 5 user tasks, content hash {digest}\n"
    )


def test_a_procedure_code_is_found_in_the_configured_folder(site: Path) -> None:
    result = motcua("--config", str(site), "bpmn", "1.001193")
    assert result.exit_code == 0
    assert result.stdout == expected_xml()


def test_a_bpmn_file_is_written_again_in_the_engines_form(site: Path) -> None:
    drawn = FIXTURES / "bpmn" / "good" / "camunda_modeler.bpmn"
    result = motcua("--config", str(site), "bpmn", str(drawn))
    units = load_organisation(UNITS)
    assert result.exit_code == 0
    assert (
        result.stdout == import_bpmn(drawn.read_text(encoding="utf-8"), str(drawn), units).bpmn_xml
    )


def test_an_unknown_code_is_an_error_with_a_message(site: Path) -> None:
    result = motcua("--config", str(site), "bpmn", "9.999999")
    folder = site.parent / "procedures"
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: 9.999999 is neither a file nor the code of a procedure in {folder}\n"
    )


def test_a_definition_with_problems_prints_them_and_writes_nothing(
    site: Path, tmp_path: Path
) -> None:
    bad = FIXTURES / "bad" / "unknown_unit.yaml"
    target = tmp_path / "out.bpmn"
    result = motcua("--config", str(site), "bpmn", str(bad), "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{bad}:8:40: step `tiep_nhan`: unknown unit `mot_kua` (did you mean `mot_cua`?)\n"
        f"Error: 1 problem in {bad}; nothing written\n"
    )
    assert not target.exists()
    assert result.stdout == ""


def test_a_broken_bpmn_file_prints_its_problems(site: Path) -> None:
    bad = FIXTURES / "bpmn" / "bad" / "automated_tasks.bpmn"
    result = motcua("--config", str(site), "bpmn", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{bad}:21:5: script task `Activity_TinhPhi`: the engine runs no scripts; "
        "draw a user task done by a unit"
    )
    assert result.stderr.splitlines()[-1] == f"Error: 3 problems in {bad}; nothing written"


def test_no_argument_is_a_usage_error(site: Path) -> None:
    result = motcua("--config", str(site), "bpmn")
    assert result.exit_code == 2
    assert "Missing argument 'PATH_OR_CODE'" in result.stderr


def test_check_reports_bpmn_problems_like_yaml_ones(site: Path) -> None:
    bad = FIXTURES / "bpmn" / "bad" / "unreachable_task.bpmn"
    result = motcua("--config", str(site), "check", "--units", str(UNITS), str(bad))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{bad}:21:5: user task `tham_dinh` can never be reached: no sequence flow leads "
        "to it from the start event\n"
    )
