"""What the runtime needs from a definition, whichever format it was written in.

A YAML procedure is compiled to BPMN; a BPMN file from a modeller is imported.
Both give an :class:`ExecutableDefinition`: the procedure's metadata and steps,
the BPMN XML that SpiffWorkflow executes, and a table of the user tasks that
people (or the applicant) complete.

Execution conventions shared by the compiler, the importer and the runtime:

- every user task's BPMN id is listed in ``tasks``; anything else is engine work;
- completing a task puts the officer's decision in the task data as
  ``decision`` (``"approve"``, ``"return"``, ``"supplement"``, ``"refuse"``);
  gateways route on it with Python expressions such as ``decision == "return"``;
- a ``supplement`` outcome leads to a task of kind SUPPLEMENT: the dossier waits
  for the applicant, the clock pauses, and completing it (the applicant has
  supplied the papers) returns to the step that asked;
- a task of kind WAIT is time outside the agency (the clock pauses too);
- the end event with id ``REFUSED_END_EVENT`` ends the dossier as refused; any
  other end event of the top process ends it with a result;
- parallel blocks are embedded sub-processes, so a workflow is created with
  ``BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))``;
- who works a task comes from ``tasks`` (``step.unit``, ``step.role``), not from
  SpiffWorkflow's lane, which for a block's branch is the sub-process's lane.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from .model import Procedure, Step

__all__ = [
    "DECISION_VARIABLE",
    "REFUSED_END_EVENT",
    "TaskKind",
    "TaskSpec",
    "ExecutableDefinition",
    "content_hash",
]

DECISION_VARIABLE = "decision"
REFUSED_END_EVENT = "end_refused"


class TaskKind(StrEnum):
    STEP = "step"  # a step of the internal procedure
    CONSULTATION = "consultation"  # a branch of a parallel block
    WAIT = "wait"  # the applicant acts outside the agency; clock paused
    SUPPLEMENT = "supplement"  # waiting for the applicant's supplement; clock paused
    APOLOGY = "apology"  # not in BPMN: the runtime opens it when a dossier will be late


@dataclass(frozen=True)
class TaskSpec:
    """One user task of the BPMN process and the step it stands for.

    For a SUPPLEMENT task, ``step`` is the step that asked for the supplement
    and ``id`` is the BPMN id of the waiting task.
    """

    id: str
    kind: TaskKind
    step: Step
    group: str | None = None  # inter-agency group id (liên thông)
    block: str | None = None  # parallel block id

    @property
    def pauses_clock(self) -> bool:
        return self.kind in (TaskKind.WAIT, TaskKind.SUPPLEMENT)


@dataclass(frozen=True)
class ExecutableDefinition:
    """A deployable definition: immutable, identified by (code, content hash)."""

    procedure: Procedure
    bpmn_xml: str
    process_id: str
    tasks: Mapping[str, TaskSpec]
    source_format: str = "yaml"  # "yaml" or "bpmn"

    @property
    def content_hash(self) -> str:
        return content_hash(self.bpmn_xml)

    def task(self, task_id: str) -> TaskSpec:
        return self.tasks[task_id]

    def step_tasks(self) -> Iterator[TaskSpec]:
        return (t for t in self.tasks.values() if t.kind in (TaskKind.STEP, TaskKind.CONSULTATION))

    @cached_property
    def hours_to_end(self) -> Mapping[str, Decimal]:
        """Per step: the working hours of the longest path from it to the end, return
        loops not counted (computed once: a definition never changes)."""
        from .checks import longest_paths
        from .graph import RoutingGraph

        paths = longest_paths(RoutingGraph.of(self.procedure))
        return {step: hours for step, (hours, _) in paths.items()}


def content_hash(bpmn_xml: str) -> str:
    """SHA-256 of the executable XML: same content, same version."""
    return hashlib.sha256(bpmn_xml.encode("utf-8")).hexdigest()
