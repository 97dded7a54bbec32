"""Lists are paged in SQL; the page number comes from `?page=` and is bounded, so no offset can overflow the database."""
from flask import request
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select
from sqlalchemy import select as sa_select

from qa_portal.core.input_checks import parse_id
from qa_portal.extensions import db

MAX_PAGE = 1_000_000  # far beyond any list's last page; page × size stays well inside the databases' integers


def requested_page() -> int:
    """The `page` query parameter: a whole number from 1 to MAX_PAGE; anything else (text, 0, huge) is page 1."""
    return parse_id(request.args.get("page"), maximum=MAX_PAGE) or 1


def paginate(query: Select, per_page: int) -> Pagination:
    """One page of the query's rows (LIMIT/OFFSET in SQL) and the page links' facts; past the end, an empty page."""
    return db.paginate(query, page=requested_page(), per_page=per_page, error_out=False)


class _IdsFirstPagination(SelectPagination):
    """Pages the ids alone (an index-only scan however deep the page), then loads those rows with their options."""

    def _query_items(self) -> list:
        select, session, entity = self._query_args["select"], self._query_args["session"], self._query_args["entity"]
        ids = list(session.scalars(select.with_only_columns(entity.id).limit(self.per_page)
                                   .offset(self._query_offset)))
        if not ids:
            return []
        rows = {row.id: row for row in session.scalars(
            sa_select(entity).where(entity.id.in_(ids)).options(*self._query_args["options"])).unique()}
        return [rows[row_id] for row_id in ids if row_id in rows]


def paginate_ids_first(query: Select, entity, per_page: int, *options) -> Pagination:
    """Like `paginate` for long lists read deep: the page's ids first (ORDER BY, LIMIT, OFFSET over the ids only),
    then one query for those rows with the loader `options` (joins for what the page shows), then the count."""
    return _IdsFirstPagination(select=query, session=db.session, entity=entity, options=options,
                               page=requested_page(), per_page=per_page, error_out=False)
