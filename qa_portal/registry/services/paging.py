"""Cursor pagination, list bodies with a `next` cursor and a Link header, and JSON responses with an ETag.

Lists are ordered by id ascending (stable: new rows only ever append), and a cursor is the last id served,
signed so that a hand-made or truncated cursor is refused with 400 rather than silently misread."""
import hashlib
import json
from urllib.parse import urlencode

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select

from qa_portal.core.urls import public_url
from qa_portal.extensions import db
from qa_portal.registry.services.errors import ApiError


def _serializer(resource: str) -> URLSafeSerializer:
    """Cursors are signed per resource: a decisions cursor is refused on the institutions list."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"api-cursor:{resource}")


def encode_cursor(resource: str, last_id: int) -> str:
    """The opaque cursor that continues a list after last_id."""
    return _serializer(resource).dumps({"after": last_id})


def decode_cursor(resource: str) -> int:
    """The id after which the requested page starts: 0 without `cursor`, 400 for a cursor we did not issue."""
    raw = request.args.get("cursor")
    if raw is None:
        return 0
    try:
        payload = _serializer(resource).loads(raw)
        after = payload["after"]
        if not isinstance(after, int) or after < 0:
            raise TypeError
    except (BadSignature, KeyError, TypeError):
        raise ApiError(400, "invalid_cursor", "cursor is not one this API issued; start again without it.",
                       {"parameter": "cursor"}) from None
    return after


def keyset_page(statement: Select, id_column, resource: str, limit: int, rows: bool = False) -> tuple[list, str | None]:
    """One page of statement's rows after the request's cursor, ordered by id_column, and the next cursor.

    The page loads exactly `limit` rows (so eager loads batch them as one chunk at any page size up to 500), then
    asks one id-only question — is there a row after it? — instead of loading a row it will not serve; every page
    costs the same statements, full or not. With rows=True the statement selects plain columns, the id first."""
    after = decode_cursor(resource)
    page = statement.where(id_column > after).order_by(id_column).limit(limit)
    items = list(db.session.execute(page).all() if rows else db.session.scalars(page).unique())
    last = (items[-1][0] if rows else items[-1].id) if items else after
    more = db.session.scalar(statement.with_only_columns(id_column).where(id_column > last)
                             .order_by(id_column).limit(1))
    return items, (encode_cursor(resource, last) if more is not None else None)


def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    """Compact UTF-8 JSON with a strong ETag; a matching If-None-Match gets 304 Not Modified."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
    response = current_app.response_class(body, status=status, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, max-age=60"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response.make_conditional(request)


def next_url(cursor: str) -> str:
    """This request's public URL (QA_PUBLIC_BASE_URL, never the Host header) with the cursor replaced by the next
    page's."""
    arguments = [(key, value) for key, value in request.args.items(multi=True) if key != "cursor"]
    arguments.append(("cursor", cursor))
    return f"{public_url(request.endpoint, **(request.view_args or {}))}?{urlencode(arguments)}"


def list_response(items: list, next_cursor: str | None, limit: int) -> Response:
    """A page of a list: {"data", "next", "limit"} plus an RFC 8288 Link header to the next page."""
    headers = {}
    payload = {"data": items, "limit": limit, "next": next_cursor, "next_url": None}
    if next_cursor is not None:
        payload["next_url"] = next_url(next_cursor)
        headers["Link"] = f'<{payload["next_url"]}>; rel="next"'
    return json_response(payload, headers=headers)
