"""Bulk exports of every published decision matching the list's filters: NDJSON (each line built by the database,
registry/services/export_sql.py) and CSV, streamed batch by batch (registry/services/export.py) so memory stays flat however many
decisions there are. Parameters are checked before the first byte is sent, so a bad one is still a JSON 400. Each
export carries an ETag computed from the public record (registry/services/fingerprint.py): a matching If-None-Match gets 304
without the export being generated."""
from flask import Response, request, stream_with_context

from qa_portal.core.access import public
from qa_portal.core.models import utcnow
from qa_portal.registry.services.export import csv_chunks, ndjson_chunks
from qa_portal.registry.services.fingerprint import export_etag
from qa_portal.registry.services.params import reject_unknown
from qa_portal.registry.views import bp
from qa_portal.registry.views.decisions import FILTERS, filtered_decisions


def _download(chunks, mimetype: str, extension: str) -> Response:
    """A streamed attachment named after today's date, e.g. qa-portal-decisions-2026-11-29.ndjson, with its ETag;
    304 (and the generator never started) when the client already holds this export."""
    etag = export_etag(extension)
    if request.if_none_match.contains(etag):
        chunks.close()
        response = Response(status=304, headers={"Cache-Control": "no-cache"})
    else:
        filename = f"qa-portal-decisions-{utcnow():%Y-%m-%d}.{extension}"
        response = Response(stream_with_context(chunks), mimetype=mimetype,
                            headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                     "Cache-Control": "no-cache"})
    response.set_etag(etag)
    return response


@bp.route("/decisions.ndjson")
@public
def decision_export_ndjson():
    """Every published decision matching the filters (as /decisions, without paging), one JSON document a line."""
    reject_unknown(FILTERS)
    return _download(ndjson_chunks(filtered_decisions()), "application/x-ndjson", "ndjson")


@bp.route("/decisions.csv")
@public
def decision_export_csv():
    """Every published decision matching the filters as CSV, one row per decision × reviewed specification."""
    reject_unknown(FILTERS)
    return _download(csv_chunks(filtered_decisions()), "text/csv", "csv")
