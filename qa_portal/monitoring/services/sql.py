"""SQL building blocks the figures share: days between two timestamps on SQLite and PostgreSQL, and the
nearest-rank median and 90th percentile computed inside one statement with window functions."""
from sqlalchemy import Float, case, cast, extract, func, select
from sqlalchemy.sql import ColumnElement, Select

from qa_portal.extensions import db


def days_between(later, earlier) -> ColumnElement:
    """(later − earlier) in days as a float, in the dialect of the session's database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return extract("epoch", later - earlier) / 86400.0
    return cast(func.julianday(later) - func.julianday(earlier), Float)


def percentiles(values: Select, keys: tuple[str, ...], value: str = "value") -> Select:
    """Per group of `keys` of the `values` subquery: n, median and p90 of `value` by the nearest-rank method
    (the value at rank ⌈p·n⌉), as one SELECT over a ranked subquery (no per-group query)."""
    source = values.subquery("durations")
    group = [source.c[key] for key in keys]
    ranked = select(*group, source.c[value].label("value"),
                    func.row_number().over(partition_by=group, order_by=source.c[value]).label("rank"),
                    func.count().over(partition_by=group).label("n")).subquery("ranked")
    ranked_group = [ranked.c[key] for key in keys]
    n = ranked.c.n
    # ⌈n/2⌉ and ⌈9n/10⌉ in integer arithmetic, the same on both databases
    median_rank = (n + 1) // 2
    p90_rank = (9 * n + 9) // 10
    return (select(*ranked_group, func.max(n).label("n"),
                   func.max(case((ranked.c["rank"] == median_rank, ranked.c.value))).label("median"),
                   func.max(case((ranked.c["rank"] == p90_rank, ranked.c.value))).label("p90"))
            .group_by(*ranked_group).order_by(*ranked_group))

