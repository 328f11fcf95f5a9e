"""SpiffWorkflow behind a small surface: parsed specs, compact state, user tasks.

Specs are parsed once per deployed definition and shared; a dossier's stored
state holds only its task tree and data (no copy of the spec), compressed.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.definitions.executable import ExecutableDefinition

__all__ = ["ProcessSpecs", "SpecCache", "WorkflowCodec", "ready_user_tasks", "STATE_FORMAT"]

STATE_FORMAT = 1  # bump when the stored layout changes


@dataclass(frozen=True)
class ProcessSpecs:
    spec: Any
    subprocess_specs: dict[str, Any]


def parse_specs(definition: ExecutableDefinition) -> ProcessSpecs:
    parser = BpmnParser()
    xml = etree.fromstring(
        definition.bpmn_xml.encode("utf-8"),
        etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False),
    )
    parser.add_bpmn_xml(xml, filename=f"{definition.procedure.code}.bpmn")
    return ProcessSpecs(
        parser.get_spec(definition.process_id),
        parser.get_subprocess_specs(definition.process_id),
    )


class SpecCache:
    """Parsed specs by definition id; parsing BPMN per command would dominate its cost."""

    def __init__(self, size: int = 256):
        self._size = size
        self._items: OrderedDict[int, ProcessSpecs] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: int, definition: ExecutableDefinition) -> ProcessSpecs:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        specs = parse_specs(definition)
        with self._lock:
            self._items[key] = specs
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return specs


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Leaves the spec out of the stored state; restores it from the cache instead."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], specs: ProcessSpecs | None = None) -> BpmnWorkflow:
        if specs is None:
            raise ValueError("restoring a workflow needs its parsed specs")
        return self._restore(dct, specs)

    def _restore(self, dct: dict[str, Any], specs: ProcessSpecs) -> BpmnWorkflow:
        from uuid import UUID

        workflow = self.target_class(specs.spec, specs.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class WorkflowCodec:
    """Compact, spec-free storage of a workflow's state."""

    def __init__(self) -> None:
        config = dict(DEFAULT_CONFIG)
        config[BpmnWorkflow] = _SpeclessWorkflowConverter
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    def new(self, specs: ProcessSpecs) -> BpmnWorkflow:
        return BpmnWorkflow(specs.spec, specs.subprocess_specs)

    def dumps(self, workflow: BpmnWorkflow) -> bytes:
        dct = self._serializer.to_dict(workflow)
        dct["format"] = STATE_FORMAT
        text = json.dumps(dct, separators=(",", ":"), ensure_ascii=False)
        return zlib.compress(text.encode("utf-8"), 6)

    def loads(self, blob: bytes, specs: ProcessSpecs) -> BpmnWorkflow:
        dct = json.loads(zlib.decompress(blob))
        if dct.pop("format", None) != STATE_FORMAT:
            raise ValueError("stored workflow state has an unknown format")
        return self._serializer.from_dict(dct, specs=specs)


def ready_user_tasks(workflow: BpmnWorkflow) -> Iterator[Task]:
    """The tasks waiting for a person, in a stable order."""
    tasks = workflow.get_tasks(state=TaskState.READY, manual=True)
    return iter(sorted(tasks, key=lambda t: (t.task_spec.bpmn_id or t.task_spec.name, str(t.id))))
