"""Every irreversible step asks first, without JavaScript: the first POST of such a step answers with a confirmation
page that says what becomes final and who is told, and re-posts the same fields with `confirmed=yes` to the same URL.

A view passes `confirm=Confirmation(...)` to core.forms.run_service (or calls ask_first itself); nothing changes
until the user confirms. A workflow Transition carries its own words (`Transition.confirm`), so generic action views
build the Confirmation from the row.
"""
from dataclasses import dataclass
from typing import Any

from flask import abort, make_response, render_template, request

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says: the step, what becomes final and who is told, and where Cancel leads."""

    action: Any  # the step's name, also the confirm button's label ("Submit the self-evaluation")
    consequences: Any  # what becomes final and who is told, in plain words
    back_url: str  # Cancel returns here (the object's page)


def confirmed() -> bool:
    """Whether this POST carries the user's confirmation."""
    return request.form.get(CONFIRM_FIELD) == CONFIRM_VALUE


def _reposted_fields() -> list[tuple[str, str]]:
    """The submitted fields to send again on confirmation (the CSRF token is issued afresh by the page)."""
    return [(name, value) for name, values in request.form.lists() if name not in ("csrf_token", CONFIRM_FIELD)
            for value in values]


def ask_first(confirmation: Confirmation | None) -> None:
    """Stop with the confirmation page (HTTP 200) unless the user has confirmed; a no-op without a confirmation."""
    if confirmation is None or confirmed():
        return
    page = render_template("confirm.html", confirmation=confirmation, fields=_reposted_fields(),
                           action_url=request.full_path.rstrip("?"), confirm_field=CONFIRM_FIELD,
                           confirm_value=CONFIRM_VALUE)
    abort(make_response(page, 200))  # a response, not an error: Flask returns it as it is
