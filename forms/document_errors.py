"""What can go wrong when making an official document, one type per cause."""

from __future__ import annotations

__all__ = [
    "DocumentError",
    "UnknownForm",
    "FormNotInCircular",
    "ContextError",
    "MissingContextField",
    "InvalidContextField",
    "TemplateNotFound",
    "TemplateError",
    "PdfExportUnavailable",
    "PdfExportFailed",
]


class DocumentError(Exception):
    """Base class: no document was produced (nothing is written on any of these)."""


class UnknownForm(DocumentError):
    """The form code names no official form."""


class FormNotInCircular(DocumentError):
    """The form does not exist under the chosen circular (no stop notice in 01/2018)."""


class ContextError(DocumentError):
    """The data given for a form is incomplete or wrong; ``field`` is its dotted path."""

    def __init__(self, form: str, field: str, problem: str):
        self.form = form
        self.field = field
        super().__init__(f"{form}: `{field}` {problem}")


class MissingContextField(ContextError):
    """A field the form prints is missing or empty."""

    def __init__(self, form: str, field: str):
        super().__init__(form, field, "is required and missing or empty")


class InvalidContextField(ContextError):
    """A field has a value of the wrong kind (a naive datetime, a negative fee, …)."""


class TemplateNotFound(DocumentError):
    """No template file for the form in the override folders nor among the built-in ones."""


class TemplateError(DocumentError):
    """A template could not be filled: bad Jinja syntax or a placeholder the data lacks."""


class PdfExportUnavailable(DocumentError):
    """PDF export needs LibreOffice (`soffice`), which is not installed."""


class PdfExportFailed(DocumentError):
    """LibreOffice ran but produced no PDF."""
