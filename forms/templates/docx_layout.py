"""Layout bricks for the official templates (Decree 30/2020/NĐ-CP presentation rules).

Used by ``build_templates.py`` to write the built-in templates; nothing here runs
when a document is rendered. Sizes follow the decree's appendix: A4, margins
top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; national title 12 pt
bold capitals, motto 14 pt bold with a rule as long as the motto under it; agency name bold
capitals with a short rule; title 14 pt bold; body 13–14 pt.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

__all__ = [
    "FONT",
    "Style",
    "new_document",
    "text_width_mm",
    "national_heading",
    "paragraph",
    "rule",
    "title",
    "borderless_table",
    "grid_table",
    "signature",
    "recipients",
]

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
BODY_PT = 13


@dataclass(frozen=True)
class Style:
    """How one paragraph's text looks."""

    bold: bool = False
    italic: bool = False
    size: float = BODY_PT
    align: str = "left"  # left | center | right | justify


_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def new_document(*, landscape: bool = False) -> DocxDocument:
    """An empty A4 document in Times New Roman, Latin and East-Asian text alike."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _set_default_font(document)
    return document


def text_width_mm(document: DocxDocument) -> float:
    section = document.sections[0]
    usable = section.page_width - section.left_margin - section.right_margin  # type: ignore[operator]
    return float(usable) / 36000  # EMU per millimetre


def _set_default_font(document: DocxDocument) -> None:
    styles = document.styles
    for name in ("Normal", "Table Grid"):
        font = styles[name].font
        font.name = FONT
        font.size = Pt(BODY_PT)
        _east_asian_font(styles[name].element)
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is not None:
            _east_asian_font(run_defaults)
    normal = styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(2)
    normal.line_spacing = 1.0


def _east_asian_font(element: object) -> None:
    """Name the font for every script: python-docx only sets the Latin ones."""
    r_pr = element.find(qn("w:rPr"))  # type: ignore[attr-defined]
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        element.append(r_pr)  # type: ignore[attr-defined]
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


Container = DocxDocument | _Cell


def paragraph(where: Container, text: str = "", style: Style = Style()) -> Paragraph:
    """A paragraph holding ``text`` as one run, so a ``{{ placeholder }}`` is never split."""
    para = where.add_paragraph()
    para.alignment = _ALIGN[style.align]
    if text:
        run = para.add_run(text)
        run.bold, run.italic = style.bold or None, style.italic or None
        run.font.size = Pt(style.size)
        run.font.name = FONT
        _east_asian_font(run._r)
    return para


def rule(where: Container, length_mm: float, available_mm: float) -> Paragraph:
    """A centred horizontal line ``length_mm`` long (the line under the motto or agency name).

    Drawn as the bottom border of an empty paragraph indented from both sides,
    so it stays in place when the text is edited and needs no drawing object.
    """
    para = where.add_paragraph()
    fmt = para.paragraph_format
    side = Mm(max(available_mm - length_mm, 0) / 2)
    fmt.left_indent = fmt.right_indent = side
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    para._p.get_or_add_pPr().append(borders)
    return para


def title(document: DocxDocument, text: str, subtitle: str | None = None) -> None:
    """The form's title, centred, bold 14 pt, with an optional italic line under it."""
    heading = paragraph(document, text, Style(bold=True, size=14, align="center"))
    heading.paragraph_format.space_before = Pt(12)
    if subtitle:
        paragraph(document, subtitle, Style(italic=True, align="center"))
    paragraph(document)


def borderless_table(document: DocxDocument, widths_mm: Sequence[float]) -> Table:
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fix_widths(table, widths_mm)
    _remove_first_paragraphs(table)
    return table


