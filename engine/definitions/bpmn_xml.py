"""BPMN XML plumbing shared by the compiler and the importer: namespaces, safe parsing, positions.

Definition files come from designers and from the internet, so XML is parsed
with everything that can reach outside the document switched off: no DTD
loading, no entity expansion, no network, no huge-tree mode. A document that
declares a DOCTYPE or entities is refused before it reaches the parser (XXE,
"billion laughs"), and the size limit of every definition file applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .problems import DefinitionError, Problem
from .yaml_source import MAX_FILE_BYTES

__all__ = [
    "BPMN",
    "BPMNDI",
    "DC",
    "DI",
    "XSI",
    "CAMUNDA",
    "ZEEBE",
    "MOTCUA",
    "NSMAP",
    "EXPORTER",
    "EXPORTER_VERSION",
    "bpmn",
    "motcua",
    "camunda",
    "zeebe",
    "ParsedXml",
    "parse_xml",
]

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"  # Camunda 7 diagrams
ZEEBE = "http://camunda.org/schema/zeebe/1.0"  # Camunda 8 diagrams
MOTCUA = "https://motcua.example/schema/bpmn"

NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI, "motcua": MOTCUA}

# Written on <bpmn:definitions>: a file still marked so has not been re-saved by a modeller.
EXPORTER = "motcua"
EXPORTER_VERSION = "1"  # the format, not the package: a release must not change every hash

_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)\b")


def bpmn(local: str) -> str:
    return f"{{{BPMN}}}{local}"


def motcua(local: str) -> str:
    return f"{{{MOTCUA}}}{local}"


def camunda(local: str) -> str:
    return f"{{{CAMUNDA}}}{local}"


def zeebe(local: str) -> str:
    return f"{{{ZEEBE}}}{local}"


@dataclass
class ParsedXml:
    """A parsed document that can say where each of its elements starts."""

    root: etree._Element
    text: str
    file: str
    _line_starts: list[int] = field(default_factory=list)

    def where(self, element: etree._Element) -> tuple[int, int]:
        """Line and column (1-based) of the element's start tag.

        libxml2 records the line where a start tag *ends*; a tag written over
        several lines is found by searching back for its name.
        """
        line = element.sourceline or 1
        qualified = _qualified_name(element)
        if qualified is None:
            return (line, 1)
        end = self._line_end(line)
        pattern = re.compile(rf"<{re.escape(qualified)}(?=[\s/>])")
        last = None
        for match in pattern.finditer(self.text, 0, end):
            last = match
        if last is None:
            return (line, 1)
        start_line = self.text.count("\n", 0, last.start()) + 1
        column = last.start() - self._line_start(start_line) + 1
        return (start_line, column)

    def problem(self, element: etree._Element | None, message: str) -> Problem:
        line, column = self.where(element) if element is not None else (1, 1)
        return Problem(self.file, line, column, message)

    def _offsets(self) -> list[int]:
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self._line_starts

    def _line_start(self, line: int) -> int:
        offsets = self._offsets()
        return offsets[min(line, len(offsets)) - 1]

    def _line_end(self, line: int) -> int:
        offsets = self._offsets()
        return offsets[line] if line < len(offsets) else len(self.text)


def _qualified_name(element: etree._Element) -> str | None:
    if not isinstance(element.tag, str):
        return None
    local = etree.QName(element).localname
    return f"{element.prefix}:{local}" if element.prefix else local


def parse_xml(text: str, name: str) -> ParsedXml:
    """Parse a BPMN document safely, or raise DefinitionError saying where it breaks."""
    raw = text.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        raise _single(
            name,
            1,
            1,
            f"file is {len(raw):,} bytes; a definition may be at most {MAX_FILE_BYTES:,} bytes",
        )
    if not text.strip():
        raise _single(name, 1, 1, "the file is empty; expected a BPMN 2.0 document")
    declaration = _DECLARATION.search(raw)
    if declaration is not None:
        line = raw.count(b"\n", 0, declaration.start()) + 1
        column = declaration.start() - (raw.rfind(b"\n", 0, declaration.start()) + 1) + 1
        kind = declaration.group(1).decode()
        raise _single(
            name,
            line,
            column,
            f"the document declares a {kind}; BPMN files must not have a DOCTYPE or "
            "entity declarations (refused for safety: they can read local files or "
            "expand without limit)",
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        encoding="utf-8",  # the text was decoded as UTF-8 already, whatever it declares
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno or 1, 1)
        message = _syntax_message(error)
        raise _single(name, max(line, 1), max(column, 1), message) from error
    return ParsedXml(root, text, name)


def _syntax_message(error: etree.XMLSyntaxError) -> str:
    reason = (error.msg or "cannot be parsed").strip()
    reason = re.sub(r",? line \d+, column \d+$", "", reason)
    return f"not well-formed XML: {reason}"


def _single(name: str, line: int, column: int, message: str) -> DefinitionError:
    return DefinitionError([Problem(name, line, column, message)])
