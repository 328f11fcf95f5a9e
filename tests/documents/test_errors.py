"""Bad input is refused with a typed error that names the problem; nothing half-made comes out."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from forms.documents import (
    ApologyContext,
    InvalidContextField,
    MissingContextField,
    ReceiptContext,
    RefusalContext,
    TrackingBookContext,
    UnknownForm,
    load_context,
    main,
    render,
)


def test_unknown_form_code_lists_the_official_forms(receipt: ReceiptContext):
    with pytest.raises(UnknownForm, match=r"unknown form `08`.*01 \(receipt\)"):
        render("08", receipt)


def test_unknown_circular_is_refused(receipt: ReceiptContext):
    with pytest.raises(UnknownForm, match="unknown circular `02/2030`"):
        render("01", receipt, circular="02/2030")


def test_a_context_of_another_form_is_refused(refusal: RefusalContext):
    with pytest.raises(InvalidContextField, match="must be a ReceiptContext, got RefusalContext"):
        render("01", refusal)  # type: ignore[arg-type]


def test_receipt_without_appointment_names_the_field(receipt: ReceiptContext):
    context = dataclasses.replace(
        receipt, dossier=dataclasses.replace(receipt.dossier, appointment_at=None)
    )
    with pytest.raises(MissingContextField) as raised:
        render("01", context)
    assert raised.value.field == "dossier.appointment_at"
    assert "Mẫu số 01 (03/2025/TT-VPCP): `dossier.appointment_at` is required" in str(raised.value)


def test_receipt_without_components_is_refused(receipt: ReceiptContext):
    context = dataclasses.replace(
        receipt, dossier=dataclasses.replace(receipt.dossier, components=())
    )
    with pytest.raises(MissingContextField, match=re.escape("dossier.components")):
        render("01", context)


def test_blank_applicant_name_is_missing(refusal: RefusalContext):
    context = dataclasses.replace(
        refusal, applicant=dataclasses.replace(refusal.applicant, name="   ")
    )
    with pytest.raises(MissingContextField, match=re.escape("`applicant.name`")):
        render("03", context)


def test_blank_name_inside_a_row_is_named_by_its_index(tracking_book: TrackingBookContext):
    row = dataclasses.replace(tracking_book.rows[1], applicant_name="")
    context = dataclasses.replace(tracking_book, rows=(tracking_book.rows[0], row))
    with pytest.raises(MissingContextField, match=r"`rows\[1\].applicant_name`"):
        render("07", context)


def test_naive_datetimes_are_refused(apology: ApologyContext):
    context = dataclasses.replace(apology, new_appointment_at=datetime(2027, 2, 3, 8, 15))
    with pytest.raises(InvalidContextField, match="`new_appointment_at` has no time zone"):
        render("04", context)


def test_negative_fee_is_refused(receipt: ReceiptContext):
    context = dataclasses.replace(receipt, dossier=dataclasses.replace(receipt.dossier, fee=-1))
    with pytest.raises(InvalidContextField, match=re.escape("`dossier.fee` must not be negative")):
        render("01", context)


def test_a_book_ending_before_it_starts_is_refused(tracking_book: TrackingBookContext):
    context = dataclasses.replace(
        tracking_book, period_end=tracking_book.period_start.replace(day=1)
    )
    with pytest.raises(InvalidContextField, match="period_end"):
        render("07", context)


# --- contexts from JSON -------------------------------------------------------------------------


def _refusal_data() -> dict:
    return {
        "agency": {"name": "UBND xã Phước Lộc", "place_name": "Phước Lộc", "electronic_id": "X"},
        "applicant": {"name": "Nguyễn Văn An", "identity_number": "0521", "address": "Phước Lộc"},
        "dossier": {
            "procedure_code": "1.001193",
            "procedure_name": "Đăng ký khai sinh",
            "received_at": "2026-11-24T10:05:00+07:00",
        },
        "reason": "Không thuộc thẩm quyền",
        "refused_by": {"name": "Trần Văn Bình"},
        "number": "03/TC",
        "issued_at": "2026-11-24T10:20:00+07:00",
    }


def test_json_context_renders():
    context = load_context("03", _refusal_data())
    assert isinstance(context, RefusalContext)
    assert context.dossier.received_at.utcoffset().total_seconds() == 7 * 3600
    assert render("03", context)[:2] == b"PK"


def test_json_context_missing_a_nested_field_names_it():
    data = _refusal_data()
    del data["applicant"]["address"]
    with pytest.raises(MissingContextField, match=re.escape("`applicant.address`")):
        load_context("03", data)


def test_json_context_with_a_time_without_zone_is_refused():
    data = _refusal_data()
    data["issued_at"] = "2026-11-24T10:20:00"
    with pytest.raises(InvalidContextField, match="`issued_at` has no time zone"):
        load_context("03", data)


def test_json_context_with_an_unknown_field_is_refused():
    data = _refusal_data()
    data["reasons"] = "typo"
    with pytest.raises(InvalidContextField, match="`reasons` is not a field"):
        load_context("03", data)


def test_json_context_with_wrong_kinds_is_refused():
    data = _refusal_data()
    data["dossier"]["fee"] = "50000"
    with pytest.raises(
        InvalidContextField, match=re.escape("`dossier.fee` must be a whole number")
    ):
        load_context("03", data)


def test_json_context_with_an_unknown_channel_lists_the_choices():
    data = _refusal_data()
    data["dossier"]["channel"] = "fax"
    with pytest.raises(
        InvalidContextField, match=re.escape('`dossier.channel` must be one of "Trực tiếp"')
    ):
        load_context("03", data)


# --- the dev command ------------------------------------------------------------------------------


def test_command_writes_the_document(tmp_path: Path):
    source = tmp_path / "refusal.json"
    source.write_text(json.dumps(_refusal_data(), ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "out" / "refusal.docx"
    assert main(["03", str(source), "-o", str(target)]) == 0
    assert target.read_bytes()[:2] == b"PK"


def test_command_with_bad_input_writes_nothing(tmp_path: Path, capsys):
    data = _refusal_data()
    del data["reason"]
    source = tmp_path / "refusal.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "refusal.docx"
    assert main(["03", str(source), "-o", str(target)]) == 1
    assert "`reason` is required" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [source]


def test_command_keeps_an_older_file_when_rendering_fails(tmp_path: Path):
    source = tmp_path / "refusal.json"
    source.write_text(json.dumps(_refusal_data(), ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "refusal.docx"
    target.write_bytes(b"previous version")
    assert main(["09", str(source), "-o", str(target)]) == 1
    assert target.read_bytes() == b"previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refusal.docx", "refusal.json"]
