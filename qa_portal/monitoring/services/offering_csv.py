"""Offerings by CSV: the template's columns, a bounded read of the uploaded file, and an all-or-nothing import that
names every bad row and column (a file with one bad row saves nothing)."""
import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.csv_export import csv_text
from qa_portal.core.errors import DomainError
from qa_portal.core.input_checks import MAX_ID, has_control_characters
from qa_portal.extensions import db
from qa_portal.monitoring.models import OUTCOME_COUNTS, OfferingMode
from qa_portal.monitoring.services.offering_totals import refresh_offering_totals
from qa_portal.monitoring.services.offerings import COUNT_FIELDS, OfferingData, OfferingRefused, build_offering
from qa_portal.pilots.models import MicroCredential

TEMPLATE_COLUMNS = ("micro_credential_id", "starts_on", "ends_on", "mode", *COUNT_FIELDS, "satisfaction_mean",
                    *OUTCOME_COUNTS)
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000


class ImportRefused(DomainError):
    """The file or some of its rows were refused; `row_errors` lists (row number, column, message), HTTP 400."""

    status_code = 400

    def __init__(self, message: str, row_errors: list[tuple[int, str, str]] | None = None):
        super().__init__(message, field="file")
        self.row_errors = row_errors or []


def template_csv() -> str:
    """The empty template: the header row the import expects, in this order."""
    return csv_text(TEMPLATE_COLUMNS, [])


def read_upload(stream) -> str:
    """The uploaded file as text, read at most MAX_BYTES (+1 to notice a larger file); UTF-8 with or without BOM."""
    raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than %(size)s KB; split it into several files.",
                              size=MAX_BYTES // 1024))
    if not raw.strip():
        raise ImportRefused(_("The file is empty."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(_("The file is not UTF-8 text; save it as CSV (UTF-8).")) from error
    if has_control_characters(text.replace("\t", "")):
        raise ImportRefused(_("The file contains control characters (such as NUL); save it as CSV (UTF-8)."))
    return text


def _int(text: str, optional: bool = False) -> int | None:
    if text == "" and optional:
        return None
    if not text.lstrip("-").isdigit() or abs(int(text)) > MAX_ID:
        raise ValueError(_("not a whole number"))
    return int(text)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("not a date (YYYY-MM-DD)")) from None


def _decimal(text: str) -> Decimal | None:
    if text == "":
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("not a number")) from None
    if not value.is_finite() or abs(value) > 100:
        raise ValueError(_("not a number on the 1–5 scale"))
    return value.quantize(Decimal("0.01"))


def _mode(text: str) -> OfferingMode:
    try:
        return OfferingMode(text)
    except ValueError:
        raise ValueError(_("one of %(modes)s", modes=", ".join(mode.value for mode in OfferingMode))) from None


PARSERS = {"starts_on": _date, "ends_on": _date, "mode": _mode, "satisfaction_mean": _decimal,
           **{name: _int for name in COUNT_FIELDS}, **{name: lambda text: _int(text, True) for name in OUTCOME_COUNTS}}


def _parse_row(number: int, row: dict, errors: list) -> tuple[int | None, OfferingData | None]:
    values = {}
    for column, parse in PARSERS.items():
        try:
            values[column] = parse((row.get(column) or "").strip())
        except ValueError as error:
            errors.append((number, column, str(error)))
    try:
        credential_id = _int((row.get("micro_credential_id") or "").strip())
    except ValueError as error:
        errors.append((number, "micro_credential_id", str(error)))
        credential_id = None
    if len(values) < len(PARSERS) or credential_id is None:
        return None, None
    return credential_id, OfferingData(**values)


def _check_header(reader: csv.DictReader) -> None:
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in TEMPLATE_COLUMNS if name not in header]
    unexpected = [name for name in header if name not in TEMPLATE_COLUMNS]
    if missing or unexpected:
        raise ImportRefused(_("This file does not follow the offerings template. Missing columns: %(missing)s. "
                              "Unknown columns: %(unexpected)s. Download the template and copy your data into it.",
                              missing=", ".join(missing) or "—", unexpected=", ".join(unexpected)[:300] or "—"))
    reader.fieldnames = header


def import_offerings(actor, institution_ids: frozenset[int] | None, text: str) -> int:
    """Record every row of the CSV as an offering, or none: a row error (by row and column) refuses the whole file.
    `institution_ids` limits the micro-credentials a row may name (None: any, for officers)."""
    reader = csv.DictReader(io.StringIO(text))
    _check_header(reader)
    errors: list[tuple[int, str, str]] = []
    parsed = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportRefused(_("The file has more than %(rows)s rows; split it.", rows=MAX_ROWS))
        if None in row:
            errors.append((number, "", _("more cells than the template's columns")))
            continue
        credential_id, data = _parse_row(number, row, errors)
        if data is not None:
            parsed.append((number, credential_id, data))
    if not parsed and not errors:
        raise ImportRefused(_("The file has the template's header but no offerings."))
    credentials = {credential.id: credential for credential in db.session.scalars(
        select(MicroCredential).where(MicroCredential.id.in_({credential_id for _n, credential_id, _d in parsed})))}
    versions: set[int] = set()
    for number, credential_id, data in parsed:
        credential = credentials.get(credential_id)
        if credential is None or (institution_ids is not None and credential.institution_id not in institution_ids):
            errors.append((number, "micro_credential_id", _("no micro-credential %(id)s of your institution",
                                                            id=credential_id)))
            continue
        try:
            versions.add(build_offering(actor, credential, data).specification_version_id)
        except OfferingRefused as refusal:
            errors.extend((number, column or "micro_credential_id", message) for column, message in refusal.problems)
        except DomainError as refusal:
            errors.append((number, "micro_credential_id", refusal.message))
    if errors:
        raise ImportRefused(_("Nothing was saved: %(count)s problems in the file. Correct the rows below and upload "
                              "it again.", count=len(errors)), sorted(errors)[:200])
    refresh_offering_totals(versions)
    record(actor, "monitoring.import_offerings", None, f"{len(parsed)} offerings imported from CSV",
           {"rows": len(parsed)})
    return len(parsed)
