"""Page panels and buttons that a downstream package contributes to an upstream page.

An upstream template names a slot — `{{ contributions("case_detail.actions", case=case) }}` — and never a
downstream blueprint or template; a downstream package registers what fills the slot at app start, from its own
`subscribers` module: `contribute("case_detail.actions", "decisions/_case_publish.html", order=20)`. The
contributed template is rendered with the slot's context and may link anywhere in its own package."""
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, render_template
from markupsafe import Markup


@dataclass(frozen=True)
class Contribution:
    """One template that fills a slot, shown when `when(**context)` holds, in `order`."""

    template: str
    order: int = 100
    when: Callable[..., bool] | None = None


SLOTS: dict[str, list[Contribution]] = {}


def contribute(slot: str, template: str, *, order: int = 100, when: Callable[..., bool] | None = None) -> None:
    """Register a template for a slot of an upstream page (idempotent: the same template is kept once)."""
    entries = SLOTS.setdefault(slot, [])
    if any(entry.template == template for entry in entries):
        return
    entries.append(Contribution(template, order, when))
    entries.sort(key=lambda entry: entry.order)


def render_contributions(slot: str, **context) -> Markup:
    """Every contribution to the slot whose condition holds, rendered in order with the slot's context."""
    parts = [render_template(entry.template, **context) for entry in SLOTS.get(slot, ())
             if entry.when is None or entry.when(**context)]
    return Markup("".join(parts))


def has_contributions(slot: str, **context) -> bool:
    """Whether any contribution to the slot would show (an upstream page may hide an empty heading)."""
    return any(entry.when is None or entry.when(**context) for entry in SLOTS.get(slot, ()))


def register_contribution_globals(app: Flask) -> None:
    """Make `contributions(slot, **context)` and `has_contributions` available to every template."""
    app.jinja_env.globals.update(contributions=render_contributions, has_contributions=has_contributions)
