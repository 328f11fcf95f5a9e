"""Commands for process designers: check, schema, bpmn."""

from __future__ import annotations

import json
from pathlib import Path

import click

from engine.config import Config
from engine.definitions.bpmn_compile import CompileError, compile_procedure
from engine.definitions.bpmn_import import import_bpmn
from engine.definitions.checks import longest_path
from engine.definitions.executable import ExecutableDefinition
from engine.definitions.graph import RoutingGraph
from engine.definitions.loading import (
    BPMN_SUFFIXES,
    YAML_SUFFIXES,
    CheckReport,
    check_paths,
    definition_files,
    is_catalogue_file,
    known_forms,
    load_yaml_procedure,
)
from engine.definitions.model import Duration
from engine.definitions.organisation import Organisation, load_organisation
from engine.definitions.problems import DefinitionError
from engine.definitions.schema import DSL_SCHEMA
from engine.definitions.yaml_source import parse_yaml, read_text

from . import pass_config

__all__ = ["COMMANDS"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--units",
    "units_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Organisation file with units and roles (default: from the configuration).",
)
@click.option(
    "--paper-types",
    "paper_types_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Paper-type catalogue (default: paper_types.yaml among PATHS, else the configured one).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print problems only, no summary.")
@pass_config
def check(
    config: Config,
    paths: tuple[Path, ...],
    units_file: Path | None,
    paper_types_file: Path | None,
    quiet: bool,
) -> None:
    """Validate procedure definitions (YAML or BPMN files; folders recursively).

    Prints one line per problem as PATH:LINE:COLUMN: MESSAGE and exits 1 if
    there is any; exits 0 when every definition is valid. E-form schemas
    (forms/schemas/*.yaml) are validated too when a path holds them. Without
    PATHS, checks the configured procedures folder and the e-form schemas.
    Every `paper_type:` must be in the paper-type catalogue.
    """
    targets = list(paths) or _default_targets(config)
    organisation = units_file or _configured_units(config)
    catalogue = paper_types_file or _configured_paper_types(config, targets)
    forms = known_forms(config.path(config.paths.forms))
    report = check_paths(targets, organisation, forms, catalogue)
    for problem in report.problems:
        click.echo(str(problem))
    if not report.ok:
        noun = "problem" if len(report.problems) == 1 else "problems"
        click.echo(f"{len(report.problems)} {noun} in {_files(report)}", err=True)
        raise SystemExit(1)
    if not quiet:
        _print_summary(report)


def _default_targets(config: Config) -> list[Path]:
    schemas = config.path(config.paths.forms) / "schemas"
    return [config.path(config.paths.procedures), *([schemas] if schemas.is_dir() else [])]


def _configured_units(config: Config) -> Path | None:
    path = config.path(config.paths.units)
    return path if path.is_file() else None


def _configured_paper_types(config: Config, targets: list[Path]) -> Path | None:
    """The configured catalogue, unless one is among the files checked (then that one)."""
    for target in targets:
        if target.name == "paper_types.yaml" or (target / "paper_types.yaml").is_file():
            return None
    path = config.path(config.paths.paper_types)
    return path if path.is_file() else None


def _print_summary(report: CheckReport) -> None:
    rows = []
    for loaded in report.procedures:
        procedure = loaded.procedure
        hours, _ = longest_path(RoutingGraph.of(procedure))
        rows.append(
            (
                procedure.code,
                procedure.level.value,
                str(procedure.time_limit),
                str(
                    Duration(hours / 8, procedure.time_limit.unit)
                    if procedure.time_limit.unit.value == "working_days"
                    else Duration(hours, procedure.time_limit.unit)
                ),
                str(sum(1 for _ in procedure.iter_steps())),
                procedure.name,
            )
        )
    if rows:
        header = ("Mã TTHC", "Cấp", "Thời hạn", "Đường dài nhất", "Bước", "Tên thủ tục")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
        for row in [header, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True)]
            click.echo("  ".join([*cells, row[5]]))
    click.echo(f"{_files(report)} checked, all valid.")


def _files(report: CheckReport) -> str:
    count = len(report.files)
    return f"{count} file" if count == 1 else f"{count} files"


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of standard output.",
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the procedure DSL, for editors to validate and autocomplete."""
    text = json.dumps(DSL_SCHEMA, ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}")


@click.command()
@click.argument("source", metavar="PATH_OR_CODE")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the BPMN XML to this file instead of standard output.",
)
@click.option(
    "--units",
    "units_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Organisation file with units and roles (default: from the configuration).",
)
@pass_config
def bpmn(config: Config, source: str, output: Path | None, units_file: Path | None) -> None:
    """Compile a procedure to BPMN 2.0 XML (with its diagram) for Camunda Modeler and bpmn.io.

    PATH_OR_CODE is a YAML definition, a BPMN file (written again in the engine's
    own form and layout), or a procedure code such as 1.001193 looked up in the
    configured procedures folder. The definition is checked first; if it has
    problems they are printed as PATH:LINE:COLUMN: MESSAGE and nothing is written.
    """
    organisation = _organisation(units_file or _configured_units(config))
    path = _definition_path(config, source)
    forms = known_forms(config.path(config.paths.forms))
    try:
        definition = _compile_file(path, organisation, forms)
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        count = len(error.problems)
        raise click.ClickException(
            f"{count} problem{'' if count == 1 else 's'} in {path}; nothing written"
        ) from error
    except CompileError as error:
        raise click.ClickException(f"{path}: {error}") from error
    if output is None:
        click.echo(definition.bpmn_xml, nl=False)
        return
    try:
        output.write_text(definition.bpmn_xml, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from error
    tasks = len(definition.tasks)
    click.echo(
        f"wrote {output}: {definition.procedure.code} {definition.procedure.name}, "
        f"{tasks} user tasks, content hash {definition.content_hash[:12]}"
    )


def _organisation(path: Path | None) -> Organisation | None:
    if path is None:
        return None
    try:
        return load_organisation(path)
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"the organisation file {path} has problems") from error


def _compile_file(
    path: Path, organisation: Organisation | None, forms: set[str]
) -> ExecutableDefinition:
    if path.name.lower().endswith(BPMN_SUFFIXES):
        return import_bpmn(read_text(path), str(path), organisation)
    loaded = load_yaml_procedure(path, organisation, forms)
    return compile_procedure(loaded.procedure, organisation)


def _definition_path(config: Config, source: str) -> Path:
    """The file named, or the definition in the procedures folder whose code is ``source``."""
    path = Path(source)
    if path.is_file():
        return path
    if path.exists():
        raise click.ClickException(f"{source} is not a file")
    folder = config.path(config.paths.procedures)
    found = [p for p in _definitions_in(folder) if _code_of(p) == source]
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(str(p) for p in found)
        raise click.ClickException(f"procedure code {source} is defined twice: {names}")
    raise click.ClickException(
        f"{source} is neither a file nor the code of a procedure in {folder}"
    )


def _definitions_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [
        p
        for p in definition_files([folder])
        if p.name.lower().endswith(YAML_SUFFIXES + BPMN_SUFFIXES)
    ]


def _code_of(path: Path) -> str | None:
    """The procedure code a definition file declares; None if it cannot be read."""
    try:
        text = read_text(path)
        if path.name.lower().endswith(BPMN_SUFFIXES):
            return import_bpmn(text, str(path)).procedure.code
        if is_catalogue_file(path, text):
            return None
        data = parse_yaml(text, str(path)).data
    except DefinitionError:
        return None
    code = data.get("code") if isinstance(data, dict) else None
    return code if isinstance(code, str) else None


COMMANDS = [check, schema, bpmn]
