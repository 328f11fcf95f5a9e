"""Stored files: content-addressed, checked by content, never overwritten."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from engine.files import FileRejected, FileStore, safe_file_name

PDF = b"%PDF-1.7\n" + b"x" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files", max_bytes=1024)


def test_a_file_is_kept_under_its_sha256(store: FileStore) -> None:
    stored = store.put_bytes(PDF, "giấy chứng sinh.pdf", "application/pdf")
    assert (stored.media_type, stored.size, stored.name) == (
        "application/pdf",
        len(PDF),
        "giấy chứng sinh.pdf",
    )
    assert store.open(stored.key).read() == PDF


def test_the_same_content_twice_is_one_file_and_never_replaced(store: FileStore) -> None:
    first = store.put_bytes(PDF, "a.pdf")
    second = store.put_bytes(PDF, "b.pdf")
    assert first.key == second.key
    assert store.path_of(first.key).stat().st_mode & 0o222 == 0  # read-only


def test_too_big_is_refused_and_leaves_nothing_behind(store: FileStore) -> None:
    with pytest.raises(FileRejected, match="vượt quá"):
        store.put(io.BytesIO(b"%PDF-" + b"x" * 2000), "to.pdf")
    assert [p.name for p in store.root.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("content", [b"MZ\x90\x00 an exe", b"<html>", b""])
def test_content_that_is_not_an_allowed_type_is_refused(store: FileStore, content: bytes) -> None:
    with pytest.raises(FileRejected):
        store.put_bytes(content, "scan.pdf", "application/pdf")


def test_a_declared_type_that_lies_is_refused(store: FileStore) -> None:
    with pytest.raises(FileRejected, match="khai báo"):
        store.put_bytes(PNG, "scan.pdf", "application/pdf")


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\tờ khai.pdf", "tờ khai.pdf"),
        ("\x00\x1f...", "tep-dinh-kem"),
        ("to\u0300 khai.pdf", "tò khai.pdf"),  # combining mark becomes precomposed (NFC)
    ],
)
def test_upload_names_lose_paths_and_control_characters(given: str, safe: str) -> None:
    assert safe_file_name(given) == safe


def test_a_forged_key_cannot_reach_outside_the_store(store: FileStore) -> None:
    with pytest.raises(FileRejected):
        store.path_of("../../secret")
