"""At app start: the register's decision page gets the QA label panel (download and how to verify), and the
registry's OpenAPI document describes the credentials' /api/v1 routes."""
from qa_portal.core.contributions import contribute
from qa_portal.credentials import openapi
from qa_portal.credentials.services.labels import is_labelled
from qa_portal.registry.services.openapi import contribute_operations


def _has_label(decision=None, **_context) -> bool:
    """Only published positive and conditional decisions carry a label."""
    return decision is not None and is_labelled(decision)


contribute("register.decision", "credentials/_register_label.html", order=50, when=_has_label)
contribute_operations(openapi.OPERATIONS, openapi.SCHEMAS)
