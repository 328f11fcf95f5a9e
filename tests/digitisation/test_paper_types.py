"""The paper-type catalogue: read with clear errors, and checked against the definitions."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import cli
from engine.definitions.loading import check_paths, is_paper_types_file
from engine.definitions.paper_types import load_paper_types, paper_types_from_text
from engine.definitions.problems import DefinitionError

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "procedures" / "paper_types.yaml"
FIXTURES = REPO / "tests" / "definitions" / "fixtures"


def problems_of(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        paper_types_from_text(text, "paper_types.yaml")
    return [str(p) for p in caught.value.problems]


def test_the_project_catalogue_loads_with_names_and_validity() -> None:
    catalogue = load_paper_types(CATALOGUE)
    assert catalogue["GKS"].name == "Giấy khai sinh"
    assert catalogue["XNTTHN"].validity_months == 6  # NĐ 123/2015, art. 23
    assert catalogue["CCCD"].validity_months is None
    assert "GKS" in catalogue and "XYZ" not in catalogue


def test_validity_in_years_counts_in_months() -> None:
    text = "paper_types:\n  - {code: GPLX, name: Giấy phép lái xe, validity: {years: 10}}\n"
    assert paper_types_from_text(text, "x.yaml")["GPLX"].validity_months == 120


def test_a_malformed_code_is_reported_with_its_line() -> None:
    text = "paper_types:\n  - {code: GKS, name: Giấy khai sinh}\n  - {code: gks-2, name: X}\n"
    assert problems_of(text) == [
        "paper_types.yaml:3:12: paper type `gks-2`: a code is 2 to 20 capital letters or "
        "digits, starting with a letter (e.g. GKS)"
    ]


def test_a_code_listed_twice_is_reported() -> None:
    text = "paper_types:\n  - {code: GKS, name: A}\n  - {code: GKS, name: B}\n"
    assert problems_of(text) == [
        "paper_types.yaml:3:12: paper type `GKS` is listed twice (first as #1)"
    ]


def test_missing_name_and_unknown_keys_are_reported_in_plain_words() -> None:
    text = "paper_types:\n  - {code: GKS}\n  - {code: CCCD, name: Thẻ căn cước, colour: xanh}\n"
    found = problems_of(text)
    assert any("paper type `GKS`: missing required key `name`" in p for p in found)
    assert any("colour" in p for p in found)


def test_the_catalogue_file_is_recognised_and_not_taken_for_a_procedure() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    assert is_paper_types_file(CATALOGUE, text)
    assert not is_paper_types_file(FIXTURES / "good" / "khai_sinh.yaml", "steps: []\n")


def write_procedure(folder: Path, paper_type: str, result_type: str = "GKS") -> Path:
    source = (FIXTURES / "good" / "khai_sinh.yaml").read_text(encoding="utf-8")
    source = source.replace("reusable: true, paper_type: GCS}", f"paper_type: {paper_type}}}")
    source = source.replace(
        'result: {name: "Giấy khai sinh", electronic: true}',
        f'result: {{name: "Giấy khai sinh", electronic: true, paper_type: {result_type}}}',
    )
    path = folder / "khai_sinh.yaml"
    path.write_text(source, encoding="utf-8")
    return path


def test_check_reports_an_unknown_paper_type_with_a_suggestion(tmp_path: Path) -> None:
    path = write_procedure(tmp_path, "GCX", "GKX")
    report = check_paths([path], FIXTURES / "units.yaml", None, CATALOGUE)
    messages = [p.message for p in report.problems]
    assert messages == [
        "component `GCS`: paper type `GCX` is not in the paper-type catalogue "
        "(did you mean `GCS`?)",
        "result: paper type `GKX` is not in the paper-type catalogue (did you mean `GKS`?)",
    ]


def test_check_accepts_known_paper_types(tmp_path: Path) -> None:
    path = write_procedure(tmp_path, "GCS")
    assert check_paths([path], FIXTURES / "units.yaml", None, CATALOGUE).ok


def test_a_reusable_component_must_name_its_paper_type(tmp_path: Path) -> None:
    path = write_procedure(tmp_path, "GCS")
    text = path.read_text(encoding="utf-8").replace(
        "  - {code: TK,", "  - {code: BS, name: Bản sao, reusable: true}\n  - {code: TK,"
    )
    path.write_text(text, encoding="utf-8")
    report = check_paths([path], FIXTURES / "units.yaml", None, CATALOGUE)
    assert [p.message for p in report.problems] == [
        "component `BS` is reusable but names no paper_type, so no stored paper can ever "
        "stand for it; add `paper_type:` from the catalogue"
    ]


def test_motcua_check_uses_the_catalogue_beside_the_procedures(tmp_path: Path) -> None:
    write_procedure(tmp_path, "GCX")
    (tmp_path / "units.yaml").write_text(
        (FIXTURES / "units.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "paper_types.yaml").write_text(
        "paper_types:\n  - {code: GCS, name: Giấy chứng sinh}\n  - {code: GKS, name: GKS}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "paper type `GCX` is not in the paper-type catalogue" in result.output


def test_motcua_check_reports_a_broken_catalogue(tmp_path: Path) -> None:
    (tmp_path / "paper_types.yaml").write_text("paper_types:\n  - {code: 1A, name: X}\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "paper type `1A`: a code is 2 to 20 capital letters" in result.output


def test_motcua_check_with_an_explicit_catalogue(tmp_path: Path) -> None:
    path = write_procedure(tmp_path, "GCX")
    units = str(FIXTURES / "units.yaml")
    args = ["check", str(path), "--units", units, "--paper-types", str(CATALOGUE)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "(did you mean `GCS`?)" in result.output
