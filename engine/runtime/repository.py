"""Repository service: deploy, list and export definitions (immutable, versioned by content)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.definitions.executable import ExecutableDefinition
from engine.definitions.loading import (
    BPMN_SUFFIXES,
    definition_files,
    is_catalogue_file,
    load_yaml_procedure,
)
from engine.definitions.yaml_source import read_text
from engine.store.models import DefinitionRow, UnitRow

from .errors import DefinitionNotFound

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["DeployedDefinition", "RepositoryService"]


@dataclass(frozen=True)
class DeployedDefinition:
    id: int
    code: str
    version: int
    content_hash: str
    name: str
    level: str
    source_format: str
    source_name: str
    deployed_at: datetime
    deployed_by: str | None
    created: bool  # False when the same content was already deployed

    @classmethod
    def of(cls, row: DefinitionRow, created: bool = False) -> DeployedDefinition:
        return cls(
            row.id,
            row.code,
            row.version,
            row.content_hash,
            row.name,
            row.level,
            row.source_format,
            row.source_name,
            row.deployed_at,
            row.deployed_by,
            created,
        )


class RepositoryService:
    def __init__(self, engine: Engine):
        self._engine = engine

    # --- deploying --------------------------------------------------------------------------

    def deploy(
        self, definition: ExecutableDefinition, source_name: str, deployed_by: str | None = None
    ) -> DeployedDefinition:
        """Store a definition; the same content again is a no-op, a change a new version."""
        for attempt in range(3):
            try:
                return self._engine.in_transaction(
                    lambda session: self._deploy(session, definition, source_name, deployed_by)
                )
            except IntegrityError:  # a concurrent deploy took the version number
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _deploy(
        self,
        session: Session,
        definition: ExecutableDefinition,
        source_name: str,
        deployed_by: str | None,
    ) -> DeployedDefinition:
        code = definition.procedure.code
        existing = session.scalar(
            select(DefinitionRow).where(
                DefinitionRow.code == code, DefinitionRow.content_hash == definition.content_hash
            )
        )
        if existing is not None:
            return DeployedDefinition.of(existing)
        latest = session.scalar(
            select(func.max(DefinitionRow.version)).where(DefinitionRow.code == code)
        )
        row = DefinitionRow(
            code=code,
            version=(latest or 0) + 1,
            content_hash=definition.content_hash,
            name=definition.procedure.name,
            level=definition.procedure.level.value,
            source_format=definition.source_format,
            source_name=source_name,
            bpmn_xml=definition.bpmn_xml,
            deployed_at=self._engine.clock.now(),
            deployed_by=deployed_by,
        )
        session.add(row)
        session.flush()
        self._engine.definitions.remember(row.id, definition)
        return DeployedDefinition.of(row, created=True)

    def load_file(self, path: Path, forms: Iterable[str] | None = None) -> ExecutableDefinition:
        """Compile a YAML definition or import a BPMN file, fully checked."""
        organisation = self._engine.organisation
        if path.name.lower().endswith(BPMN_SUFFIXES):
            from engine.definitions.bpmn_import import import_bpmn

            return import_bpmn(read_text(path), str(path), organisation)
        from engine.definitions.bpmn_compile import compile_procedure

        loaded = load_yaml_procedure(
            path, organisation, forms, paper_types=self._engine.paper_types
        )
        return compile_procedure(loaded.procedure, organisation)

    def load_source(
        self, raw: bytes, name: str, forms: Iterable[str] | None = None
    ) -> ExecutableDefinition:
        """Like :meth:`load_file`, for an uploaded file: its bytes and the name it came with."""
        from engine.definitions.yaml_source import decode

        organisation = self._engine.organisation
        text = decode(raw, name)
        if name.lower().endswith(BPMN_SUFFIXES):
            from engine.definitions.bpmn_import import import_bpmn

            return import_bpmn(text, name, organisation)
        from engine.definitions.bpmn_compile import CompileError, compile_procedure
        from engine.definitions.checks import check_procedure
        from engine.definitions.dsl import procedure_from_yaml
        from engine.definitions.problems import DefinitionError, Problem

        loaded = procedure_from_yaml(text, name)
        problems = check_procedure(loaded.procedure, loaded.source, organisation, forms)
        if problems:
            raise DefinitionError(problems)
        try:
            return compile_procedure(loaded.procedure, organisation)
        except CompileError as error:
            raise DefinitionError([Problem(name, 1, 1, str(error))]) from error

    def deploy_paths(
        self,
        paths: Iterable[Path],
        deployed_by: str | None = None,
        forms: Iterable[str] | None = None,
    ) -> list[DeployedDefinition]:
        """Deploy every definition under ``paths`` (organisation and paper types are skipped)."""
        deployed = []
        for path in definition_files(paths):
            if is_catalogue_file(path, read_text(path)):
                continue
            definition = self.load_file(path, forms)
            deployed.append(self.deploy(definition, str(path), deployed_by))
        return deployed

    def sync_units(self) -> None:
        """Mirror the organisation file's units into the database."""

        def work(session: Session) -> None:
            rows = {row.id: row for row in session.scalars(select(UnitRow))}
            for unit in self._engine.organisation.units.values():
                row = rows.get(unit.id) or UnitRow(id=unit.id)
                row.name = unit.name
                row.parent_id = unit.parent
                row.level = unit.level.value if unit.level else None
                row.electronic_id = unit.electronic_id
                session.add(row)

        self._engine.in_transaction(work)

    # --- reading ----------------------------------------------------------------------------

    def latest(self, code: str) -> DeployedDefinition:
        with self._engine.database.read() as session:
            row = session.scalar(
                select(DefinitionRow)
                .where(DefinitionRow.code == code)
                .order_by(DefinitionRow.version.desc())
                .limit(1)
            )
            if row is None:
                raise DefinitionNotFound(f"Chưa triển khai thủ tục {code}.", code=code)
            return DeployedDefinition.of(row)

    def by_id(self, definition_id: int) -> DeployedDefinition:
        with self._engine.database.read() as session:
            row = session.get(DefinitionRow, definition_id)
            if row is None:
                raise DefinitionNotFound(f"Không có định nghĩa số {definition_id}.")
            return DeployedDefinition.of(row)

    def get(self, code: str, version: int) -> DeployedDefinition:
        with self._engine.database.read() as session:
            row = session.scalar(
                select(DefinitionRow).where(
                    DefinitionRow.code == code, DefinitionRow.version == version
                )
            )
            if row is None:
                raise DefinitionNotFound(
                    f"Không có phiên bản {version} của thủ tục {code}.", code=code, version=version
                )
            return DeployedDefinition.of(row)

    def list_latest(self) -> list[DeployedDefinition]:
        newest = (
            select(DefinitionRow.code, func.max(DefinitionRow.version).label("version"))
            .group_by(DefinitionRow.code)
            .subquery()
        )
        query = (
            select(DefinitionRow)
            .join(
                newest,
                (DefinitionRow.code == newest.c.code) & (DefinitionRow.version == newest.c.version),
            )
            .order_by(DefinitionRow.code)
        )
        with self._engine.database.read() as session:
            return [DeployedDefinition.of(row) for row in session.scalars(query)]

    def versions(self, code: str) -> list[DeployedDefinition]:
        query = (
            select(DefinitionRow).where(DefinitionRow.code == code).order_by(DefinitionRow.version)
        )
        with self._engine.database.read() as session:
            return [DeployedDefinition.of(row) for row in session.scalars(query)]

    def definition(self, deployed: DeployedDefinition) -> ExecutableDefinition:
        with self._engine.database.read() as session:
            return self._engine.definitions.get(session, deployed.id).definition

    def export_bpmn(self, code: str, version: int | None = None) -> str:
        deployed = self.latest(code) if version is None else self.get(code, version)
        return self.definition(deployed).bpmn_xml
