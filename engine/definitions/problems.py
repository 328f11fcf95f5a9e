"""Problems found in a definition, each pinned to a place in its file."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Problem", "DefinitionError", "did_you_mean"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a definition: ``path:line:column: message``."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class DefinitionError(Exception):
    """A definition could not be loaded; ``problems`` says every reason found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean `x`?)`` when a close choice exists, else an empty string.

    Diacritics and case are ignored, so `xã` suggests `xa` and `Tinh` suggests `tinh`.
    """
    by_plain = {_plain(choice): choice for choice in choices}
    matches = difflib.get_close_matches(_plain(word), list(by_plain), n=1, cutoff=0.6)
    return f" (did you mean `{by_plain[matches[0]]}`?)" if matches else ""


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
