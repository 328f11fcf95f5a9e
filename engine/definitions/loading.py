"""Finding, loading and checking definition files (YAML and BPMN)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check_procedure
from .dsl import LoadedProcedure, procedure_from_yaml
from .organisation import Organisation, load_organisation
from .paper_types import PaperTypeCatalogue, load_paper_types, paper_type_problems
from .problems import DefinitionError, Problem
from .yaml_source import parse_yaml, read_text

__all__ = [
    "YAML_SUFFIXES",
    "BPMN_SUFFIXES",
    "CheckReport",
    "definition_files",
    "load_yaml_procedure",
    "check_paths",
    "known_forms",
    "is_organisation_file",
    "is_paper_types_file",
    "is_catalogue_file",
    "is_form_file",
]

YAML_SUFFIXES = (".yaml", ".yml")
BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml", ".xml")


@dataclass
class CheckReport:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    procedures: list[LoadedProcedure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def definition_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The definition files named, folders searched recursively, in a stable order."""
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and _is_definition_name(p))
            yield from sorted(found)
        else:
            yield path


def _is_definition_name(path: Path) -> bool:
    name = path.name.lower()
    return not name.startswith(".") and name.endswith(YAML_SUFFIXES + BPMN_SUFFIXES)


def is_organisation_file(path: Path, text: str) -> bool:
    """An organisation file is YAML whose top level has `units:` (procedures have `steps:`)."""
    if not path.name.lower().endswith(YAML_SUFFIXES):
        return False
    try:
        located = parse_yaml(text, str(path))
    except DefinitionError:
        return path.stem in ("units", "organisation")
    return (
        isinstance(located.data, dict) and "units" in located.data and "steps" not in located.data
    )


def is_paper_types_file(path: Path, text: str) -> bool:
    """The paper-type catalogue: YAML whose top level has `paper_types:` (and no `steps:`)."""
    if not path.name.lower().endswith(YAML_SUFFIXES):
        return False
    try:
        located = parse_yaml(text, str(path))
    except DefinitionError:
        return path.stem == "paper_types"
    data = located.data
    return isinstance(data, dict) and "paper_types" in data and "steps" not in data


def is_catalogue_file(path: Path, text: str) -> bool:
    """A file beside the procedures that is not one: the organisation or the paper types."""
    return is_organisation_file(path, text) or is_paper_types_file(path, text)


def is_form_file(path: Path, text: str) -> bool:
    """An e-form schema: YAML in ``forms/schemas``, or with `title:` and `fields:`/`sections:`."""
    if not path.name.lower().endswith(YAML_SUFFIXES):
        return False
    if path.parent.name == "schemas" and path.parent.parent.name == "forms":
        return True
    try:
        data = parse_yaml(text, str(path)).data
    except DefinitionError:
        return False
    return (
        isinstance(data, dict)
        and "title" in data
        and ("fields" in data or "sections" in data)
        and "steps" not in data
    )


def load_yaml_procedure(
    path: Path,
    organisation: Organisation | None = None,
    forms: Iterable[str] | None = None,
    display: str | None = None,
    paper_types: PaperTypeCatalogue | None = None,
) -> LoadedProcedure:
    """Load and fully check one YAML definition, raising DefinitionError with every problem.

    With a paper-type catalogue, every `paper_type:` must be one of its codes.
    """
    name = display or str(path)
    loaded = procedure_from_yaml(read_text(path, name), name)
    problems = check_procedure(loaded.procedure, loaded.source, organisation, forms)
    if paper_types is not None:
        problems.extend(paper_type_problems(loaded.procedure, loaded.source.located, paper_types))
    if problems:
        raise DefinitionError(problems)
    return loaded


def known_forms(forms_dir: Path) -> set[str]:
    """Names of the e-form schemas (``forms/schemas/<name>.yaml``)."""
    folder = forms_dir / "schemas"
    if not folder.is_dir():
        return set()
    return {p.stem for p in folder.iterdir() if p.suffix in YAML_SUFFIXES}


def check_paths(
    paths: Iterable[Path],
    organisation_file: Path | None = None,
    forms: Iterable[str] | None = None,
    paper_types_file: Path | None = None,
) -> CheckReport:
    """Check every definition under ``paths``; never raises for a bad file.

    The organisation file and the paper-type catalogue are taken from ``paths``
    (``units.yaml``, ``paper_types.yaml``) unless given explicitly.
    """
    report = CheckReport()
    files = list(definition_files(paths))
    organisation = _organisation_for(files, organisation_file, report)
    catalogue = _paper_types_for(files, paper_types_file, report)
    form_names = set(forms) if forms is not None else None
    for path in files:
        report.files.append(path)
        try:
            _check_one(path, organisation, form_names, report, catalogue)
        except DefinitionError as error:
            report.problems.extend(error.problems)
    report.problems = sorted(set(report.problems))
    return report


def _organisation_for(
    files: list[Path], explicit: Path | None, report: CheckReport
) -> Organisation | None:
    candidates = [explicit] if explicit else [p for p in files if p.stem == "units"]
    for candidate in candidates:
        if candidate is None or not candidate.is_file():
            continue
        try:
            return load_organisation(candidate)
        except DefinitionError as error:
            report.problems.extend(error.problems)
            return None
    return None


def _paper_types_for(
    files: list[Path], explicit: Path | None, report: CheckReport
) -> PaperTypeCatalogue | None:
    candidates = [explicit] if explicit else [p for p in files if p.stem == "paper_types"]
    for candidate in candidates:
        if candidate is None or not candidate.is_file():
            continue
        try:
            return load_paper_types(candidate)
        except DefinitionError as error:
            report.problems.extend(error.problems)
            return None
    return None


def _check_one(
    path: Path,
    organisation: Organisation | None,
    forms: set[str] | None,
    report: CheckReport,
    catalogue: PaperTypeCatalogue | None = None,
) -> None:
    if path.name.lower().endswith(BPMN_SUFFIXES):
        from .bpmn_import import check_bpmn_file

        report.problems.extend(check_bpmn_file(path, organisation))
        return
    text = read_text(path)
    if is_organisation_file(path, text):
        load_organisation(path)
        return
    if is_paper_types_file(path, text):
        load_paper_types(path)
        return
    if is_form_file(path, text):
        from forms.eform import load_form

        load_form(path)
        return
    report.procedures.append(load_yaml_procedure(path, organisation, forms, paper_types=catalogue))
