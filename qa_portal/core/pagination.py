"""Lists are paged in SQL; the page number comes from `?page=` and is bounded, so no offset can overflow the database."""
from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from qa_portal.core.input_checks import parse_id
from qa_portal.extensions import db

MAX_PAGE = 1_000_000  # far beyond any list's last page; page × size stays well inside the databases' integers


def requested_page() -> int:
    """The `page` query parameter: a whole number from 1 to MAX_PAGE; anything else (text, 0, huge) is page 1."""
    return parse_id(request.args.get("page"), maximum=MAX_PAGE) or 1


def paginate(query: Select, per_page: int) -> Pagination:
    """One page of the query's rows (LIMIT/OFFSET in SQL) and the page links' facts; past the end, an empty page."""
    return db.paginate(query, page=requested_page(), per_page=per_page, error_out=False)
