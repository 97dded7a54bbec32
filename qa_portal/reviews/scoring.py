"""Desk review scoring (issue 6, being built): placeholder for the workflow hook."""


def desk_review_problems(case) -> list[str]:
    """What must still happen before the desk review ends (empty when it may end)."""
    return []
