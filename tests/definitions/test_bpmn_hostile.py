"""Hostile or broken BPMN files get one clear message, never a traceback and never a file read."""

from __future__ import annotations

from pathlib import Path

from engine.definitions.bpmn_import import check_bpmn_file, import_bpmn
from engine.definitions.yaml_source import MAX_FILE_BYTES

from .bpmn_helpers import FIXTURES

DEFINITIONS = '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
REFUSED = (
    "the document declares a DOCTYPE; BPMN files must not have a DOCTYPE or entity "
    "declarations (refused for safety: they can read local files or expand without limit)"
)


def messages(path: Path) -> list[str]:
    return [str(problem) for problem in check_bpmn_file(path, None)]


def test_an_external_entity_is_refused_and_the_file_it_names_is_never_read(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("MẬT KHẨU", encoding="utf-8")
    path = tmp_path / "xxe.bpmn"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY s SYSTEM "{secret.as_uri()}">]>\n'
        f'{DEFINITIONS}<bpmn:process id="p" name="&s;"/></bpmn:definitions>\n',
        encoding="utf-8",
    )
    found = messages(path)
    assert found == [f"{path}:2:1: {REFUSED}"]
    assert "MẬT KHẨU" not in "".join(found)


def test_an_external_dtd_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dtd.bpmn"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE d SYSTEM "http://example.invalid/evil.dtd">\n'
        f"{DEFINITIONS}</bpmn:definitions>\n",
        encoding="utf-8",
    )
    assert messages(path) == [f"{path}:2:1: {REFUSED}"]


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.bpmn"
    path.write_text("", encoding="utf-8")
    assert messages(path) == [f"{path}:1:1: the file is empty; expected a BPMN 2.0 document"]


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "diagram.bpmn"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert messages(path) == [f"{path}:1:1: this is a binary file, not a YAML or BPMN text file"]


def test_a_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.bpmn"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert messages(path) == [
        f"{path}:1:1: file is 52,428,800 bytes; a definition may be at most "
        f"{MAX_FILE_BYTES:,} bytes"
    ]


def test_text_that_is_not_xml_is_reported_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "notes.bpmn"
    path.write_text("code: 1.001193\nname: not XML at all\n", encoding="utf-8")
    assert messages(path) == [f"{path}:1:1: not well-formed XML: Start tag expected, '<' not found"]


def test_deeply_nested_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.bpmn"
    path.write_text(
        DEFINITIONS + "<a>" * 300 + "</a>" * 300 + "</bpmn:definitions>", encoding="utf-8"
    )
    (message,) = messages(path)
    assert message.startswith(f"{path}:1:")
    assert "not well-formed XML: Excessive depth in document: 256" in message


def test_a_file_declaring_another_encoding_is_still_read_as_utf8() -> None:
    drawn = FIXTURES / "bpmn" / "good" / "call_activity.bpmn"
    text = drawn.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    assert 'encoding="ISO-8859-1"' in text
    assert import_bpmn(text, "latin.bpmn").procedure.name == "Đăng ký khai sinh"
