"""Runtime pieces the REST API needs: uploaded definitions, supplements with papers, lookups."""

from __future__ import annotations

import pytest

from engine.definitions.problems import DefinitionError
from engine.files import FileRejected, FileStore, FileTooLarge, FileTypeRefused
from engine.runtime.engine import Engine
from engine.runtime.errors import DefinitionNotFound, InvalidCommand
from engine.runtime.reception import SubmittedComponent

from .conftest import BIRTH_PAPERS, CITIZEN, FIXTURES, Officers, open_task

pytestmark = pytest.mark.postgres


def waiting_for_supplement(engine: Engine, officers: Officers) -> str:
    code = engine.runtime.receive(
        "1.001193", CITIZEN, officers.receiver, components=BIRTH_PAPERS
    ).dossier_code
    assert code is not None
    engine.tasks.complete(open_task(engine, code, "tiep_nhan"), officers.receiver)
    engine.tasks.request_supplement(
        open_task(engine, code, "tham_dinh"), officers.justice, ["GCS"], "Bản sao không rõ"
    )
    return code


def test_papers_handed_in_with_a_supplement_are_recorded_as_supplements(
    engine: Engine, officers: Officers
) -> None:
    code = waiting_for_supplement(engine, officers)
    paper = SubmittedComponent("GCS", file_name="giay-chung-sinh.pdf", sha256="b" * 64)
    engine.runtime.resume(code, officers.receiver, note="Bản chính", papers=[paper])
    added = [c for c in engine.runtime.components(code) if c.supplement]
    assert [(c.code, c.file_name, c.sha256) for c in added] == [
        ("GCS", "giay-chung-sinh.pdf", "b" * 64)
    ]
    resume = engine.history.events(code)[-1]
    assert (resume.command, resume.payload["supplied"]) == ("resume", ["GCS"])


def test_an_unknown_paper_in_a_supplement_changes_nothing(
    engine: Engine, officers: Officers
) -> None:
    code = waiting_for_supplement(engine, officers)
    events = len(engine.history.events(code))
    with pytest.raises(InvalidCommand):
        engine.runtime.resume(code, officers.receiver, papers=[SubmittedComponent("XYZ")])
    assert len(engine.history.events(code)) == events
    assert not [c for c in engine.runtime.components(code) if c.supplement]


def test_an_uploaded_yaml_definition_loads_like_a_file(engine: Engine) -> None:
    raw = (FIXTURES / "good" / "khai_sinh.yaml").read_bytes()
    definition = engine.repository.load_source(raw, "khai_sinh.yaml")
    assert (definition.procedure.code, definition.source_format) == ("1.001193", "yaml")
    assert definition.content_hash == engine.repository.latest("1.001193").content_hash


def test_an_uploaded_bpmn_definition_is_imported(engine: Engine) -> None:
    bpmn = engine.repository.export_bpmn("1.001193").encode()
    definition = engine.repository.load_source(bpmn, "khai_sinh.bpmn")
    assert (definition.procedure.code, definition.source_format) == ("1.001193", "bpmn")


def test_an_uploaded_definition_with_problems_reports_each_with_its_place(
    engine: Engine,
) -> None:
    raw = (FIXTURES.parent / "fixtures" / "bad" / "bad_step_id.yaml").read_bytes()
    with pytest.raises(DefinitionError) as caught:
        engine.repository.load_source(raw, "bad.yaml")
    (problem,) = caught.value.problems
    assert (problem.path, problem.line, problem.column) == ("bad.yaml", 8, 10)


def test_a_deployed_definition_is_found_by_its_id(engine: Engine) -> None:
    latest = engine.repository.latest("1.001193")
    assert engine.repository.by_id(latest.id) == latest
    with pytest.raises(DefinitionNotFound):
        engine.repository.by_id(10_000)


def test_file_refusals_say_whether_size_or_type_was_wrong(tmp_path: object) -> None:
    from pathlib import Path

    store = FileStore(Path(str(tmp_path)) / "files", max_bytes=64)
    with pytest.raises(FileTooLarge):
        store.put_bytes(b"%PDF-" + b"x" * 100, "big.pdf")
    with pytest.raises(FileTypeRefused):
        store.put_bytes(b"MZ\x90\x00", "virus.pdf")
    with pytest.raises(FileRejected) as empty:
        store.put_bytes(b"", "empty.pdf")
    assert not isinstance(empty.value, FileTooLarge | FileTypeRefused)
