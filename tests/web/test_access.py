"""The read rule: own agency, an open task for my unit (liên thông), or an auditor."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from api.web.access import can_read
from engine.definitions.organisation import load_organisation
from engine.runtime.dossier import DossierStatus
from engine.runtime.users import User
from engine.runtime.views import DossierView, TaskView

from ..runtime.conftest import FIXTURES, VN

UNITS = load_organisation(FIXTURES / "units.yaml")
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=VN)


def person(unit: str | None, *roles: str) -> User:
    return User(1, "u", "U", unit, frozenset(roles), None, None, None, True)


def dossier(*open_units: str) -> DossierView:
    tasks = tuple(
        TaskView(i, f"s@{i}", "C", "P", "A", "s", "S", "step", unit, "officer", "open", None,
                 NOW, NOW, None, None, None, False)
        for i, unit in enumerate(open_units)
    )  # fmt: skip
    return DossierView(
        "C", "P", 1, "ubnd_xa", {}, "desk", DossierStatus.PROCESSING, NOW, None, NOW, NOW,
        None, None, None, 0, False, False, {}, {}, 1, tasks,
    )  # fmt: skip


def test_officers_of_the_agency_read_its_dossiers() -> None:
    assert can_read(person("tu_phap", "officer"), dossier(), UNITS)
    assert can_read(person("ubnd_xa", "leader"), dossier(), UNITS)


def test_officers_of_another_agency_do_not() -> None:
    assert not can_read(person("thue_nghiep_vu", "officer"), dossier(), UNITS)
    assert not can_read(person(None, "admin", "designer"), dossier(), UNITS)


def test_an_inter_agency_task_opens_the_dossier_to_that_unit_while_it_is_open() -> None:
    handed_over = dossier("thue_nghiep_vu")
    assert can_read(person("thue_nghiep_vu", "officer"), handed_over, UNITS)
    assert not can_read(person("thue_nghiep_vu", "head"), handed_over, UNITS)  # not its role
    closed = dataclasses.replace(handed_over, open_tasks=())
    assert not can_read(person("thue_nghiep_vu", "officer"), closed, UNITS)


def test_auditors_read_everything() -> None:
    assert can_read(person(None, "auditor"), dossier(), UNITS)
