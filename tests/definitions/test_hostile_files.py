"""Files that are not definitions at all get one clear message, never a traceback."""

from __future__ import annotations

from pathlib import Path

from engine.definitions.loading import check_paths
from engine.definitions.yaml_source import MAX_FILE_BYTES


def only_message(path: Path) -> str:
    report = check_paths([path])
    assert len(report.problems) == 1
    return str(report.problems[0])


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert only_message(path) == f"{path}:1:1: this is a binary file, not a YAML or BPMN text file"


def test_non_utf8_text_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes('code: "1.001193"\nname: "Đăng ký"\n'.encode() + b"field: \xe9t\xe9\n")
    assert only_message(path) == f"{path}:3:1: the file is not UTF-8 text; save it as UTF-8"


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    message = only_message(path)
    assert message == (
        f"{path}:1:1: file is 52,428,800 bytes; a definition may be at most "
        f"{MAX_FILE_BYTES:,} bytes"
    )


def test_deeply_nested_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert only_message(path) == (
        f"{path}:1:1: the YAML is nested too deeply to be a definition; refusing to read it"
    )
