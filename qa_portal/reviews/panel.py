"""Panel formation and conflicts of interest (issue 6, being built): placeholders for the workflow hooks."""


def start_review_problems(case) -> list[str]:
    """The composition and clearance rules the case's panel still breaks (empty when the review may start)."""
    return []


def on_review_started(case, actor) -> None:
    """Set each member's scoring deadline when the desk review starts."""