def grid_table(
    document: DocxDocument, headers: Sequence[str], widths_mm: Sequence[float], size: float
) -> Table:
    """A bordered table with a bold centred header row (repeated on every page)."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fix_widths(table, widths_mm)
    header = table.rows[0]
    _repeat_as_header(header._tr)
    for cell, text in zip(header.cells, headers, strict=True):
        cell.paragraphs[0].text = ""
        _fill(cell, [text], Style(bold=True, size=size, align="center"))
    return table


def grid_row(
    table: Table, cells: Sequence[Iterable[str]], size: float, aligns: Sequence[str]
) -> None:
    """A table row; each cell gets one paragraph per text."""
    row = table.add_row()
    for cell, texts, align in zip(row.cells, cells, aligns, strict=True):
        _fill(cell, list(texts), Style(size=size, align=align))


def _fill(cell: _Cell, texts: Sequence[str], style: Style) -> None:
    first = cell.paragraphs[0]
    for index, text in enumerate(texts):
        para = first if index == 0 else cell.add_paragraph()
        para.alignment = _ALIGN[style.align]
        para.paragraph_format.space_after = Pt(0)
        if text:
            run = para.add_run(text)
            run.bold, run.italic = style.bold or None, style.italic or None
            run.font.size = Pt(style.size)
            run.font.name = FONT
            _east_asian_font(run._r)


def national_heading(
    document: DocxDocument, left_lines: Sequence[tuple[str, Style]], right_extra: Sequence[str]
) -> _Cell:
    """The two-column heading: agency on the left, national title and motto on the right.

    ``left_lines`` are the agency lines above the short rule (superior agency,
    agency name); ``right_extra`` go under the motto's rule (the date line).
    Returns the agency cell, where the caller adds what sits under its rule
    (number, dossier code).
    """
    left_mm = 62.0
    right_mm = text_width_mm(document) - left_mm
    table = borderless_table(document, (left_mm, right_mm))
    left, right = table.rows[0].cells
    for text, style in left_lines:
        paragraph(left, text, style)
    rule(left, 22, left_mm)
    paragraph(right, NATIONAL_TITLE, Style(bold=True, size=12, align="center"))
    paragraph(right, MOTTO, Style(bold=True, size=14, align="center"))
    rule(right, 62, right_mm)
    for text in right_extra:
        paragraph(right, text, Style(italic=True, size=14, align="center"))
    return left


def signature(
    document: DocxDocument,
    blocks: Sequence[Sequence[tuple[str, Style]]],
    widths_mm: Sequence[float],
) -> None:
    """Signature blocks side by side, each a column of lines (title, hint, space, name)."""
    paragraph(document).paragraph_format.keep_with_next = True
    table = borderless_table(document, widths_mm)
    _keep_row_on_one_page(table.rows[0]._tr)
    for cell, lines in zip(table.rows[0].cells, blocks, strict=True):
        for text, style in lines:
            para = paragraph(cell, text, style)
            para.paragraph_format.space_after = Pt(0)


def signer_lines(
    title_text: str, hint: str, name: str, *, authority: str | None = None
) -> list[tuple[str, Style]]:
    """Lines of one signature block: [authority,] title, hint, room to sign, name.

    ``authority`` names the template value printed above the title when it is
    not empty ("KT. CHỦ TỊCH"), e.g. ``signer.authority``.
    """
    centred_bold = Style(bold=True, size=14, align="center")
    lines: list[tuple[str, Style]] = []
    if authority is not None:
        lines += [
            ("{%p if " + authority + " %}", centred_bold),
            ("{{ " + authority + " }}", centred_bold),
            ("{%p endif %}", centred_bold),
        ]
    lines += [(title_text, centred_bold), (hint, Style(italic=True, align="center"))]
    lines += [("", Style())] * 3
    lines += [(name, centred_bold)]
    return lines


def recipients(lines: Sequence[str]) -> list[tuple[str, Style]]:
    """The "Nơi nhận:" block of a letter: bold italic 12 pt, entries 11 pt (Decree 30)."""
    block = [("Nơi nhận:", Style(bold=True, italic=True, size=12))]
    return block + [(line, Style(size=11)) for line in lines]


def _fix_widths(table: Table, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        column.set(qn("w:w"), str(int(width * 56.7)))  # twentieths of a point per millimetre
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def set_column_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Apply the widths again after rows were added (new cells start without a width)."""
    _fix_widths(table, widths_mm)


def _remove_first_paragraphs(table: Table) -> None:
    """New cells hold one empty paragraph; drop it so content starts at the top."""
    for cell in table.rows[0].cells:
        for para in list(cell.paragraphs):
            para._p.getparent().remove(para._p)


def _keep_row_on_one_page(tr: object) -> None:
    tr_pr = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(OxmlElement("w:cantSplit"))


def _repeat_as_header(tr: object) -> None:
    tr_pr = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
