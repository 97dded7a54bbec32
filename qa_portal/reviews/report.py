"""Panel report and factual-accuracy check (issue 6, being built): placeholders for the workflow hooks."""


def on_drafting_started(case, actor) -> None:
    """Create the report draft from the consensus judgements when drafting starts."""


def send_problems(case) -> list[str]:
    """Why the draft cannot be sent to the institution yet."""
    return []


def on_sent(case, actor) -> None:
    """Freeze the sent version and open the factual-accuracy window."""


def finalise_problems(case) -> list[str]:
    """Why the report cannot be finalised yet."""
    return []


def on_finalised(case, actor) -> None:
    """Freeze the final version with its SHA-256."""
