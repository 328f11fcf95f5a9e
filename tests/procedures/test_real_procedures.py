"""The real procedures in procedures/: they check clean and say what the law says."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import cli
from engine.definitions.checks import longest_path
from engine.definitions.graph import RoutingGraph
from engine.definitions.loading import known_forms, load_yaml_procedure
from engine.definitions.model import InterAgency, Level, ParallelBlock, Procedure, Step
from engine.definitions.organisation import Organisation, load_organisation
from engine.definitions.paper_types import load_paper_types

REPO = Path(__file__).resolve().parents[2]
PROCEDURES = REPO / "procedures"
CATALOGUES = ("units.yaml", "paper_types.yaml")
FILES = sorted(p for p in PROCEDURES.glob("*.yaml") if p.name not in CATALOGUES)
UNITS = PROCEDURES / "units.yaml"


@pytest.fixture(scope="module")
def organisation() -> Organisation:
    return load_organisation(UNITS)


def load(path: Path, organisation: Organisation) -> Procedure:
    return load_yaml_procedure(path, organisation, known_forms(REPO / "forms")).procedure


@pytest.fixture(scope="module")
def procedures(organisation: Organisation) -> dict[str, Procedure]:
    return {path.stem: load(path, organisation) for path in FILES}


def test_motcua_check_of_the_procedures_folder_exits_zero() -> None:
    result = CliRunner().invoke(cli, ["check", str(PROCEDURES)])
    assert result.exit_code == 0, result.output
    assert f"{len(FILES) + 2} files checked, all valid." in result.output


def test_motcua_check_without_paths_also_checks_the_form_schemas() -> None:
    result = CliRunner().invoke(cli, ["check"])
    forms = len(list((REPO / "forms" / "schemas").glob("*.yaml")))
    assert result.exit_code == 0, result.output
    assert f"{len(FILES) + 2 + forms} files checked, all valid." in result.output


def test_there_are_at_least_six_procedures_at_all_three_levels(
    procedures: dict[str, Procedure],
) -> None:
    assert len(procedures) >= 6
    assert {p.level for p in procedures.values()} == set(Level)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_name_is_a_readable_slug(path: Path) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.yaml", path.name)


def test_procedure_codes_are_unique(procedures: dict[str, Procedure]) -> None:
    codes = [p.code for p in procedures.values()]
    assert len(codes) == len(set(codes))


def test_the_required_procedures_are_present(procedures: dict[str, Procedure]) -> None:
    by_code = {p.code: p for p in procedures.values()}
    assert by_code["1.001193"].name == "Đăng ký khai sinh"
    assert by_code["1.001193"].level is Level.XA
    names = {p.name: p.level for p in procedures.values()}
    assert names["Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"] is Level.HUYEN
    assert names["Đăng ký thành lập hộ kinh doanh"] is Level.HUYEN


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_longest_path_fits_the_time_limit(path: Path, organisation: Organisation) -> None:
    procedure = load(path, organisation)
    hours, _ = longest_path(RoutingGraph.of(procedure))
    assert Decimal(0) < hours <= procedure.time_limit.working_hours


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_internal_process_has_review_loops_and_outcomes(
    path: Path, organisation: Organisation
) -> None:
    procedure = load(path, organisation)
    decisions = {d for step in procedure.iter_steps() for d in step.outcomes}
    assert {"approve", "return", "supplement", "refuse"} <= decisions
    assert procedure.return_step is not None
    assert procedure.legal_basis
    assert procedure.result is not None and procedure.result.paper_type


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_signature_is_by_a_head_or_leader_of_the_competent_agency(
    path: Path, organisation: Organisation
) -> None:
    procedure = load(path, organisation)
    signers = [s for s in procedure.iter_steps() if "return" in s.outcomes]
    assert signers, "no step sends the dossier back for rework"
    last = signers[-1]
    assert last.role in ("head", "leader")
    assert organisation.belongs_to(last.unit, procedure.agency)


def test_land_certificate_has_parallel_consultation_tax_hand_over_and_payment_wait(
    procedures: dict[str, Procedure],
) -> None:
    procedure = procedures["dang-ky-cap-giay-chung-nhan-lan-dau-to-chuc"]
    ids = [node.id for node in procedure.steps]
    consultation = next(n for n in procedure.steps if isinstance(n, ParallelBlock))
    tax = next(n for n in procedure.steps if isinstance(n, InterAgency))
    wait = next(n for n in procedure.steps if isinstance(n, Step) and n.wait)
    assert {b.unit for b in consultation.branches} == {
        "dia_chinh_xa",
        "phong_dang_ky_cap_gcn",
        "phong_quan_ly_xay_dung",
    }
    assert tax.agency == "thue_tinh"
    assert ids.index(consultation.id) < ids.index(tax.id) < ids.index(wait.id)
    assert ids.index(wait.id) < ids.index("ky_giay_chung_nhan")


def test_tax_group_is_run_by_the_tax_office_within_its_share(
    procedures: dict[str, Procedure], organisation: Organisation
) -> None:
    procedure = procedures["dang-ky-cap-giay-chung-nhan-lan-dau-to-chuc"]
    tax = next(n for n in procedure.steps if isinstance(n, InterAgency))
    assert all(organisation.belongs_to(s.unit, "thue_tinh") for s in tax.steps)
    inner = sum((s.duration.working_hours for s in tax.steps), Decimal(0))
    assert inner <= tax.time_share.working_hours


def test_reissue_fixes_the_twelve_day_transcription_to_ten(
    procedures: dict[str, Procedure],
) -> None:
    procedure = procedures["cap-doi-giay-chung-nhan"]
    hours, path = longest_path(RoutingGraph.of(procedure))
    assert procedure.time_limit.working_hours == Decimal(80)
    assert hours == Decimal(80)
    assert path[0] == "tiep_nhan" and path[-1] == "tra_ket_qua"


def test_birth_registration_counts_late_dossiers_from_the_next_day(
    procedures: dict[str, Procedure],
) -> None:
    assert procedures["dang-ky-khai-sinh"].clock.cutoff == "15:00"


def paper_type_catalogue() -> set[str]:
    return {t.code for t in load_paper_types(PROCEDURES / "paper_types.yaml")}


def test_every_paper_type_is_in_the_catalogue(procedures: dict[str, Procedure]) -> None:
    catalogue = paper_type_catalogue()
    used = {c.paper_type for p in procedures.values() for c in p.components if c.paper_type}
    used |= {p.result.paper_type for p in procedures.values() if p.result and p.result.paper_type}
    assert used - catalogue == set()


def test_existing_unit_ids_still_exist(organisation: Organisation) -> None:
    for unit_id in ("ubnd_xa", "mot_cua_xa", "tu_phap_xa", "lanh_dao_xa"):
        assert unit_id in organisation.units


def test_every_level_has_an_agency_and_a_one_stop_desk(organisation: Organisation) -> None:
    agencies = [u for u in organisation.units.values() if u.is_agency]
    assert {u.level for u in agencies if u.level} == set(Level)
    for desk in ("tt_phvhcc_tinh", "mot_cua_huyen", "mot_cua_xa"):
        assert organisation.agency_of(desk) is not None
    assert organisation.units["thue_co_so"].is_agency
