"""Stored files (scans, uploads, results): content-addressed, never overwritten.

A file is kept under its SHA-256 (``ab/cd/abcd…``) in the configured folder.
The same bytes stored twice are one file; nothing is ever replaced, so a
dossier's history can always point at exactly what was received. The key is
not guessable from a dossier or a person, and files are served only by views
that check who may see them.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "StoredFile",
    "FileStore",
    "FileRejected",
    "FileTooLarge",
    "FileTypeRefused",
    "ALLOWED_MEDIA_TYPES",
    "safe_file_name",
    "sniff_media_type",
]

ALLOWED_MEDIA_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/xml": ".xml",
}
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"<?xml", "application/xml"),
)
_KEY = re.compile(r"[0-9a-f]{64}")  # always fullmatch: "$" would let a newline through
_CHUNK = 1 << 16


class FileRejected(ValueError):
    """The upload is not acceptable; the message says why, in Vietnamese."""


class FileTooLarge(FileRejected):
    """The upload is bigger than the store accepts."""


class FileTypeRefused(FileRejected):
    """The content is not an allowed type, or not the type it claims to be."""


@dataclass(frozen=True)
class StoredFile:
    key: str  # the SHA-256 of the content
    size: int
    media_type: str
    name: str  # the name it was uploaded with, made safe

    @property
    def sha256(self) -> str:
        return self.key


class FileStore:
    def __init__(self, root: Path, max_bytes: int, allowed: Iterable[str] = ALLOWED_MEDIA_TYPES):
        self.root = root
        self.max_bytes = max_bytes
        self.allowed = set(allowed)

    def put(self, stream: BinaryIO, name: str, declared_type: str | None = None) -> StoredFile:
        """Store an upload after checking its size and that its content is an allowed type."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        head = b""
        with tempfile.NamedTemporaryFile(dir=self.root, delete=False, prefix=".upload-") as tmp:
            try:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FileTooLarge(
                            f"Tệp “{safe_file_name(name)}” vượt quá "
                            f"{self.max_bytes // (1024 * 1024)} MB."
                        )
                    if len(head) < 16:
                        head += chunk[: 16 - len(head)]
                    digest.update(chunk)
                    tmp.write(chunk)
                media_type = self._check_type(head, name, declared_type, size)
            except BaseException:
                tmp.close()
                os.unlink(tmp.name)
                raise
        key = digest.hexdigest()
        target = self.path_of(key)
        if target.exists():
            os.unlink(tmp.name)  # same content already stored: keep the original
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp.name, target)
            os.chmod(target, 0o440)
        return StoredFile(key, size, media_type, safe_file_name(name))

    def put_bytes(self, content: bytes, name: str, declared_type: str | None = None) -> StoredFile:
        import io

        return self.put(io.BytesIO(content), name, declared_type)

    def open(self, key: str) -> BinaryIO:
        return self.path_of(key).open("rb")

    def exists(self, key: str) -> bool:
        return _KEY.fullmatch(key) is not None and self.path_of(key).is_file()

    def path_of(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise FileRejected("Mã tệp không hợp lệ.")
        return self.root / key[:2] / key[2:4] / key

    def _check_type(self, head: bytes, name: str, declared: str | None, size: int) -> str:
        if size == 0:
            raise FileRejected(f"Tệp “{safe_file_name(name)}” rỗng.")
        sniffed = sniff_media_type(head)
        if sniffed is None or sniffed not in self.allowed:
            kinds = ", ".join(
                sorted(ALLOWED_MEDIA_TYPES[t] for t in self.allowed if t in ALLOWED_MEDIA_TYPES)
            )
            raise FileTypeRefused(
                f"Tệp “{safe_file_name(name)}” không thuộc loại được nhận ({kinds})."
            )
        if declared and declared.split(";")[0].strip() not in (sniffed, "application/octet-stream"):
            raise FileTypeRefused(
                f"Tệp “{safe_file_name(name)}” khai báo là {declared} nhưng nội dung là {sniffed}."
            )
        return sniffed


def sniff_media_type(head: bytes) -> str | None:
    """The media type from the first bytes, whatever the name or the browser claims."""
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    return None


def safe_file_name(name: str) -> str:
    """A display name with no path, no control characters, NFC, at most 200 characters."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").split("/")[-1])
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip(" .")
    return cleaned[:200] or "tep-dinh-kem"
